package org.dlbench.core.result;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Calibration maths (median and spread), the mapping of each cell to its own engine's peak, and how peaks and the
 * server scenario's trials are written to results.json and results.md.
 */
class PeakAndServerResultsTest {

    @Test
    void medianAndSpreadOfTheSamples() {
        assertEquals(3.0, Host.median(List.of(5.0, 1.0, 3.0)));
        assertEquals(2.5, Host.median(List.of(4.0, 1.0, 2.0, 3.0)));
        assertEquals(7.0, Host.median(List.of(7.0)));
        assertThrows(IllegalArgumentException.class, () -> Host.median(List.of()));

        Host.Calibration c = Host.Calibration.of("E", 1, 1024, List.of(71.2, 88.6, 87.1, 86.0, 90.3));
        assertEquals(87.1, c.gflops(), "the median, not the mean or the best");
        assertEquals(71.2, c.minGflops());
        assertEquals(90.3, c.maxGflops());
        assertEquals(List.of(71.2, 88.6, 87.1, 86.0, 90.3), c.samples(), "samples kept in measured order");
        assertEquals(List.of("E"), c.usedBy());
        assertThrows(IllegalArgumentException.class, () -> Host.Calibration.of("E", 1, 1024, List.of()));
    }

    /** PyTorch and MXNet calibrate themselves; DL4J's calibration stands for SameDiff and Spark too. */
    private static Host host() {
        List<Host.Calibration> measured = List.of(
                Host.Calibration.of("PyTorch", 1, 1024, List.of(80.0, 79.0, 81.0, 80.0, 78.0)),
                Host.Calibration.of("MXNet", 1, 1024, List.of(30.0, 30.0, 30.0, 30.0, 30.0)),
                Host.Calibration.of("DL4J", 1, 1024, List.of(20.0, 20.0, 20.0, 20.0, 20.0)),
                Host.Calibration.of("PyTorch", 2, 1024, List.of(150.0, 150.0, 150.0, 150.0, 150.0)),
                Host.Calibration.of("DL4J", 2, 1024, List.of(35.0, 35.0, 35.0, 35.0, 35.0)));
        List<Host.Calibration> linked = Host.link(measured,
                Map.of("DL4J-SameDiff", "DL4J", "DL4J-Spark", "DL4J", "Orphan", "NotMeasured"));
        return new Host("box", "CPU", List.of(), 2, 1L << 34, "Linux", "6.1", "JDK", List.of(), linked);
    }

    private static CellResult cell(String engine, int threads, double gflops) {
        return new CellResult.Builder(new CellKey(engine, "mlp", "infer", 32, threads, "cpu")).score(1000.0, 1.0,
                List.of(1000.0)).gflops(gflops).build();
    }

    @Test
    void linkingAddsTheEnginesThatShareALibrary() {
        Host h = host();
        assertEquals(List.of("DL4J", "DL4J-SameDiff", "DL4J-Spark"), h.ownCalibration("DL4J", 1).usedBy());
        assertEquals(List.of("PyTorch"), h.ownCalibration("PyTorch", 1).usedBy());
        assertSame(h.ownCalibration("DL4J", 2), h.ownCalibration("DL4J-SameDiff", 2));
        assertNull(h.ownCalibration("TensorFlow", 1));
        assertNull(h.ownCalibration("Orphan", 1), "a link to a calibration that was not measured links nothing");
        assertEquals(80.0, h.peakGflops(1));
        assertEquals("PyTorch", h.bestCalibration(2).engine());
        assertNull(h.peakGflops(4));
    }

    @Test
    void eachCellIsMeasuredAgainstItsOwnEnginesPeakWithTheBestBesideIt() {
        Host h = host();
        CellResult pt = h.withEfficiency(cell("PyTorch", 1, 8));
        assertEquals(10.0, pt.percentOfPeak(), 1e-9);
        assertEquals(new CellResult.Peak("PyTorch", 80.0, CellResult.Peak.OWN, "PyTorch", 80.0, 10.0), pt.peak());

        CellResult mx = h.withEfficiency(cell("MXNet", 1, 3));
        assertEquals(10.0, mx.percentOfPeak(), 1e-9, "against MXNet's own 30 GFLOP/s, not PyTorch's 80");
        assertEquals("MXNet", mx.peak().engine());
        assertEquals(CellResult.Peak.OWN, mx.peak().basis());
        assertEquals(3.75, mx.peak().percentOfBest(), 1e-9);

        for (String dl4j : List.of("DL4J", "DL4J-SameDiff", "DL4J-Spark")) {
            CellResult r = h.withEfficiency(cell(dl4j, 2, 3.5));
            assertEquals(10.0, r.percentOfPeak(), 1e-9, dl4j);
            assertEquals("DL4J", r.peak().engine(), dl4j);
            assertEquals(35.0, r.peak().gflops(), dl4j + " at 2 threads uses DL4J's 2-thread median");
            assertEquals(CellResult.Peak.OWN, r.peak().basis(), dl4j);
        }

        CellResult tf = h.withEfficiency(cell("TensorFlow", 1, 8));
        assertEquals(CellResult.Peak.BEST, tf.peak().basis(), "no calibration of its own: the best is used, and said");
        assertEquals("PyTorch", tf.peak().engine());
        assertEquals(10.0, tf.percentOfPeak(), 1e-9);

        CellResult mx2 = h.withEfficiency(cell("MXNet", 2, 15));
        assertEquals(CellResult.Peak.BEST, mx2.peak().basis(), "MXNet was not calibrated at 2 threads");
        assertEquals(10.0, mx2.percentOfPeak(), 1e-9);

        CellResult none = h.withEfficiency(cell("PyTorch", 4, 8));
        assertNull(none.percentOfPeak());
        assertNull(none.peak());
    }

