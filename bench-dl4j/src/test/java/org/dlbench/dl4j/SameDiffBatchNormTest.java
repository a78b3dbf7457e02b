package org.dlbench.dl4j;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.dlbench.core.adapter.Mode;
import org.dlbench.core.adapter.Session;
import org.dlbench.core.data.Batch;
import org.dlbench.core.data.SyntheticData;
import org.dlbench.core.data.Weights;
import org.dlbench.core.reference.ReferenceModel;
import org.dlbench.core.reference.ReferenceTraining;
import org.dlbench.core.reference.Tolerance;
import org.dlbench.core.result.Check;
import org.dlbench.core.check.CorrectnessChecks;
import org.dlbench.core.workload.ParamSpec;
import org.dlbench.core.workload.Workload;
import org.junit.jupiter.api.Test;

/**
 * SameDiff's batchnorm, depthwise conv, add and global pool in training: on a small graph whose every trainable tensor
 * has a clearly non-zero gradient, the first step is the reference step, the running statistics move as the reference
 * moves them, and inference afterwards uses the moved statistics.
 */
class SameDiffBatchNormTest {
    private static final int BATCH = 4;

    @Test
    void firstStepRunningStatisticsAndInferenceAfterIt() throws Exception {
        Workload w = TestWorkloads.load("bn-branch");
        Weights initial = Weights.initial(w);
        try (Session s = Dl4jWorkloadsTest.open(Dl4jWorkloadsTest.SAMEDIFF, w, BATCH, 1, Mode.TRAIN)) {
            Check c = CorrectnessChecks.trainingStep(s, w, initial, BATCH);
            assertTrue(c.passed(), c.detail());

            // the reference's forward pass in training mode moves the running statistics in its parameter map
            Map<String, double[]> reference = new HashMap<>();
            for (ParamSpec p : w.params()) {
                float[] v = initial.get(p.name());
                double[] d = new double[v.length];
                for (int i = 0; i < v.length; i++) {
                    d[i] = v[i];
                }
                reference.put(p.name(), d);
            }
            new ReferenceTraining(w).gradients(reference, CorrectnessChecks.trainingStepInput(w, BATCH));
            Map<String, float[]> state = ((SameDiffSession) s).state();
            for (String name : List.of("bn0.running_mean", "bn0.running_var", "bnf.running_mean", "bnf.running_var")) {
                assertNotNull(state.get(name), name);
                Tolerance.Outcome o = Tolerance.DEFAULT.compare(state.get(name), toFloats(reference.get(name)));
                assertTrue(o.passed(), name + " after one step: " + o.detail());
            }

            // inference reads the moved statistics: the reference forward from the engine's tensors agrees
            Map<String, float[]> now = new HashMap<>(s.parameters());
            now.putAll(state);
            Batch probe = new SyntheticData(w).batch(77, BATCH);
            float[] expected = new ReferenceModel(w, Weights.of(w, now)).forward(probe.features(), BATCH);
            Tolerance.Outcome o = Tolerance.DEFAULT.compare(s.infer(probe.features()), expected);
            assertTrue(o.passed(), "inference after the step: " + o.detail());
            // and the check can tell: with the initial running statistics the forward is another one
            Map<String, float[]> stale = new HashMap<>(s.parameters());
            for (String name : state.keySet()) {
                stale.put(name, initial.get(name));
            }
            float[] staleLogits = new ReferenceModel(w, Weights.of(w, stale)).forward(probe.features(), BATCH);
            assertTrue(!Tolerance.DEFAULT.compare(staleLogits, expected).passed(), "the running statistics moved");
        }
    }

    private static float[] toFloats(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }
}
