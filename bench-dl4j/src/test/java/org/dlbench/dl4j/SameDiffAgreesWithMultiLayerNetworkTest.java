package org.dlbench.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.dlbench.core.adapter.Mode;
import org.dlbench.core.adapter.Session;
import org.dlbench.core.data.Batch;
import org.dlbench.core.data.SyntheticData;
import org.dlbench.core.data.Weights;
import org.dlbench.core.reference.Metrics;
import org.dlbench.core.reference.ReferenceModel;
import org.dlbench.core.reference.Tolerance;
import org.dlbench.core.workload.Workload;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The SameDiff adapter trains exactly like the layer-API one (a ComputationGraph since issue 12), whose step is
 * checked against finite differences in {@link Dl4jTrainingStepTest}: same losses step by step, same logits
 * afterwards. The first loss is also the reference model's mean cross-entropy, so it is the loss before the update.
 */
class SameDiffAgreesWithMultiLayerNetworkTest {
    private static final int BATCH = 8;
    private static final int STEPS = 3;

    @ParameterizedTest
    @ValueSource(strings = {"mlp", "lenet", "strided", "pool-first", "flat-image"})
    void sameStepsSameLosses(String name) throws Exception {
        // a small step keeps the comparison well conditioned: at lenet's own rate the loss explodes within three
        // steps, and float rounding differences between the two engines grow with it
        Workload w = TestWorkloads.withLearningRate(name, 0.005);
        SyntheticData data = new SyntheticData(w);
        Batch probe = data.batch(500, BATCH);
        try (Session mln = Dl4jWorkloadsTest.open(Dl4jWorkloadsTest.MLN, w, BATCH, 1, Mode.TRAIN);
             Session sd = Dl4jWorkloadsTest.open(Dl4jWorkloadsTest.SAMEDIFF, w, BATCH, 1, Mode.TRAIN)) {
            for (int step = 0; step < STEPS; step++) {
                Batch b = data.batch(step, BATCH);
                float a = mln.trainStep(b);
                float c = sd.trainStep(b);
                if (step == 0) {
                    float[] logits = new ReferenceModel(w, Weights.initial(w)).forward(b.features(), BATCH);
                    double expected = Metrics.crossEntropy(logits, b.labels(), w.classes());
                    assertEquals(expected, c, 1e-5 * Math.max(1, expected), name + ": SameDiff's first loss");
                }
                assertEquals(a, c, 1e-4 * Math.max(1, Math.abs(a)), name + " step " + step);
            }
            Tolerance.Outcome o = Tolerance.DEFAULT.compare(sd.infer(probe.features()), mln.infer(probe.features()));
            assertTrue(o.passed(), name + " logits after " + STEPS + " steps: " + o.detail());
        }
    }
}