    @Test
    void olderCalibrationsWithoutSamplesStillRead(@TempDir Path dir) throws Exception {
        Host.Calibration old = ResultsIO.JSON.readValue(
                "{\"engine\":\"PyTorch\",\"threads\":1,\"n\":1024,\"gflops\":88.6}", Host.Calibration.class);
        assertEquals(List.of("PyTorch"), old.usedBy());
        assertEquals(List.of(), old.samples());
        assertEquals(88.6, old.gflops());
    }

    @Test
    void peaksAndServerTrialsRoundTripInSnakeCase(@TempDir Path dir) throws Exception {
        Host h = host();
        CellResult.Server server = new CellResult.Server(8000, 7990, 2.0, true, true, 10_000.0,
                List.of(5000.0, 9900.0, 10_000.0), true, null,
                List.of(new CellResult.ServerTrial(CellResult.ServerTrial.PROBE, 10_000, 9950, 12.5, false, 1.0),
                        new CellResult.ServerTrial(CellResult.ServerTrial.PROBE, 8000, 8010, 1.5, true, 1.0),
                        new CellResult.ServerTrial(CellResult.ServerTrial.CONFIRM, 8000, 7990, 1.7, true, 5.0)));
        CellResult s = new CellResult.Builder(new CellKey("PyTorch", "mlp", "server", 1, 1, "cpu"))
                .score(7990.0, null, List.of()).gflops(1.0).server(server)
                .checks(List.of(new Check("forward_matches_reference", true, "ok")))
                .latency(new CellResult.Latency(40_000, 0.3, 0.2, 0.9, 1.7, 2.5, 4.0, 5.0)).build();
        RunResult run = new RunResult(RunResult.SCHEMA_VERSION, "r1", "2026-11-26T00:00:00Z", null, "0.1.0", "abc",
                h, Profile.QUICK, List.of(h.withEfficiency(cell("TensorFlow", 1, 8)), h.withEfficiency(s)));
        Path file = dir.resolve("results.json");
        ResultsIO.write(run, file);
        assertEquals(run, ResultsIO.read(file));
        String json = Files.readString(file);
        for (String field : List.of("\"min_gflops\"", "\"max_gflops\"", "\"samples\"", "\"used_by\"",
                "\"percent_of_peak\"", "\"peak\"", "\"basis\" : \"best\"", "\"best_engine\"", "\"best_gflops\"",
                "\"percent_of_best\"", "\"capacity\"", "\"capacity_windows\"", "\"capacity_steady\"", "\"trials\"",
                "\"kind\" : \"confirm\"", "\"target_rate\"", "\"achieved_rate\"", "\"p99_ms\"", "\"met\"",
                "\"bound_met\"")) {
            assertTrue(json.contains(field), field + " in " + json);
        }
    }

    @Test
    void markdownShowsBothPeaksAndTheConfirmingRun() {
        Host h = host();
        CellResult.Server server = new CellResult.Server(8000, 7990, 2.0, true, true, 10_000.0, List.of(10_000.0),
                true, null, List.of(
                new CellResult.ServerTrial(CellResult.ServerTrial.PROBE, 10_000, 9950, 12.5, false, 1.0),
                new CellResult.ServerTrial(CellResult.ServerTrial.CONFIRM, 8800, 8790, 2.4, false, 5.0),
                new CellResult.ServerTrial(CellResult.ServerTrial.CONFIRM, 8000, 7990, 1.7, true, 5.0)));
        CellResult s = new CellResult.Builder(new CellKey("PyTorch", "mlp", "server", 1, 1, "cpu"))
                .score(7990.0, null, List.of()).server(server)
                .latency(new CellResult.Latency(40_000, 0.3, 0.2, 0.9, 1.7, 2.5, 4.0, 5.0)).build();
        RunResult run = new RunResult(RunResult.SCHEMA_VERSION, "r1", "2026-11-26T00:00:00Z", null, "0.1.0", "abc",
                h, Profile.QUICK, List.of(h.withEfficiency(cell("MXNet", 1, 3)),
                h.withEfficiency(cell("TensorFlow", 1, 8)), s));
        String md = MarkdownReport.render(run);
        assertTrue(md.contains("| GFLOP/s | % peak | % best peak | Checks |"), md);
        assertTrue(md.contains("| 3.00 | 10.0% | 3.8% |"), "MXNet: own peak and best peak: " + md);
        assertTrue(md.contains("| 8.00 | 10.0% \\* | 10.0% |"), "TensorFlow is marked as measured against the best");
        assertTrue(md.contains("DL4J 20.0 GFLOP/s (20.0-20.0, 5 samples; 1 thread; also for DL4J-SameDiff, "
                + "DL4J-Spark)"), md);
        assertTrue(md.contains("Best: 80.0 GFLOP/s (PyTorch) at 1 thread, 150.0 GFLOP/s (PyTorch) at 2 threads"), md);
        assertTrue(md.contains("7,990 req/s, confirming p99 1.70 ms within 2.00 ms bound (searched, 3 trials: 1 probe, "
                + "2 confirming runs; capacity 10,000/s)"), md);

        CellResult.Server none = new CellResult.Server(5000, 4990, 2.0, false, true, 10_000.0, List.of(), true,
                "no rate met the p99 bound", server.trials());
        assertTrue(MarkdownReport.serverCell(s.toBuilder().server(none).build())
                .startsWith("**no rate met the 2.00 ms bound** in a confirming run (last: 5,000 req/s, p99 1.70 ms"));
    }
}
