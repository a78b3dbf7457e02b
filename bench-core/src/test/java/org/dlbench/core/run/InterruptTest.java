package org.dlbench.core.run;

import org.dlbench.core.process.ParentWatch;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.dlbench.core.result.ResultsIO;
import org.dlbench.core.result.RunResult;
import org.dlbench.core.result.Status;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runner as its own process, stopped mid-run by Ctrl-C (SIGINT) or killed outright (SIGKILL): what finished
 * is kept in a valid results.json, and --resume completes the run.
 */
class InterruptTest {
    @TempDir
    Path out;

    private Process start(String runId, String... extra) throws IOException {
        return runner(runId, "smoke", "TestReference,TestHang", extra);
    }

    private Process runner(String runId, String profile, String engines, String... extra) throws IOException {
        // the runner stops if this test JVM is killed (e.g. by surefire's fork timeout)
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                ParentWatch.jvmArg(), "-cp", System.getProperty("java.class.path"), "org.dlbench.core.cli.Main", "run",
                "--profile", profile, "--out", out.toString(), "--run-id", runId, "--no-calibration",
                "--engine-classpath", "test=" + System.getProperty("java.class.path"),
                "--engines", engines, "--workloads", "mlp", "--modes", "infer",
                "--cache", out.resolve("cache").toString(), "--child-jvm-args", "-Djmh.ignoreLock=true"));
        cmd.addAll(List.of(extra));
        return new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(out.resolve(runId + "-" + System.nanoTime() + ".log").toFile()).start();
    }

    /** Waits until the runner is busy with the hanging cell, i.e. the first cell is written. */
    private void awaitSecondCell(Path runDir) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            if (Files.exists(runDir.resolve("logs/TestHang-mlp-infer-b32-t1-cpu.log"))) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the runner never reached the second cell");
    }

    private void signal(Process p, String sig) throws Exception {
        assertEquals(0, new ProcessBuilder("kill", "-" + sig, Long.toString(p.pid())).start().waitFor());
    }

    /**
     * Whether this JVM was started with SIGINT ignored (a background job of a non-interactive shell, {@code nohup}):
     * the runner it starts inherits that, and the JVM then installs no Ctrl-C handler, so Ctrl-C cannot be tested.
     */
    static boolean sigintIgnored() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("SigIgn:")) {
                    long mask = Long.parseUnsignedLong(line.substring("SigIgn:".length()).strip(), 16);
                    return (mask & (1L << (2 - 1))) != 0;
                }
            }
        } catch (IOException | RuntimeException e) {
            return false;
        }
        return false;
    }

    @Test
    void ctrlCKeepsWhatFinishedAndResumeCompletesTheRun() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeFalse(sigintIgnored(), "SIGINT is ignored in this test JVM (started "
                + "as a background job or under nohup), and so in the runner it starts: Ctrl-C cannot reach it");
        Path dir = out.resolve("intr");
        Process p = start("intr");
        awaitSecondCell(dir);
        signal(p, "INT");
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "runner must stop after Ctrl-C");
        assertNotEquals(0, p.exitValue());
        RunResult partial = ResultsIO.read(dir);
        assertNull(partial.finishedAt(), "an interrupted run is marked unfinished");
        assertEquals(1, partial.results().size());
        assertEquals(Status.OK, partial.results().get(0).status());
        assertTrue(ProcessHandle.allProcesses().noneMatch(h -> h.info().commandLine().orElse("")
                .contains(dir.resolve("tmp").toString())), "no child JVM of the run is left behind");

        Process resumed = start("intr", "--resume", "--cell-timeout", "3");
        assertTrue(resumed.waitFor(120, TimeUnit.SECONDS));
        RunResult done = ResultsIO.read(dir);
        assertNotNull(done.finishedAt());
        assertEquals(2, done.results().size());
        assertEquals(partial.results().get(0), done.results().get(0), "finished cells are not measured again");
        assertTrue(done.results().get(1).reason().startsWith("timed out after 3 s"), done.results().toString());
    }

    @Test
    void sigkillLeavesAValidResultsFile() throws Exception {
        Path dir = out.resolve("killed");
        Process p = start("killed");
        awaitSecondCell(dir);
        signal(p, "KILL");
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        RunResult partial = ResultsIO.read(dir);
        assertEquals(1, partial.results().size());
        assertEquals(Status.OK, partial.results().get(0).status());
        // the hanging cell JVM, orphaned by the kill, notices within a second and stops by itself
        awaitGone(dir, 15);
    }

    /** Waits until no process names a file of the run in its command line, then asserts so. */
    private static void awaitGone(Path runDir, long seconds) throws InterruptedException {
        List<ProcessHandle> left = ChildJvm.awaitNoneUnder(runDir.resolve("tmp"), seconds);
        try {
            assertEquals(List.of(), left.stream().map(h -> h.pid() + " " + h.info().commandLine().orElse(""))
                    .toList(), "processes of the killed run still running after " + seconds + " s");
        } finally {
            left.forEach(ProcessHandle::destroyForcibly);
        }
    }

    /**
     * kill -9 of the runner while a cell is measured in its JMH benchmark process: the cell JVM and the benchmark
     * process stop within seconds (ParentWatch), and --resume, started at once, measures the cell and finishes.
     */
    @Test
    void sigkillDuringMeasurementLeavesNoProcessAndResumeCompletes() throws Exception {
        Path dir = out.resolve("orphans");
        // the quick profile measures in a JMH fork (smoke measures inside the cell JVM)
        Process p = runner("orphans", "quick", "TestReference", "--batch", "32");
        List<ProcessHandle> tree = awaitBenchmarkProcess(p);
        p.destroyForcibly(); // SIGKILL: no shutdown hook of the runner runs
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (tree.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        List<Long> alive = tree.stream().filter(ProcessHandle::isAlive).map(ProcessHandle::pid).toList();
        tree.forEach(ProcessHandle::destroyForcibly);
        assertEquals(List.of(), alive, "child processes of the killed runner still alive after 15 s");
        awaitGone(dir, 1);
        String cellLog = Files.readString(dir.resolve("logs/TestReference-mlp-infer-b32-t1-cpu.log"));
        assertTrue(cellLog.contains("is gone; stopping PID"), "the cell JVM says why it stopped: " + cellLog);

        Process resumed = runner("orphans", "quick", "TestReference", "--batch", "32", "--resume");
        assertTrue(resumed.waitFor(150, TimeUnit.SECONDS), "--resume must finish");
        assertEquals(0, resumed.exitValue(), "--resume exit code");
        RunResult done = ResultsIO.read(dir);
        assertNotNull(done.finishedAt(), "the resumed run is complete");
        assertEquals(1, done.results().size());
        assertEquals(Status.OK, done.results().get(0).status(), done.results().toString());
    }

    /**
     * Waits until the runner's cell JVM runs its JMH benchmark process (runner, cell JVM, ForkedMain) for a moment;
     * returns every descendant of the runner then.
     */
    private static List<ProcessHandle> awaitBenchmarkProcess(Process runner) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline && runner.isAlive()) {
            ProcessHandle fork = runner.descendants().filter(h -> h.info().commandLine().orElse("")
                    .contains("org.openjdk.jmh.runner.ForkedMain")).findFirst().orElse(null);
            if (fork != null) {
                // let it get into its benchmark (warm-up or measurement) before the kill
                Thread.sleep(1500);
                assertTrue(fork.isAlive(), "the benchmark process ended before the kill");
                List<ProcessHandle> tree = runner.descendants().toList();
                assertTrue(tree.size() >= 2, "cell JVM and benchmark process: " + tree);
                return tree;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the runner never started a JMH benchmark process (runner alive: "
                + runner.isAlive() + ")");
    }
}
