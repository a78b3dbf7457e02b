package org.dlbench.core.result;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.dlbench.core.cli.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The run's drift reference in results.json: round trip, older files without it, bad values named in one line. */
class DriftReferenceTest {

    static DriftReference drift() {
        return DriftReference.of("jvm-dmatmul-64-v1", "matmul/s", List.of(3500.0, 3480.0, 3530.0, 3512.0, 3390.0),
                2.0);
    }

    static RunResult withDrift() {
        return ResultsIOTest.sample().withDriftReference(drift());
    }

    @Test
    void ofTakesTheMedianAndSpread() {
        DriftReference d = drift();
        assertEquals(3500.0, d.median());
        assertEquals(3390.0, d.min());
        assertEquals(3530.0, d.max());
        assertEquals(5, d.samples());
        assertEquals(List.of(3500.0, 3480.0, 3530.0, 3512.0, 3390.0), d.values());
        assertThrows(IllegalArgumentException.class, () -> DriftReference.of("w", "u", List.of(), 1.0));
    }

    @Test
    void aCellsReferenceJoinsTheSamplesBeforeAndAfterIt() {
        DriftReference before = DriftReference.of("jvm-dmatmul-64-v1", "matmul/s", List.of(100.0, 102.0, 98.0), 0.6);
        DriftReference after = DriftReference.of("jvm-dmatmul-64-v1", "matmul/s", List.of(90.0, 91.0, 89.0), 0.6);
        DriftReference d = DriftReference.around(before, after);
        assertEquals(List.of(100.0, 102.0, 98.0, 90.0, 91.0, 89.0), d.values());
        assertEquals(6, d.samples());
        assertEquals(94.5, d.median(), 1e-12);
        assertEquals(89.0, d.min());
        assertEquals(102.0, d.max());
        assertEquals(1.2, d.seconds(), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> DriftReference.around(before,
                DriftReference.of("other-v1", "matmul/s", List.of(1.0), 0.2)));
    }

    @Test
    void aCellKeepsItsOwnThroughResultsJsonAndABadOneIsNamed(@TempDir Path dir) throws Exception {
        RunResult run = ResultsIOTest.sample();
        CellResult cell = run.results().get(0).withDriftReference(drift());
        RunResult withCell = run.withResult(cell);
        Path file = dir.resolve("results.json");
        ResultsIO.write(withCell, file);
        RunResult read = ResultsIO.read(file);
        assertEquals(withCell, read);
        CellResult back = read.results().stream().filter(r -> r.key().equals(cell.key())).findFirst().orElseThrow();
        assertEquals(drift(), back.driftReference());
        assertNull(run.results().get(0).driftReference(), "a cell measured without one has none");
        assertTrue(MarkdownReport.render(withCell).contains("- Drift reference around each cell (just before and after"
                + " it; median of each): 3,500 to 3,500 matmul/s over 1 cell (+0.0%; slowest around PyTorch mlp infer"
                + " b32 t1, fastest around PyTorch mlp infer b32 t1)\n"), MarkdownReport.render(withCell));
        assertTrue(!MarkdownReport.render(run).contains("around each cell"));

        ObjectNode tree = (ObjectNode) ResultsIO.JSON.readTree(file.toFile());
        int index = read.results().indexOf(back);
        ((ObjectNode) tree.get("results").get(index).get("drift_reference")).put("min", 9999.0);
        Files.writeString(file, ResultsIO.JSON.writeValueAsString(tree));
        String message = assertThrows(ResultsIO.BadResultsException.class, () -> ResultsIO.read(file)).getMessage();
        assertTrue(message.startsWith(file + ": results[" + index + "].drift_reference.min: must be at most max"),
                message);
    }

    @Test
    void roundTripsThroughResultsJson(@TempDir Path dir) throws Exception {
        RunResult run = withDrift();
        Path file = dir.resolve("results.json");
        ResultsIO.write(run, file);
        String json = Files.readString(file);
        for (String field : List.of("\"drift_reference\" : {", "\"workload\" : \"jvm-dmatmul-64-v1\"",
                "\"unit\" : \"matmul/s\"", "\"median\" : 3500.0", "\"min\" : 3390.0", "\"max\" : 3530.0",
                "\"samples\" : 5", "\"seconds\" : 2.0", "\"values\" : [")) {
            assertTrue(json.contains(field), field + " in " + json);
        }
        RunResult read = ResultsIO.read(file);
        assertEquals(run, read);
        assertEquals(drift(), read.driftReference());
        read.validate();
    }

