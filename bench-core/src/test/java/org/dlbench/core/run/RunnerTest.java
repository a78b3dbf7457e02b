package org.dlbench.core.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.dlbench.core.cli.Main;
import org.dlbench.core.result.CellResult;
import org.dlbench.core.result.ResultsIO;
import org.dlbench.core.result.RunResult;
import org.dlbench.core.result.Status;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runner end to end, with the test engines on this classpath as the engine module: each cell really runs in
 * a child JVM, so crashes, hangs and out-of-memory are real.
 */
class RunnerTest {
    @TempDir
    Path out;

    record Result(int code, String out, String err) {
    }

    Result dlbench(String... args) {
        List<String> all = new ArrayList<>(List.of("run", "--profile", "smoke", "--out", out.toString(),
                "--engine-classpath", "test=" + System.getProperty("java.class.path"), 
                // several checkouts may test at once on a developer machine: JMH's global lock would refuse them
                "--child-jvm-args", "-Djmh.ignoreLock=true", "--cache",
                out.resolve("cache").toString()));
        all.addAll(Arrays.asList(args));
        StringWriter o = new StringWriter();
        StringWriter e = new StringWriter();
        int code = Main.execute(all.toArray(String[]::new), new PrintWriter(o, true), new PrintWriter(e, true));
        return new Result(code, o.toString(), e.toString());
    }

    @Test
    void smokeRunWritesAValidRunDirectory() throws Exception {
        Result r = dlbench("--engines", "TestReference", "--workloads", "mlp", "--batch", "4", "--run-id", "smoke");
        assertEquals(0, r.code(), r.out() + r.err());
        Path dir = out.resolve("smoke");
        RunResult run = ResultsIO.read(dir);
        assertEquals(RunResult.SCHEMA_VERSION, run.schemaVersion());
        assertNotNull(run.finishedAt());
        assertEquals("smoke", run.profile().name());
        assertTrue(run.host().cores() > 0);
        assertEquals(2, run.results().size(), run.results().toString());
        CellResult infer = find(run, "TestReference", "infer");
        assertEquals(Status.OK, infer.status());
        assertTrue(infer.score() > 0);
        assertEquals(4, infer.batch());
        assertEquals(1, infer.threads());
        assertEquals("samples/s", infer.unit());
        assertTrue(infer.gflops() > 0);
        assertTrue(infer.checksPassed());
        // both checks ran in the benchmark process, on the session it timed
        assertEquals(List.of("forward_matches_reference", "outputs_unchanged_after_timing"),
                infer.checks().stream().map(c -> c.name()).toList());
        assertNotNull(infer.crossCheck().bareLoop(), "a bare loop on the timed session");
        assertNotNull(infer.crossCheck().latencyPhase());
        assertNotNull(infer.execution().effectiveParallelism());
        CellResult train = find(run, "TestReference", "train");
        assertEquals(Status.UNSUPPORTED, train.status());
        assertEquals("test engine: inference only", train.reason());
        String md = Files.readString(dir.resolve("results.md"));
        assertTrue(md.contains("| TestReference | default (best) | test | mlp | infer | 4 | 1 | 1 | cpu | ok |"), md);
        assertTrue(r.out().contains("[1/1] TestReference mlp infer batch=4 threads=1 ... "), r.out());
        assertTrue(Files.exists(dir.resolve("logs/TestReference-mlp-infer-b4-t1-cpu.log")));
        // the engine-free drift reference was measured in this JVM before the cells, and shown
        assertNotNull(run.driftReference(), "drift_reference");
        assertEquals(org.dlbench.core.host.DriftProbe.SAMPLES, run.driftReference().samples());
        assertTrue(r.out().contains("Measuring the drift reference (jvm-dmatmul-64-v1, engine-free, 1 thread), "
                + "median of 5 ... "), r.out());
        assertTrue(md.contains("- Drift reference (engine-free jvm-dmatmul-64-v1 "), md);
        // the exports sit beside results.md: one CSV row per cell, the measured cell in JMH's format
        assertTrue(r.out().contains("results.md, results.csv, jmh-result.json, benchmark-action.json, "
                + "benchmark-action-latency.json and report.html"), r.out());
        assertEquals(3, Files.readString(dir.resolve("results.csv")).split("\r\n").length);
        var jmh = ResultsIO.JSON.readTree(dir.resolve("jmh-result.json").toFile());
        assertEquals(1, jmh.size());
        assertEquals(infer.score(), jmh.get(0).get("primaryMetric").get("score").asDouble());
        assertEquals(infer.samples().get(0), jmh.get(0).get("primaryMetric").get("rawData").get(0).get(0).asDouble());
        assertTrue(ResultsIO.JSON.readTree(dir.resolve("benchmark-action.json").toFile()).isArray());
        assertTrue(ResultsIO.JSON.readTree(dir.resolve("benchmark-action-latency.json").toFile()).isArray());
    }

    @Test
    void aWrongEngineIsReportedAsFailingItsCheck() throws Exception {
        Result r = dlbench("--engines", "TestWrong", "--workloads", "mlp", "--modes", "infer", "--run-id", "w");
        assertEquals(1, r.code(), r.out() + r.err());
        CellResult c = find(ResultsIO.read(out.resolve("w")), "TestWrong", "infer");
        assertEquals(Status.OK, c.status());
        assertTrue(!c.checksPassed());
        assertTrue(r.out().contains("CHECK FAILED: forward_matches_reference"), r.out());
    }

