package org.dlbench.dl4j;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.dlbench.core.adapter.Adapters;
import org.dlbench.core.adapter.Device;
import org.dlbench.core.adapter.Mode;
import org.dlbench.core.adapter.Session;
import org.dlbench.core.adapter.Support;
import org.dlbench.core.data.Batch;
import org.dlbench.core.data.SyntheticData;
import org.dlbench.core.data.Weights;
import org.dlbench.core.reference.ReferenceModel;
import org.dlbench.core.reference.Tolerance;
import org.dlbench.core.result.Check;
import org.dlbench.core.run.CorrectnessChecks;
import org.dlbench.core.workload.Workload;
import org.dlbench.core.workload.Workloads;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The DL4J ComputationGraph translation on small graphs covering what the built-ins do not: batchnorm with an
 * activation (DL4J's BatchNormalization ignores its own, so the translation adds an ActivationLayer), batchnorm on flat
 * features, depthwise convolution with a depth multiplier, a residual add with several inputs read by name from a
 * user-written graph file. Each matches the reference forward, takes the reference first step, and after a few steps
 * still matches the reference run on the parameters and running statistics read back from DL4J.
 */
class Dl4jGraphLayersTest {
    private static final int BATCH = 4;

    private static Workload workload(String name) {
        String nodes = switch (name) {
            case "bn-relu" -> "{\"name\": \"c\", \"type\": \"conv2d\", \"filters\": 5, \"kernel\": 3},"
                    + "{\"name\": \"bn\", \"type\": \"batchnorm\", \"activation\": \"relu\", \"momentum\": 0.3},"
                    + "{\"name\": \"f\", \"type\": \"flatten\"}, {\"name\": \"fc\", \"type\": \"dense\", \"units\": 3}";
            case "bn-flat" -> "{\"name\": \"f\", \"type\": \"flatten\"}, {\"name\": \"h\", \"type\": \"dense\", \"units\": 6},"
                    + "{\"name\": \"bn\", \"type\": \"batchnorm\", \"activation\": \"relu6\", \"epsilon\": 0.001},"
                    + "{\"name\": \"fc\", \"type\": \"dense\", \"units\": 3}";
            case "depthwise-x2" -> "{\"name\": \"dw\", \"type\": \"conv2d\", \"filters\": 8, \"groups\": 4, \"kernel\": 3,"
                    + " \"stride\": 2, \"padding\": 1, \"activation\": \"relu6\"},"
                    + "{\"name\": \"p\", \"type\": \"globalavgpool\"}, {\"name\": \"fc\", \"type\": \"dense\", \"units\": 3}";
            case "residual" -> "{\"name\": \"a\", \"type\": \"conv2d\", \"filters\": 4, \"kernel\": 3, \"padding\": 1},"
                    + "{\"name\": \"b\", \"type\": \"conv2d\", \"filters\": 4, \"kernel\": 1, \"activation\": \"tanh\"},"
                    + "{\"name\": \"bbn\", \"type\": \"batchnorm\"},"
                    + "{\"name\": \"sum\", \"type\": \"add\", \"inputs\": [\"input\", \"a\", \"bbn\"], \"activation\": \"relu\"},"
                    + "{\"name\": \"pool\", \"type\": \"maxpool2d\", \"kernel\": 2, \"stride\": 2},"
                    + "{\"name\": \"f\", \"type\": \"flatten\"}, {\"name\": \"fc\", \"type\": \"dense\", \"units\": 3}";
            default -> throw new IllegalArgumentException(name);
        };
        String json = "{\"name\": \"" + name + "\", \"input\": [4, 6, 6], \"classes\": 3, \"nodes\": [" + nodes
                + "], \"batchSizes\": [4], \"training\": {\"optimizer\": \"sgd\", \"learningRate\": 0.1,"
                + " \"loss\": \"softmax_cross_entropy\"}}";
        return Workloads.parse(json.getBytes(StandardCharsets.UTF_8), "test workload " + name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"bn-relu", "bn-flat", "depthwise-x2", "residual"})
    void matchesTheReferenceForwardAndStep(String name) throws Exception {
        Workload w = workload(name);
        assertTrue(Adapters.byName(Dl4jAdapter.NAME).supports(w, Mode.TRAIN, Device.CPU).supported(), name);
        SyntheticData data = new SyntheticData(w);
        Batch fixed = data.batch(77, BATCH);
        float[] expected = new ReferenceModel(w, Weights.initial(w)).forward(fixed.features(), BATCH);
        try (Session s = Dl4jWorkloadsTest.open(Dl4jAdapter.NAME, w, BATCH, 1, Mode.INFER)) {
            Tolerance.Outcome o = Tolerance.DEFAULT.compare(s.infer(fixed.features()), expected);
            assertTrue(o.passed(), name + " forward: " + o.detail());
        }
        try (Session s = Dl4jWorkloadsTest.open(Dl4jAdapter.NAME, w, BATCH, 1, Mode.TRAIN)) {
            Check c = CorrectnessChecks.trainingStep(s, w, Weights.initial(w), BATCH);
            assertTrue(c.passed(), name + ": " + c.detail());
            for (int i = 0; i < 3; i++) {
                s.trainStep(data.batch(i, BATCH));
            }
            // the running statistics DL4J moved are read back too: inference from them is the reference's
            Weights now = Weights.of(w, s.parameters());
            Tolerance.Outcome o = Tolerance.DEFAULT.compare(s.infer(fixed.features()),
                    new ReferenceModel(w, now).forward(fixed.features(), BATCH));
            assertTrue(o.passed(), name + " forward after training: " + o.detail());
        }
    }

    @Test
    void groupedConvolutionOtherThanDepthwiseIsUnsupportedWithTheReason() {
        String json = "{\"name\": \"grouped\", \"input\": [4, 6, 6], \"classes\": 3, \"layers\": ["
                + "{\"type\": \"conv2d\", \"filters\": 4, \"groups\": 2, \"kernel\": 3}, {\"type\": \"flatten\"},"
                + "{\"type\": \"dense\", \"units\": 3}]}";
        Workload w = Workloads.parse(json.getBytes(StandardCharsets.UTF_8), "grouped");
        Support s = Adapters.byName(Dl4jAdapter.NAME).supports(w, Mode.INFER, Device.CPU);
        assertFalse(s.supported());
        assertTrue(s.reason().contains("2 groups over 4 channels"), s.reason());
    }
}
