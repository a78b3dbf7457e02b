package org.dlbench.dl4j;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.dlbench.core.adapter.Mode;
import org.dlbench.core.adapter.Session;
import org.dlbench.core.data.Batch;
import org.dlbench.core.data.SyntheticData;
import org.dlbench.core.data.Weights;
import org.dlbench.core.reference.ReferenceModel;
import org.dlbench.core.reference.Tolerance;
import org.dlbench.core.result.Check;
import org.dlbench.core.check.CorrectnessChecks;
import org.dlbench.core.workload.Workload;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Batch size 1, where every reduction over the batch runs over a dimension of size 1: both DL4J adapters train on
 * the built-in workloads and one with strides, padding and average pooling, their first step is the reference step,
 * the losses stay finite, and inference matches the reference. SameDiff used to fail here with a
 * NullPointerException in the dense layers' bias gradient (see {@link SameDiffGraphs}).
 */
class BatchOneTrainingTest {
    private static final int STEPS = 3;

    @ParameterizedTest
    @CsvSource({"DL4J-SameDiff, mlp", "DL4J-SameDiff, lenet", "DL4J-SameDiff, strided",
        "DL4J, mlp", "DL4J, lenet", "DL4J, strided"})
    void firstStepAtBatchOneIsTheReferenceStep(String engine, String name) throws Exception {
        Workload w = TestWorkloads.load(name);
        try (Session s = Dl4jWorkloadsTest.open(engine, w, 1, 1, Mode.TRAIN)) {
            Check c = CorrectnessChecks.trainingStep(s, w, Weights.initial(w), 1);
            assertTrue(c.passed(), engine + " " + name + " at batch 1: " + c.detail());
        }
    }

    @ParameterizedTest
    @CsvSource({"DL4J-SameDiff, mlp", "DL4J-SameDiff, lenet", "DL4J, mlp", "DL4J, lenet"})
    void trainsSeveralStepsAtBatchOneWithFiniteLoss(String engine, String name) throws Exception {
        Workload w = TestWorkloads.load(name);
        SyntheticData data = new SyntheticData(w);
        try (Session s = Dl4jWorkloadsTest.open(engine, w, 1, 1, Mode.TRAIN)) {
            for (int i = 0; i < STEPS; i++) {
                float loss = s.trainStep(data.batch(i, 1));
                assertTrue(Float.isFinite(loss) && loss >= 0, engine + " " + name + " step " + i + ": loss " + loss);
            }
            Batch probe = data.batch(100, 1);
            Weights now = Weights.of(w, s.parameters());
            float[] expected = new ReferenceModel(w, now).forward(probe.features(), 1);
            Tolerance.Outcome o = Tolerance.DEFAULT.compare(s.infer(probe.features()), expected);
            assertTrue(o.passed(), engine + " " + name + " logits at batch 1 after " + STEPS + " steps: " + o.detail());
        }
    }
}
