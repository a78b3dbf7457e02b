package org.dlbench.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.dlbench.core.result.CellResult;
import org.dlbench.core.result.ResultsIO;
import org.dlbench.core.result.RunResult;
import org.dlbench.core.result.Status;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The spark-submit entry point, run here on local[2]: it writes a results.json the harness can read and report. */
class SparkTrainMainTest {
    @TempDir
    Path out;

    @Test
    void trainsAndWritesAHarnessResultsFile() throws Exception {
        int code = assertTimeoutPreemptively(Duration.ofSeconds(120), () -> SparkTrainMain.execute(
                "--master", "local[2]", "--workload", "mlp", "--batch", "32", "--averaging-frequency", "2",
                "--epoch-samples", "256", "--warmup-epochs", "1", "--epochs", "2", "--out", out.toString(),
                "--run-id", "spark"));
        assertEquals(0, code);
        RunResult run = ResultsIO.read(out.resolve("spark"));
        assertEquals(1, run.results().size());
        CellResult c = run.results().get(0);
        assertEquals("DL4J-Spark", c.engine());
        assertEquals("train", c.mode());
        assertEquals(Status.OK, c.status());
        assertEquals(2, c.threads());
        assertEquals(32, c.batch());
        assertTrue(c.score() > 0);
        assertEquals(2, c.samples().size());
        assertTrue(c.checksPassed(), c.checks().toString());
        assertEquals("2", c.settings().get("workers"));
        assertEquals("2", c.settings().get("averaging_frequency"));
        assertEquals("256", c.settings().get("epoch_samples"));
        assertEquals("SparkTrainMain", c.settings().get("runner"));
        String md = Files.readString(out.resolve("spark/results.md"));
        assertTrue(md.contains("## Data-parallel scaling"), md);
    }

    @Test
    void aClusterMasterNeedsTheWorkerCount() {
        assertEquals(2, SparkTrainMain.execute("--master", "spark://127.0.0.1:7077", "--out", out.toString()));
    }
}