    @Test
    void crashHangAndOutOfMemoryCostOnlyTheirOwnCells() throws Exception {
        Result r = dlbench("--engines", "TestCrash,TestHang,TestOom,TestReference", "--workloads", "mlp",
                "--modes", "infer", "--batch", "2", "--cell-timeout", "8", "--child-jvm-args", "-Xmx96m",
                "--run-id", "bad");
        assertEquals(1, r.code(), r.out() + r.err());
        RunResult run = ResultsIO.read(out.resolve("bad"));
        CellResult crash = find(run, "TestCrash", "infer");
        assertEquals(Status.FAILED, crash.status());
        assertTrue(crash.reason().contains("child JVM died"), crash.reason());
        assertTrue(crash.reason().contains("SIGSEGV") || crash.reason().contains("exit code 134"), crash.reason());
        CellResult hang = find(run, "TestHang", "infer");
        assertEquals(Status.FAILED, hang.status());
        assertTrue(hang.reason().startsWith("timed out after 8 s"), hang.reason());
        CellResult oom = find(run, "TestOom", "infer");
        assertEquals(Status.FAILED, oom.status());
        assertTrue(oom.reason().contains("OutOfMemoryError"), oom.reason());
        assertEquals(Status.OK, find(run, "TestReference", "infer").status());
        assertNotNull(run.finishedAt());
    }

    @Test
    void resumeRunsOnlyWhatIsMissing() throws Exception {
        assertEquals(0, dlbench("--engines", "TestReference", "--workloads", "mlp", "--modes", "infer",
                "--run-id", "res").code());
        RunResult first = ResultsIO.read(out.resolve("res"));
        Result again = dlbench("--engines", "TestReference", "--workloads", "mlp,lenet", "--modes", "infer",
                "--run-id", "res", "--resume");
        assertEquals(0, again.code(), again.out() + again.err());
        assertTrue(again.out().contains("Resuming"), again.out());
        assertTrue(again.out().contains("[1/1] TestReference lenet infer"), again.out());
        RunResult second = ResultsIO.read(out.resolve("res"));
        assertEquals(2, second.results().size());
        assertEquals(first.results().get(0), find(second, "TestReference", "infer"));
        assertEquals(first.startedAt(), second.startedAt());
    }

    @Test
    void aRunDirectoryIsNeverOverwritten() {
        assertEquals(0, dlbench("--engines", "TestReference", "--workloads", "mlp", "--modes", "infer",
                "--run-id", "once").code());
        Result r = dlbench("--engines", "TestReference", "--workloads", "mlp", "--run-id", "once");
        assertEquals(Main.USAGE, r.code());
        assertTrue(r.err().contains("already holds a run; use --resume"), r.err());
    }

    @Test
    void unknownEngineListsTheAvailableOnes() {
        Result r = dlbench("--engines", "Caffe", "--workloads", "mlp");
        assertEquals(Main.USAGE, r.code());
        assertTrue(r.err().startsWith("dlbench: unknown engine 'Caffe' (available: "), r.err());
        assertTrue(r.err().contains("TestReference"), r.err());
        assertTrue(!r.err().contains("Exception"), r.err());
    }

    @Test
    void eachVariantRunsWithItsSwitchesAndIsCheckedByWhatTheEngineReadBack() throws Exception {
        Result r = dlbench("--engines", "TestVariants", "--workloads", "mlp", "--modes", "infer", "--batch", "4",
                "--variants", "all", "--no-drift-reference", "--run-id", "v");
        // the lying variant fails its read-back check
        assertEquals(1, r.code(), r.out() + r.err());
        RunResult run = ResultsIO.read(out.resolve("v"));
        java.util.Map<String, CellResult> byVariant = new java.util.HashMap<>();
        run.results().forEach(c -> byVariant.put(c.variantName(), c));
        assertEquals(java.util.Set.of("needs-flag", "fast", "lying", "plain"), byVariant.keySet());
        CellResult needs = byVariant.get("needs-flag");
        assertEquals(Status.UNSUPPORTED, needs.status());
        assertTrue(needs.reason().startsWith("variant needs-flag: needs CPU flag"), needs.reason());
        CellResult fast = byVariant.get("fast");
        assertEquals(Status.OK, fast.status());
        // the switch reached the measuring JVM: the session read it there
        assertEquals("fast", fast.settings().get("test_variant"));
        assertEquals(List.of("-Ddlbench.test.variant=fast"), fast.variant().jvmArgs());
        assertTrue(fast.checksPassed(), fast.checks().toString());
        assertTrue(fast.checks().stream().anyMatch(c -> c.name().equals(CellJudge.VARIANT_CHECK) && c.passed()));
        CellResult lying = byVariant.get("lying");
        assertFalse(lying.checksPassed());
        assertEquals("invalid", lying.verdict());
        assertEquals("none", byVariant.get("plain").settings().get("test_variant"));
        assertTrue(byVariant.get("plain").variant().picks().containsAll(List.of("all")));
        String md = Files.readString(out.resolve("v/results.md"));
        assertTrue(md.contains("| TestVariants | fast (best) | test | mlp | infer | 4 | 1 | 1 | cpu | ok |"), md);

        Result bad = dlbench("--engines", "TestVariants", "--workloads", "mlp", "--variants", "nosuch",
                "--run-id", "bad");
        assertEquals(2, bad.code(), bad.out() + bad.err());
        assertTrue(bad.err().strip().lines().count() == 1 && bad.err().contains("nosuch"), bad.err());
        assertFalse(Files.exists(out.resolve("bad")), "a refused request leaves no run directory");
    }

    private static CellResult find(RunResult run, String engine, String mode) {
        return run.results().stream().filter(c -> c.engine().equals(engine) && c.mode().equals(mode)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + engine + " " + mode + " in " + run.results()));
    }
}
