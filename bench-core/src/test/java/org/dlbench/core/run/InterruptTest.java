package org.dlbench.core.run;

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
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "org.dlbench.core.cli.Main", "run",
                "--profile", "smoke", "--out", out.toString(), "--run-id", runId, "--no-calibration",
                "--engine-classpath", "test=" + System.getProperty("java.class.path"),
                "--engines", "TestReference,TestHang", "--workloads", "mlp", "--modes", "infer",
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
        // the orphaned child of the killed runner hangs by design; stop it so the test leaves nothing behind
        ProcessHandle.allProcesses().filter(h -> h.info().commandLine().orElse("").contains(dir.toString()))
                .forEach(ProcessHandle::destroyForcibly);
    }
}
