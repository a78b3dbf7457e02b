package org.dlbench.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import org.dlbench.core.adapter.TrainingRound;
import org.dlbench.core.data.Weights;
import org.dlbench.core.result.Check;
import org.dlbench.core.check.CorrectnessChecks;
import org.dlbench.core.workload.Workload;
import org.dlbench.core.workload.Workloads;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code training_step_matches_reference} on DL4J-Spark: the first averaging round (every worker two minibatches of
 * plain SGD, then the driver's mean) equals the reference redoing the round the session describes, on one and on two
 * local workers.
 */
class SparkTrainingStepTest {
    private static final Duration LIMIT = Duration.ofSeconds(120);
    private static final int BATCH = 4;
    private static final int AVERAGING_FREQUENCY = 2;

    @ParameterizedTest
    @CsvSource({"1, mlp", "1, lenet", "2, mlp", "2, lenet"})
    void firstRoundMatchesTheReferenceRound(int workers, String name) {
        Workload w = Workloads.resolve(name);
        Weights initial = Weights.initial(w);
        SparkOptions options = new SparkOptions("local[" + workers + "]", workers, AVERAGING_FREQUENCY,
                2 * workers * AVERAGING_FREQUENCY * BATCH, Duration.ofSeconds(60));
        assertTimeoutPreemptively(LIMIT, () -> {
            try (SparkTrainingSession s = SparkTrainingSession.open(w, initial, BATCH, options)) {
                TrainingRound round = s.nextTrainingRound(null);
                assertEquals(workers, round.workers().size());
                assertEquals(s.samplesPerStep(BATCH), round.samples());
                Map<String, float[]> start = s.parameters();
                assertEquals(w.params().size(), start.size());

                Check c = CorrectnessChecks.trainingStep(s, w, initial, BATCH);
                System.out.println("DL4J-Spark local[" + workers + "] " + name + " " + c.name() + ": " + c.detail());
                assertTrue(c.passed(), "local[" + workers + "] " + name + ": " + c.detail());
                assertTrue(c.detail().contains("averaging round of " + workers + " worker(s) x "
                        + AVERAGING_FREQUENCY + " batch(es)"), c.detail());
            }
        });
    }
}
