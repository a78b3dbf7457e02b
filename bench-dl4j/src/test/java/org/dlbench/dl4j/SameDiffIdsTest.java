package org.dlbench.dl4j;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import org.dlbench.core.adapter.Mode;
import org.dlbench.core.adapter.Session;
import org.dlbench.core.check.CorrectnessChecks;
import org.dlbench.core.data.Batch;
import org.dlbench.core.data.SyntheticData;
import org.dlbench.core.data.Weights;
import org.dlbench.core.reference.ReferenceModel;
import org.dlbench.core.reference.Tolerance;
import org.dlbench.core.result.Check;
import org.dlbench.core.testkit.AdapterConformanceTest;
import org.dlbench.core.workload.Workload;
import org.dlbench.core.workload.Workloads;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SameDiff's id inputs and embedding tables beyond the shared conformance test: the table gradient the session adds
 * up itself (SameDiff 1.0.0-M2.1's gather gradient overwrites repeated rows) on vocabularies so small that every
 * batch repeats rows, three id inputs (one named like the labels placeholder), a one-table bag, and batch 1 on the
 * testkit's small sequence and sparse files.
 */
class SameDiffIdsTest {

    @ParameterizedTest
    @ValueSource(ints = {1, 4})
    void firstStepWithRepeatedRowsIsTheReferenceStep(int batch) throws Exception {
        Workload w = TestWorkloads.load("repeated-ids");
        try (Session s = Dl4jWorkloadsTest.open(Dl4jWorkloadsTest.SAMEDIFF, w, batch, 1, Mode.TRAIN)) {
            Check c = CorrectnessChecks.trainingStep(s, w, Weights.initial(w), batch);
            assertTrue(c.passed(), "batch " + batch + ": " + c.detail());
        }
    }

    @Test
    void forwardWithThreeIdInputsMatchesTheReference() throws Exception {
        Workload w = TestWorkloads.load("repeated-ids");
        Batch fixed = new SyntheticData(w).batch(5, 3);
        float[] expected = new ReferenceModel(w, Weights.initial(w)).forward(fixed);
        try (Session s = Dl4jWorkloadsTest.open(Dl4jWorkloadsTest.SAMEDIFF, w, 3, 1, Mode.INFER)) {
            Tolerance.Outcome o = Tolerance.DEFAULT.compare(s.infer(fixed), expected);
            assertTrue(o.passed(), o.detail());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"small-lstm", "small-transformer", "small-dlrm"})
    void firstStepAtBatchOneIsTheReferenceStep(String name) throws Exception {
        Workload w;
        try (InputStream in = AdapterConformanceTest.class.getResourceAsStream("zoo/" + name + ".json")) {
            w = Workloads.parse(in.readAllBytes(), name + ".json");
        }
        try (Session s = Dl4jWorkloadsTest.open(Dl4jWorkloadsTest.SAMEDIFF, w, 1, 1, Mode.TRAIN)) {
            Check c = CorrectnessChecks.trainingStep(s, w, Weights.initial(w), 1);
            assertTrue(c.passed(), name + " at batch 1: " + c.detail());
        }
    }
}
