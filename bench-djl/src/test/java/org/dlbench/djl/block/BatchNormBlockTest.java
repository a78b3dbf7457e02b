package org.dlbench.djl.block;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.dlbench.core.adapter.Adapters;
import org.dlbench.core.adapter.Device;
import org.dlbench.core.adapter.Mode;
import org.dlbench.core.adapter.Session;
import org.dlbench.core.adapter.SessionSpec;
import org.dlbench.core.data.Batch;
import org.dlbench.core.data.Weights;
import org.dlbench.core.workload.Workload;
import org.dlbench.core.workload.Workloads;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Batchnorm through DJL on each engine: inference uses the running statistics; a training step normalises with the
 * batch's statistics and moves the running mean by the layer's momentum (the weight of the new batch), which checks
 * that DJL's momentum (the fraction kept) is passed as {@code 1 - momentum}.
 */
class BatchNormBlockTest {
    private static final Workload W = Workloads.parse("""
            {"name":"bn","input":[1],"classes":2,"nodes":[
              {"name":"bn","type":"batchnorm","momentum":0.25},
              {"name":"fc","type":"dense","units":2}]}""".getBytes(StandardCharsets.UTF_8), "test");

    private static Weights weights() {
        return Weights.of(W, Map.of("bn.gamma", new float[] {2}, "bn.beta", new float[] {0.5f},
                "bn.running_mean", new float[] {10}, "bn.running_var", new float[] {4},
                "fc.weight", new float[] {1, -1}, "fc.bias", new float[] {0, 0}));
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void inferenceUsesRunningStatisticsAndTrainingMovesThem(String engine) throws Exception {
        // inference: (x - 10) / sqrt(4 + 1e-5) * 2 + 0.5 = 0.5 at x = 10
        try (Session s = Adapters.byName(engine).open(new SessionSpec(W, weights(), 2, 1, Device.CPU, Mode.INFER))) {
            float[] logits = s.infer(new float[] {10, 12});
            assertEquals(0.5, logits[0], 1e-5);
            assertEquals(-0.5, logits[1], 1e-5);
            assertEquals(2.5, logits[2], 1e-4);
        }
        try (Session s = Adapters.byName(engine).open(new SessionSpec(W, weights(), 2, 1, Device.CPU, Mode.TRAIN))) {
            // batch 1, 3: mean 2, biased variance 1; normalised -1, 1 -> bn out -1.5, 2.5
            float loss = s.trainStep(new Batch(new float[] {1, 3}, new int[] {0, 1}, 2, new int[] {1}, 2));
            // softmax cross-entropy of two logits (a, -a) with label 0 is log(1 + exp(-2a)); label 1: log(1 + exp(2a))
            double expected = (Math.log1p(Math.exp(-2 * -1.5)) + Math.log1p(Math.exp(2 * 2.5))) / 2;
            assertEquals(expected, loss, 1e-4, engine + " trains with the batch statistics");
            assertEquals(0.75 * 10 + 0.25 * 2, s.parameters().get("bn.running_mean")[0], 1e-5,
                    engine + " moves the running mean by momentum 0.25");
        }
    }
}
