package org.dlbench.core.scorecard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.dlbench.core.cli.Main;
import org.dlbench.core.compare.Fixtures;
import org.dlbench.core.result.Host;
import org.dlbench.core.result.Profile;
import org.dlbench.core.result.ResultsIO;
import org.dlbench.core.result.RunResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code dlbench scorecard}: merging runs, refusing mixtures, the weights file; bad input is one line, exit 2. */
class ScorecardCliTest {
    record Result(int code, String out, String err) {
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(code, out.toString(), err.toString());
    }

    private static Path write(Path dir, RunResult r) throws Exception {
        Path d = dir.resolve(r.runId());
        ResultsIO.write(r, d.resolve(ResultsIO.FILE));
        return d;
    }

    @Test
    void mergesRunsOfOneMachineAndProfile(@TempDir Path dir) throws Exception {
        Path a = write(dir, Fixtures.run("a", Cells.valid("A", "mlp", "infer", 100, 1)));
        Path b = write(dir, Fixtures.run("b", Cells.valid("B", "mlp", "infer", 50, 1),
                Cells.valid("A", "mlp", "infer", 120, 1)));
        Path html = dir.resolve("card.html");
        Result r = run("scorecard", a.toString(), b.toString(), "--html", html.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("## Scorecard\n\nRuns: a, b. Weights: built-in scorecard.json"), r.out());
        // A's cell of run b replaces run a's: B at 50 / 120
        EngineRow b2 = ScorecardMathTest.row(Scorecard.of(MergedRuns.of(List.of(ResultsIO.read(a), ResultsIO.read(b))),
                ScoreWeights.builtIn()), "B");
        assertEquals(50.0 / 120, b2.infer().value(), 1e-12);
        String page = Files.readString(html);
        assertTrue(page.startsWith("<!DOCTYPE html>") && page.contains("<h2 id=\"scorecard\">Scorecard</h2>"), page);
        assertTrue(page.contains("alt=\"Scorecard: dimension indices per engine"), "the dimensions chart");
    }

    @Test
    void refusesRunsOfAnotherMachineOrProfileInOneLine(@TempDir Path dir) throws Exception {
        Host other = new Host("other", "Test CPU 3000", List.of("avx2", "fma"), 2, 1L << 34, "Debian 12", "6.1",
                "OpenJDK 17.0.15", List.of(), List.of());
        Path a = write(dir, Fixtures.run("a", Cells.valid("A", "mlp", "infer", 100, 1)));
        Path b = write(dir, Fixtures.run("b", other, Profile.QUICK, Cells.valid("A", "mlp", "infer", 100, 1)));
        Path c = write(dir, Fixtures.run("c", Fixtures.HOST, Profile.THOROUGH, Cells.valid("A", "mlp", "infer", 1, 1)));
        Result r = run("scorecard", a.toString(), b.toString());
        assertEquals(2, r.code());
        assertEquals("dlbench: runs a and b cannot be merged: different machines (host box vs other)\n", r.err());
        Result p = run("scorecard", a.toString(), c.toString());
        assertEquals(2, p.code());
        assertEquals("dlbench: runs a and c cannot be merged: different profiles (quick vs thorough)\n", p.err());
        assertEquals("", r.out() + p.out());
    }

    @Test
    void customAndBadWeightsFiles(@TempDir Path dir) throws Exception {
        Path a = write(dir, Fixtures.run("a", Cells.valid("A", "mlp", "infer", 100, 1)));
        String builtIn;
        try (var in = ScoreWeights.class.getResourceAsStream(ScoreWeights.RESOURCE)) {
            builtIn = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Path mine = dir.resolve("mine.json");
        Files.writeString(mine, builtIn.replace("\"confidence\": 0.95", "\"confidence\": 0.9"));
        Result ok = run("scorecard", a.toString(), "--weights", mine.toString());
        assertEquals(0, ok.code(), ok.err());
        assertTrue(ok.out().contains("Weights: " + mine + "."), ok.out());
        assertTrue(ok.out().contains("with a 90% interval"), ok.out());

        Path bad = dir.resolve("bad.json");
        for (String[] c : new String[][] {
            {builtIn.replace("\"latency\": 1", "\"latency\": -1"),
                "dimensions.latency: expected a number at least 0, got the number -1"},
            {builtIn.replace("\"scale\": 0", "\"scale\": 0, \"speed\": 1"), "dimensions.speed: unknown field"},
            {builtIn.replace("\"confidence\": 0.95", "\"confidence\": 95"),
                "confidence: expected a number between 0 and 1 (e.g. 0.95), got the number 95"},
            {builtIn.replace("    \"sparse\": 1\n", "").replace("\"sequence\": 1,", "\"sequence\": 1"),
                "families.sparse: missing"},
            {"{\"format\": \"other\"}", "format: expected \"dlbench-scorecard-weights\""},
            {"{", "not valid JSON"}}) {
            Files.writeString(bad, c[0]);
            Result r = run("scorecard", a.toString(), "--weights", bad.toString());
            assertEquals(2, r.code(), c[1] + ": " + r.err());
            assertTrue(r.err().startsWith("dlbench: --weights " + bad + ": "), r.err());
            assertTrue(r.err().contains(c[1]), c[1] + " <- " + r.err());
            assertEquals(1, r.err().lines().count(), r.err());
            assertFalse(r.err().contains("Exception"), r.err());
        }
        Result missing = run("scorecard", a.toString(), "--weights", dir.resolve("none.json").toString());
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("none.json: cannot read: no such file"), missing.err());
    }

    @Test
    void mergeKeepsTheValidCellOfTwo() {
        RunResult a = Fixtures.run("a", Cells.valid("A", "mlp", "infer", 100, 1));
        RunResult b = Fixtures.run("b", Cells.withVerdict(Cells.valid("A", "mlp", "infer", 300, 1), "noisy", "x"));
        MergedRuns m = MergedRuns.of(List.of(a, b));
        assertEquals(1, m.cells().size());
        assertEquals(100.0, m.cells().get(0).score());
        assertEquals(1, m.replaced());
        assertThrows(ScorecardException.class, () -> MergedRuns.of(List.of()));
    }
}
