package org.dlbench.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.dlbench.core.adapter.Adapters;
import org.dlbench.core.adapter.Device;
import org.dlbench.core.adapter.Mode;
import org.dlbench.core.adapter.Support;
import org.dlbench.core.data.Batch;
import org.dlbench.core.data.SyntheticData;
import org.dlbench.core.data.Weights;
import org.dlbench.core.reference.ReferenceModel;
import org.dlbench.core.reference.Tolerance;
import org.dlbench.core.workload.ParamSpec;
import org.dlbench.core.workload.Workload;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The graph every Spark worker trains is the workload itself: same logits as the reference from the same weights, and
 * every tensor (running statistics included) reads back by canonical name in canonical layout.
 */
class NetworkFactoryTest {
    @ParameterizedTest
    @ValueSource(strings = {"mlp", "lenet", "resnet", "mobilenet", "tinyres"})
    void forwardMatchesReferenceFromSharedWeights(String name) {
        Workload w = GraphWorkloads.resolve(name);
        assertEquals(null, NetworkFactory.unsupportedReason(w));
        Weights weights = Weights.initial(w);
        int batch = 4;
        Batch fixed = new SyntheticData(w).batch(123, batch);
        float[] expected = new ReferenceModel(w, weights).forward(fixed.features(), batch);
        ComputationGraph net = NetworkFactory.build(w, weights);
        float[] actual = NetworkFactory.logits(net, NetworkFactory.features(fixed.features(), batch, w.inputShape()));
        Tolerance.Outcome o = Tolerance.DEFAULT.compare(actual, expected);
        assertTrue(o.passed(), name + ": " + o.detail());

        Map<String, float[]> read = NetworkFactory.read(net, w);
        assertEquals(w.params().size(), read.size());
        for (ParamSpec p : w.params()) {
            assertArrayEquals(weights.get(p.name()), read.get(p.name()), name + " " + p.name());
        }
    }

    @Test
    void depthwiseLayoutRoundTrips() {
        int channels = 3;
        int[] shape = {6, 1, 2, 2};
        float[] canonical = new float[24];
        for (int i = 0; i < canonical.length; i++) {
            canonical[i] = i;
        }
        float[] dl4j = NetworkFactory.depthwiseToDl4j(canonical, shape, channels);
        // DL4J [ky, kx, c, m]: element (ky 0, kx 1, c 2, m 1) is canonical filter 2 * 2 + 1 = 5 at (0, 1)
        assertEquals(canonical[(5 * 2) * 2 + 1], dl4j[((0 * 2 + 1) * channels + 2) * 2 + 1]);
        assertArrayEquals(canonical, NetworkFactory.depthwiseFromDl4j(dl4j, shape, channels));
    }

    @Test
    void aGroupedConvolutionIsUnsupportedWithItsReason() {
        Workload w = GraphWorkloads.resolve("grouped");
        Support s = Adapters.byName("DL4J-Spark").supports(w, Mode.TRAIN, Device.CPU);
        assertFalse(s.supported());
        assertTrue(s.reason().contains("2 groups over 4 input channels"), s.reason());
    }
}
