package org.dlbench.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.dlbench.core.adapter.TrainingRound;
import org.dlbench.core.data.Batch;
import org.dlbench.core.data.SyntheticData;
import org.dlbench.core.data.Weights;
import org.dlbench.core.result.Check;
import org.dlbench.core.check.CorrectnessChecks;
import org.dlbench.core.workload.Workload;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code training_step_matches_reference} on DL4J-Spark: the session's first round, its checked round (every worker
 * one minibatch of plain SGD, then the driver's mean, whatever the configured averaging frequency), equals the
 * reference redoing the round the session describes, on one and on two local workers, for the chain workloads and the
 * graph ones (ResNet-20, MobileNet, and a small residual block with a depthwise convolution of depth multiplier 2).
 * The sequence and sparse workloads (built-in lstm, transformer and dlrm at batch 4, and small files with two inputs,
 * unequal tables, mean bags, causal attention and a sequence-output lstm) go through Spark the same way.
 * ResNet-20 and MobileNet are checked at the default averaging settings (2 workers, averaging frequency 5) and the
 * harness's default batch 32. Only trainable tensors are compared: the averaged batchnorm running statistics are
 * state. After the checked round the session describes and trains the configured rounds, from round 1.
 */
class SparkTrainingStepTest {
    /** A feed's values as a list, floats or ids alike. */
    private static List<Double> values(org.dlbench.core.data.Feed f) {
        if (f instanceof org.dlbench.core.data.Feed.Ids ids) {
            return java.util.Arrays.stream(ids.values()).asDoubleStream().boxed().toList();
        }
        float[] v = ((org.dlbench.core.data.Feed.Floats) f).values();
        List<Double> out = new java.util.ArrayList<>(v.length);
        for (float x : v) {
            out.add((double) x);
        }
        return out;
    }

    private static final Duration LIMIT = Duration.ofSeconds(180);

    @ParameterizedTest
    @CsvSource({"1, 2, 4, mlp", "1, 2, 4, lenet", "2, 2, 4, mlp", "2, 2, 4, lenet", "1, 2, 4, tinyres",
        "2, 2, 4, tinyres", "2, 5, 32, resnet", "2, 5, 32, mobilenet", "2, 2, 4, tinydlrm",
        "1, 2, 4, tinylstm", "2, 2, 4, tinyattn", "1, 2, 4, dlrm", "2, 2, 4, lstm", "2, 2, 4, transformer"})
    void firstRoundMatchesTheReferenceRound(int workers, int averagingFrequency, int batch, String name) {
        Workload w = GraphWorkloads.resolve(name);
        Weights initial = Weights.initial(w);
        SparkOptions options = new SparkOptions("local[" + workers + "]", workers, averagingFrequency,
                2 * workers * averagingFrequency * batch, Duration.ofSeconds(90));
        assertTimeoutPreemptively(LIMIT, () -> {
            try (SparkTrainingSession s = SparkTrainingSession.open(w, initial, batch, options)) {
                assertEquals("1 minibatch per worker", s.settings().get("checked_round"));
                TrainingRound round = s.nextTrainingRound(null);
                assertEquals(workers, round.workers().size());
                assertEquals(workers * batch, round.samples());
                Map<String, float[]> start = s.parameters();
                assertEquals(w.params().size(), start.size());

                Check c = CorrectnessChecks.trainingStep(s, w, initial, batch);
                System.out.println("DL4J-Spark local[" + workers + "] " + name + " batch " + batch + " " + c.name()
                        + ": " + c.detail());
                assertTrue(c.passed(), "local[" + workers + "] " + name + ": " + c.detail());
                // one worker's single minibatch is one plain step
                String what = workers == 1 ? "one SGD step on a batch of " + batch
                        : "one averaging round of " + workers + " worker(s) x 1 batch(es)";
                assertTrue(c.detail().contains(what), c.detail());

                // then the configured rounds, from round 1: worker p's minibatches p*f .. p*f+f-1
                SyntheticData data = new SyntheticData(w);
                TrainingRound next = s.nextTrainingRound(null);
                assertEquals(s.samplesPerStep(batch), next.samples());
                assertEquals(workers, next.workers().size());
                for (int p = 0; p < workers; p++) {
                    List<Batch> mine = next.workers().get(p);
                    assertEquals(averagingFrequency, mine.size());
                    for (int j = 0; j < averagingFrequency; j++) {
                        Batch expected = data.batch((long) p * averagingFrequency + j, batch);
                        assertEquals(expected.inputs().size(), mine.get(j).inputs().size());
                        for (int k = 0; k < expected.inputs().size(); k++) {
                            assertEquals(values(expected.inputs().get(k)), values(mine.get(j).inputs().get(k)));
                        }
                    }
                }
            }
        });
    }
}
