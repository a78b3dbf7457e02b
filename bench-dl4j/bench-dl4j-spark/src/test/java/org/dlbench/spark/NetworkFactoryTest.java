package org.dlbench.spark;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.dlbench.core.data.Batch;
import org.dlbench.core.data.SyntheticData;
import org.dlbench.core.data.Weights;
import org.dlbench.core.reference.ReferenceModel;
import org.dlbench.core.reference.Tolerance;
import org.dlbench.core.workload.Workload;
import org.dlbench.core.workload.Workloads;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The network every Spark worker trains is the workload itself: same logits as the reference from the same weights. */
class NetworkFactoryTest {
    @ParameterizedTest
    @ValueSource(strings = {"mlp", "lenet"})
    void forwardMatchesReferenceFromSharedWeights(String name) {
        Workload w = Workloads.resolve(name);
        Weights weights = Weights.initial(w);
        int batch = 8;
        Batch fixed = new SyntheticData(w).batch(123, batch);
        float[] expected = new ReferenceModel(w, weights).forward(fixed.features(), batch);
        float[] actual = NetworkFactory.logits(NetworkFactory.build(w, weights),
                NetworkFactory.features(fixed.features(), batch, w.inputShape()));
        Tolerance.Outcome o = Tolerance.DEFAULT.compare(actual, expected);
        assertTrue(o.passed(), name + ": " + o.detail());
    }
}
