package org.dlbench.core.compare;

import static org.dlbench.core.compare.Fixtures.ok;
import static org.dlbench.core.compare.Fixtures.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.dlbench.core.cli.Main;
import org.dlbench.core.result.CellKey;
import org.dlbench.core.result.CellResult;
import org.dlbench.core.result.Host;
import org.dlbench.core.result.Profile;
import org.dlbench.core.result.ResultsIO;
import org.dlbench.core.result.RunResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Quick against thorough: overlapping error bars, the shares, what is left out, and the command's errors. */
class ProfileAgreementTest {
    static CellResult cell(String engine, String mode, double score, double error, String verdict) {
        return ok(engine, "1", "mlp", mode, 32, 1, score).toBuilder().score(score, error, List.of(score))
                .verdict(verdict, verdict.equals("valid") ? null : "why").build();
    }

    static final RunResult QUICK = run("q", cell("A", "infer", 100, 5, "valid"), cell("B", "infer", 100, 2, "valid"),
            cell("C", "infer", 100, 1, "noisy"), Fixtures.checkFailed(cell("D", "infer", 100, 1, "valid")),
            CellResult.unsupported(new CellKey("E", "mlp", "infer", 32, 1, "cpu"), "no"));
    static final RunResult THOROUGH = run("t", Fixtures.HOST, Profile.THOROUGH, cell("A", "infer", 108, 3, "valid"),
            cell("B", "infer", 110, 3, "valid"), cell("C", "infer", 99.5, 0, "valid"), cell("D", "infer", 100, 1, "valid"),
            CellResult.unsupported(new CellKey("E", "mlp", "infer", 32, 1, "cpu"), "no"));

    @Test
    void aCellAgreesWhenItsErrorBarsOverlap() {
        ProfileAgreement g = ProfileAgreement.of(QUICK, THOROUGH);
        assertEquals(List.of("A mlp infer b32 t1", "B mlp infer b32 t1", "C mlp infer b32 t1"),
                g.rows().stream().map(ProfileAgreement.Row::label).toList());
        ProfileAgreement.Row a = g.rows().get(0);
        assertTrue(a.agrees(), "8 apart, bars 5 + 3: they touch");
        assertEquals(1.0, a.gapInErrors(), 1e-12);
        assertEquals(1.08, a.ratio(), 1e-12);
        assertFalse(g.rows().get(1).agrees(), "10 apart, bars 2 + 3");
        assertEquals(2.0, g.rows().get(1).gapInErrors(), 1e-12);
        assertTrue(g.rows().get(2).agrees());
        assertEquals(2, g.agreeing());
        assertEquals(List.of("D mlp infer b32 t1: first run failed or lacks checks"), g.leftOut());
        String md = g.markdown();
        assertTrue(md.contains("- 2 of 3 cells agree (67%)\n"), md);
        assertTrue(md.contains("- 1 of 2 cells valid in both runs agree (50%)\n"), md);
        assertTrue(md.contains("| B mlp infer b32 t1 | 100 | 2.0% | 110 | 2.7% | 1.100 | 2.00 | **no** | valid / valid |"),
                md);
        assertTrue(md.contains("| C mlp infer b32 t1 | 100 | 1.0% | 100 | 0.0% | 0.995 | 0.50 | yes | noisy / valid |"),
                md);
    }

    @Test
    void runsOfDifferentMachinesAreRefused() {
        Host h = Fixtures.HOST;
        Host other = new Host(h.hostname(), "Other CPU", h.cpuFlags(), h.cores(), h.memoryBytes(), h.os(), h.kernel(),
                h.jvm(), h.jvmArgs(), h.calibration());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ProfileAgreement.of(QUICK, run("o", other, Profile.THOROUGH, cell("A", "infer", 1, 1, "valid"))));
        assertTrue(e.getMessage().startsWith("the runs are from different machines (Test CPU 3000 vs Other CPU)"),
                e.getMessage());
    }

    @Test
    void theCommandPrintsAndWritesTheReportAndRefusesBadInputInOneLine(@TempDir Path dir) throws Exception {
        ResultsIO.write(QUICK, dir.resolve("q").resolve(ResultsIO.FILE));
        ResultsIO.write(THOROUGH, dir.resolve("t").resolve(ResultsIO.FILE));
        ResultsIO.write(run("empty"), dir.resolve("e").resolve(ResultsIO.FILE));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Path md = dir.resolve("agree.md");
        int code = Main.execute(new String[] {"agree", dir.resolve("q").toString(), dir.resolve("t").toString(),
                "--out", md.toString()}, new PrintWriter(out, true), new PrintWriter(err, true));
        assertEquals(0, code, err.toString());
        assertTrue(out.toString().startsWith("# Agreement: q (quick) and t (thorough)"), out.toString());
        assertEquals(out.toString(), Files.readString(md));

        for (String[] args : List.of(new String[] {"agree", dir.resolve("q").toString(), dir.resolve("nope").toString()},
                new String[] {"agree", dir.resolve("q").toString(), dir.resolve("e").toString()},
                new String[] {"agree", dir.resolve("q").toString(), dir.resolve("t").toString(), "--out",
                        dir.toString()})) {
            StringWriter o = new StringWriter();
            StringWriter e = new StringWriter();
            assertEquals(Main.USAGE, Main.execute(args, new PrintWriter(o, true), new PrintWriter(e, true)),
                    String.join(" ", args) + ": " + e);
            assertEquals(1, e.toString().lines().count(), e.toString());
            assertFalse(e.toString().contains("Exception"), e.toString());
        }
    }
}
