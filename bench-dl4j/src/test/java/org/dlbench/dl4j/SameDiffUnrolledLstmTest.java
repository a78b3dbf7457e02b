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

/**
 * The per-step LSTM SameDiff falls back to where libnd4j's lstmLayer fails on the loaded native build (the oneDNN
 * builds of 1.0.0-M2.1 do): forced here with its system property, it must give the reference forward pass and first
 * step, and the session must say which op ran.
 */
class SameDiffUnrolledLstmTest {

    @Test
    void unrolledLstmMatchesTheReference() throws Exception {
        Workload w;
        try (InputStream in = AdapterConformanceTest.class.getResourceAsStream("zoo/small-lstm.json")) {
            w = Workloads.parse(in.readAllBytes(), "small-lstm.json");
        }
        String before = System.getProperty(SameDiffGraphs.LSTM_PROPERTY);
        System.setProperty(SameDiffGraphs.LSTM_PROPERTY, "unrolled");
        try {
            Batch fixed = new SyntheticData(w).batch(9, 3);
            float[] expected = new ReferenceModel(w, Weights.initial(w)).forward(fixed);
            try (Session s = Dl4jWorkloadsTest.open(Dl4jWorkloadsTest.SAMEDIFF, w, 3, 1, Mode.INFER)) {
                assertTrue(s.settings().get("lstm_op").contains("unrolled"), s.settings().get("lstm_op"));
                Tolerance.Outcome o = Tolerance.DEFAULT.compare(s.infer(fixed), expected);
                assertTrue(o.passed(), o.detail());
            }
            try (Session s = Dl4jWorkloadsTest.open(Dl4jWorkloadsTest.SAMEDIFF, w, 4, 1, Mode.TRAIN)) {
                Check c = CorrectnessChecks.trainingStep(s, w, Weights.initial(w), 4);
                assertTrue(c.passed(), c.detail());
            }
        } finally {
            if (before == null) {
                System.clearProperty(SameDiffGraphs.LSTM_PROPERTY);
            } else {
                System.setProperty(SameDiffGraphs.LSTM_PROPERTY, before);
            }
        }
    }
}
