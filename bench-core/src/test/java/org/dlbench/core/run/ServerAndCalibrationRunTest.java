package org.dlbench.core.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.dlbench.core.cli.Main;
import org.dlbench.core.result.CellResult;
import org.dlbench.core.result.Host;
import org.dlbench.core.result.ResultsIO;
import org.dlbench.core.result.RunResult;
import org.dlbench.core.result.Status;
import org.dlbench.core.result.Verdicts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The calibration and the server search end to end through child JVMs with the test engines: what reaches
 * results.json (plumbing only, the smoke profile; no number is asserted).
 */
class ServerAndCalibrationRunTest {
    @TempDir
    Path out;

    private int dlbench(String... args) {
        List<String> all = new java.util.ArrayList<>(List.of("run", "--profile", "smoke", "--out", out.toString(),
                "--engine-classpath", "test=" + System.getProperty("java.class.path"),
                "--child-jvm-args", "-Djmh.ignoreLock=true", "--cache", out.resolve("cache").toString()));
        all.addAll(List.of(args));
        StringWriter o = new StringWriter();
        StringWriter e = new StringWriter();
        int code = Main.execute(all.toArray(String[]::new), new PrintWriter(o, true), new PrintWriter(e, true));
        assertNotEquals(2, code, o + "\n" + e);
        return code;
    }

    @Test
    void aServerSearchRecordsItsCalibrationCapacityAndEveryTrial() {
        dlbench("--engines", "TestReference", "--workloads", "mlp", "--modes", "server", "--batch", "1",
                "--server-bound-ms", "50", "--run-id", "server");
        RunResult run = ResultsIO.read(out.resolve("server"));

        List<Host.Calibration> calibration = run.host().calibration();
        assertFalse(calibration.isEmpty(), "the test engine calibrates");
        for (Host.Calibration c : calibration) {
            assertEquals(ChildRequests.CALIBRATION_SAMPLES, c.samples().size(), c.toString());
            assertTrue(c.minGflops() <= c.gflops() && c.gflops() <= c.maxGflops(), c.toString());
        }

        CellResult cell = run.results().stream().filter(r -> r.mode().equals("server")).findFirst().orElseThrow();
        assertEquals(Status.OK, cell.status(), cell.toString());
        assertEquals("TestReference", cell.peak().engine(), "measured against its own calibration");
        assertEquals(CellResult.Peak.OWN, cell.peak().basis());
        CellResult.Server s = cell.server();
        assertNotNull(s, cell.toString());
        assertTrue(s.searched());
        assertTrue(s.capacity() > 0);
        assertFalse(s.capacityWindows().isEmpty());
        assertTrue(s.trials().stream().anyMatch(t -> t.kind().equals(CellResult.ServerTrial.PROBE)), s.toString());
        CellResult.ServerTrial last = s.trials().get(s.trials().size() - 1);
        assertEquals(CellResult.ServerTrial.CONFIRM, last.kind(), "a search ends with a confirming run");
        assertEquals(last.targetRate(), s.targetRate(), 1e-9);
        assertEquals(last.met(), s.boundMet());
        if (!s.boundMet()) {
            assertEquals(Verdicts.INVALID, cell.verdict());
        }
    }
}