    @Test
    void theRunKeepsItWhenCellsHostOrFinishChange() {
        RunResult run = withDrift();
        CellResult no = CellResult.unsupported(new CellKey("X", "mlp", "infer", 32, 1, "cpu"), "no");
        assertEquals(drift(), run.withResult(no).driftReference());
        assertEquals(drift(), run.finished("2026-11-26T01:00:00Z").driftReference());
        assertEquals(drift(), run.withHost(run.host().withCalibration(List.of())).driftReference());
        assertNull(ResultsIOTest.sample().driftReference(), "a run made without one has none");
    }

    @Test
    void resultsWithoutItStillLoad(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("results.json");
        ResultsIO.write(withDrift(), file);
        ObjectNode tree = (ObjectNode) ResultsIO.JSON.readTree(file.toFile());
        tree.remove("drift_reference");
        Path old = Files.writeString(dir.resolve("old.json"), ResultsIO.JSON.writeValueAsString(tree));
        RunResult read = ResultsIO.read(old);
        assertNull(read.driftReference());
        assertEquals(ResultsIOTest.sample(), read);
        assertTrue(!MarkdownReport.render(read).contains("Drift reference"));

        // without the per-sample values (optional) it loads too
        ObjectNode noValues = (ObjectNode) ResultsIO.JSON.readTree(file.toFile());
        ((ObjectNode) noValues.get("drift_reference")).remove("values");
        Path bare = Files.writeString(dir.resolve("bare.json"), ResultsIO.JSON.writeValueAsString(noValues));
        assertEquals(List.of(), ResultsIO.read(bare).driftReference().values());
    }

    @Test
    void markdownHeaderShowsIt() {
        String md = MarkdownReport.render(withDrift());
        assertTrue(md.contains("- Drift reference (engine-free jvm-dmatmul-64-v1 on 1 thread of the runner JVM, to tell"
                + " machine drift between runs; median, min-max): 3,500 matmul/s (3,390-3,530, 5 samples in 2.0 s)\n"),
                md);
    }

    @Test
    void badValuesAreOneLineNamingFileAndField(@TempDir Path dir) throws Exception {
        bad(dir, d -> d.put("median", -1.0), "drift_reference.median: must be a finite number above 0, got -1");
        bad(dir, d -> d.put("min", 3600.0), "drift_reference.min: must be at most max (3530), got 3600");
        bad(dir, d -> d.put("median", 3000.0),
                "drift_reference.median: must lie between min and max (3390 to 3530), got 3000");
        bad(dir, d -> d.put("samples", 0), "drift_reference.samples: must be at least 1, got 0");
        bad(dir, d -> d.put("samples", 4), "drift_reference.values: holds 5 values for 4 samples");
        bad(dir, d -> d.put("seconds", 0.0), "drift_reference.seconds: must be a finite number above 0, got 0");
        bad(dir, d -> d.put("workload", " "), "drift_reference.workload: empty");
        bad(dir, d -> d.remove("unit"), "drift_reference.unit: missing");
        bad(dir, d -> ((com.fasterxml.jackson.databind.node.ArrayNode) d.get("values"))
                        .set(2, com.fasterxml.jackson.databind.node.DoubleNode.valueOf(-5.0)),
                "drift_reference.values[2]: must be a finite number above 0, got -5");
        bad(dir, d -> d.put("max", "fast"), "drift_reference.max");
        bad(dir, d -> d.putNull("median"), "drift_reference.median");
    }

    /** The mutated file is refused by the reader with {@code FILE: PATH: problem}, and by {@code report} in one line. */
    private static void bad(Path dir, Consumer<ObjectNode> mutate, String expected) throws Exception {
        Path file = dir.resolve("results.json");
        ResultsIO.write(withDrift(), file);
        ObjectNode tree = (ObjectNode) ResultsIO.JSON.readTree(file.toFile());
        mutate.accept((ObjectNode) tree.get("drift_reference"));
        Files.writeString(file, ResultsIO.JSON.writeValueAsString(tree));
        String message = assertThrows(ResultsIO.BadResultsException.class, () -> ResultsIO.read(file)).getMessage();
        assertTrue(message.startsWith(file + ": " + expected), expected + " <- " + message);

        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.execute(new String[] {"report", file.toString()}, new PrintWriter(out, true),
                new PrintWriter(err, true));
        assertEquals(2, code, err.toString());
        List<String> lines = err.toString().lines().toList();
        assertEquals(1, lines.size(), err.toString());
        assertTrue(lines.get(0).startsWith("dlbench: ") && !err.toString().contains("Exception"), lines.get(0));
        assertTrue(lines.get(0).contains(file + ": " + expected), expected + " <- " + lines.get(0));
    }
}
