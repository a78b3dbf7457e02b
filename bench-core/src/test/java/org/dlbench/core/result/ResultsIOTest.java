package org.dlbench.core.result;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultsIOTest {

    static RunResult sample() {
        Host host = new Host("box", "Some CPU", List.of("avx2"), 2, 1L << 34, "Linux", "6.1", "OpenJDK 17", List.of(),
                List.of(new Host.Calibration("PyTorch", 1, 1024, 100.0)));
        CellResult ok = new CellResult.Builder(new CellKey("PyTorch", "mlp", "infer", 32, 1, "cpu"))
                .engineVersion("2.7.1").score(1234.5, 12.25, List.of(1220.0, 1234.5, 1249.0)).gflops(0.27)
                .percentOfPeak(0.27).verdict("valid", null)
                .checks(List.of(new Check("forward_matches_reference", true, "max abs error 1e-7")))
                .latency(new CellResult.Latency(500, 0.02, 0.019, 0.021, 0.03, 0.05, 0.2, 3.0))
                .startup(new CellResult.Startup(800.0, 20.0, 3.5))
                .memory(new CellResult.Memory(300_000_000L, 50_000_000L, "benchmark"))
                .settings(Map.of("num_threads", "1")).seconds(10.5).build();
        CellResult no = CellResult.unsupported(new CellKey("TensorFlow", "mlp", "train", 32, 1, "cpu"), "cannot train");
        return new RunResult(RunResult.SCHEMA_VERSION, "r1", "2026-11-26T00:00:00Z", null, "0.1.0", "abc", host,
                Profile.QUICK, List.of(ok, no));
    }

    @Test
    void roundTripsEveryField(@TempDir Path dir) throws Exception {
        RunResult run = sample();
        Path file = dir.resolve("results.json");
        ResultsIO.write(run, file);
        assertEquals(run, ResultsIO.read(file));
        assertEquals(run, ResultsIO.read(dir));
        String json = Files.readString(file);
        for (String field : List.of("\"schema_version\" : 1", "\"engine_version\"", "\"score_error\"", "\"gflops\"",
                "\"status\" : \"unsupported\"", "\"reason\" : \"cannot train\"", "\"checks\"")) {
            assertTrue(json.contains(field), field + " in " + json);
        }
        try (var files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList(), "no temporary file is left behind");
        }
    }

    @Test
    void rejectsForeignCorruptAndNewerFiles(@TempDir Path dir) throws Exception {
        Path corrupt = Files.writeString(dir.resolve("a.json"), "{\"schema_version\": 1, \"results\": [");
        assertTrue(assertThrows(ResultsIO.BadResultsException.class, () -> ResultsIO.read(corrupt)).getMessage()
                .contains("a.json: results: not valid JSON at line 1"));
        Path foreign = Files.writeString(dir.resolve("b.json"), "{\"name\": \"x\"}");
        assertTrue(assertThrows(ResultsIO.BadResultsException.class, () -> ResultsIO.read(foreign)).getMessage()
                .endsWith("b.json: schema_version: missing; not a dlbench results file"));
        Path newer = Files.writeString(dir.resolve("c.json"), "{\"schema_version\": 99}");
        assertTrue(assertThrows(ResultsIO.BadResultsException.class, () -> ResultsIO.read(newer)).getMessage()
                .endsWith("c.json: schema_version: 99; this dlbench reads 1"));
        assertTrue(assertThrows(ResultsIO.BadResultsException.class, () -> ResultsIO.read(dir.resolve("none.json")))
                .getMessage().startsWith("no results file at"));
    }

    @Test
    void markdownShowsNumbersReasonsAndFailedChecks() {
        RunResult run = sample();
        CellResult bad = new CellResult.Builder(new CellKey("X", "mlp", "infer", 32, 1, "cpu")).engineVersion("1")
                .score(10.0, 1.0, List.of(10.0)).gflops(0.1)
                .checks(List.of(new Check("forward_matches_reference", false, "max abs error 3"))).seconds(1.0).build();
        String md = MarkdownReport.render(run.withResult(bad));
        assertTrue(md.contains("| PyTorch |  | 2.7.1 | mlp | infer | 32 | 1 | 1 | cpu | ok | 1,235 | 12 (1.0%) | valid | 0.27 "
                + "| 0.3% |"), md);
        assertTrue(md.contains("| Engine | mlp infer | mlp train |\n|---|---|---|\n| PyTorch | ok | - |\n| TensorFlow | - | unsupported |"), md);
        assertTrue(md.contains("| PyTorch | mlp | infer | 32 | 1 | valid | 0.019 | 0.021 | 0.030 | 0.050 | 0.200 | 800 "
                + "| 20.00 | 3.50 | 286 | 48 |"), md);
        assertTrue(md.contains("| X | mlp | infer | 32 | 1 | **invalid** |"), "every table shows the verdict: " + md);
        assertTrue(md.contains("| **invalid**: correctness check failed: forward_matches_reference |"), md);
        assertTrue(md.contains("Calibrated float32 matmul peak (1024x1024 unless said; median of each engine's samples, "
                + "min-max): PyTorch 100.0 GFLOP/s (1 sample; 1 thread). Best: 100.0 GFLOP/s (PyTorch) at 1 thread."), md);
        assertTrue(md.contains("| unsupported: cannot train |"), md);
        assertTrue(md.contains("ok, CHECK FAILED"), md);
        assertTrue(md.contains("FAILED forward_matches_reference (max abs error 3)"), md);
        assertTrue(md.contains("Host `box`: Some CPU, 2 cores, 16.0 GiB"), md);
    }

    @Test
    void hostTopologyRoundTripsAndOlderFilesWithoutItStillLoad(@TempDir Path dir) throws Exception {
        RunResult base = sample();
        Host h = base.host();
        Host withTopology = new Host(h.hostname(), h.cpuModel(), h.cpuFlags(), 4, h.memoryBytes(), h.os(), h.kernel(),
                h.jvm(), h.jvmArgs(), h.calibration(), 2, 4, "/sys/devices/system/cpu");
        RunResult run = new RunResult(base.schemaVersion(), base.runId(), base.startedAt(), base.finishedAt(),
                base.harnessVersion(), base.gitCommit(), withTopology, base.profile(), base.results());
        Path file = dir.resolve("results.json");
        ResultsIO.write(run, file);
        String json = Files.readString(file);
        assertTrue(json.contains("\"physical_cores\" : 2") && json.contains("\"logical_cpus\" : 4"), json);
        assertEquals(run, ResultsIO.read(file));
        assertEquals("2 physical cores, 4 logical CPUs", ResultsIO.read(file).host().coresDescription());

        // a results.json from before the topology fields: no physical_cores, logical_cpus, topology_source
        var tree = (com.fasterxml.jackson.databind.node.ObjectNode) ResultsIO.JSON.readTree(json);
        ((com.fasterxml.jackson.databind.node.ObjectNode) tree.get("host"))
                .remove(List.of("physical_cores", "logical_cpus", "topology_source"));
        String old = ResultsIO.JSON.writeValueAsString(tree);
        assertTrue(!old.contains("physical_cores"), old);
        Path oldFile = Files.writeString(dir.resolve("old.json"), old);
        Host loaded = ResultsIO.read(oldFile).host();
        assertEquals(null, loaded.physicalCores());
        assertEquals(4, loaded.cores());
        assertEquals(4, loaded.physicalCoresOrCores());
        assertEquals("4 cores", loaded.coresDescription());
    }
}
