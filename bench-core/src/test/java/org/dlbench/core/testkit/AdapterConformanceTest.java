package org.dlbench.core.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.dlbench.core.adapter.Adapters;
import org.dlbench.core.adapter.Device;
import org.dlbench.core.adapter.EngineAdapter;
import org.dlbench.core.adapter.Mode;
import org.dlbench.core.adapter.Session;
import org.dlbench.core.adapter.SessionSpec;
import org.dlbench.core.adapter.Support;
import org.dlbench.core.data.Batch;
import org.dlbench.core.data.SyntheticData;
import org.dlbench.core.data.Weights;
import org.dlbench.core.reference.Metrics;
import org.dlbench.core.reference.ReferenceModel;
import org.dlbench.core.reference.Tolerance;
import org.dlbench.core.result.Check;
import org.dlbench.core.check.CorrectnessChecks;
import org.dlbench.core.workload.Workload;
import org.dlbench.core.workload.Workloads;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What every adapter must do, inherited by each adapter module's test: match the reference forward pass from the
 * shared weights, and (if it trains) take a first SGD step equal to the reference step, lower the loss and beat chance
 * on the synthetic data.
 */
public abstract class AdapterConformanceTest {
    /** Steps and batch of the training test: enough to learn the teacher rule well above chance. */
    protected static final int TRAIN_STEPS = 300;
    protected static final int TRAIN_BATCH = 32;
    protected static final int EVAL_SAMPLES = 512;
    /** Batch of the training-step check: small, the reference runs in plain Java. */
    protected static final int STEP_BATCH = 4;

    /** The engine name as registered. */
    protected abstract String engine();

    /** Whether this engine is expected to train. */
    protected boolean trains() {
        return true;
    }

    protected EngineAdapter adapter() {
        return Adapters.byName(engine());
    }

    protected Session open(Workload w, int batch, Mode mode) throws Exception {
        return adapter().open(new SessionSpec(w, Weights.initial(w), batch, 1, Device.CPU, mode));
    }

    /** Every built-in workload: a new one is covered on every engine without touching the tests. */
    static java.util.List<String> builtIns() {
        return Workloads.builtInNames();
    }

    /**
     * mlp and lenet every engine must run; for the rest an engine that cannot build a layer must say which and why
     * (the test is then skipped with that reason, so the gap shows in the report).
     */
    private void requireOrSkip(Workload w, Mode mode) {
        Support support = adapter().supports(w, mode, Device.CPU);
        if (w.name().equals("mlp") || w.name().equals("lenet")) {
            assertTrue(support.supported(), engine() + " must " + mode + " " + w.name() + ": " + support.reason());
            return;
        }
        if (!support.supported()) {
            assertFalse(support.reason() == null || support.reason().isBlank(), "a refusal needs a reason");
            org.junit.jupiter.api.Assumptions.abort(engine() + " cannot " + mode + " " + w.name() + ": "
                    + support.reason());
        }
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.MethodSource("builtIns")
    void forwardMatchesReferenceFromSharedWeights(String name) throws Exception {
        Workload w = Workloads.resolve(name);
        requireOrSkip(w, Mode.INFER);
        int batch = 8;
        Batch fixed = new SyntheticData(w).batch(123, batch);
        float[] expected = new ReferenceModel(w, Weights.initial(w)).forward(fixed);
        try (Session s = open(w, batch, Mode.INFER)) {
            assertNotNull(s.engineVersion());
            float[] actual = s.infer(fixed);
            Tolerance.Outcome o = Tolerance.DEFAULT.compare(actual, expected);
            assertTrue(o.passed(), engine() + " " + name + ": " + o.detail());
            // the same input twice gives the same output: no state leaks between calls
            assertEquals(0.0, Tolerance.DEFAULT.compare(s.infer(fixed), actual).maxAbsError(), 1e-6);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"mlp", "lenet"})
    void trainingLowersLossAndBeatsChance(String name) throws Exception {
        Workload w = Workloads.resolve(name);
        Support support = adapter().supports(w, Mode.TRAIN, Device.CPU);
        if (!trains()) {
            assertFalse(support.supported(), engine() + " should say it cannot train");
            assertFalse(support.reason() == null || support.reason().isBlank(), "a refusal needs a reason");
            return;
        }
        assertTrue(support.supported(), engine() + " must train " + name + ": " + support.reason());
        SyntheticData data = new SyntheticData(w);
        Batch eval = data.batch(999_999, EVAL_SAMPLES);
        try (Session s = open(w, TRAIN_BATCH, Mode.TRAIN)) {
            double lossBefore = Metrics.crossEntropy(inferAll(s, eval, w), eval.labels(), w.classes());
            double firstSteps = 0;
            double lastSteps = 0;
            for (int step = 0; step < TRAIN_STEPS; step++) {
                float loss = s.trainStep(data.batch(step, TRAIN_BATCH));
                assertTrue(Float.isFinite(loss), "loss must stay finite, step " + step + ": " + loss);
                if (step < 20) {
                    firstSteps += loss / 20;
                } else if (step >= TRAIN_STEPS - 20) {
                    lastSteps += loss / 20;
                }
            }
            float[] logits = inferAll(s, eval, w);
            double lossAfter = Metrics.crossEntropy(logits, eval.labels(), w.classes());
            double accuracy = Metrics.accuracy(logits, eval.labels(), w.classes());
            String summary = String.format("%s %s: train loss %.3f -> %.3f, held-out loss %.3f -> %.3f, accuracy %.3f",
                    engine(), name, firstSteps, lastSteps, lossBefore, lossAfter, accuracy);
            System.out.println(summary);
            assertTrue(lastSteps < 0.8 * firstSteps, summary);
            assertTrue(lossAfter < lossBefore, summary);
            assertTrue(accuracy > 2.0 / w.classes(), "accuracy must be well above chance: " + summary);
        }
    }

    /**
     * The engine's first SGD step equals the reference step: parameters read back from the engine moved as plain SGD
     * on mean softmax cross-entropy moves them, and the returned loss is the reference loss before the update.
     */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.MethodSource("builtIns")
    void firstTrainingStepMatchesTheReference(String name) throws Exception {
        if (!trains()) {
            return;
        }
        Workload w = Workloads.resolve(name);
        requireOrSkip(w, Mode.TRAIN);
        try (Session s = open(w, STEP_BATCH, Mode.TRAIN)) {
            Check c = CorrectnessChecks.trainingStep(s, w, Weights.initial(w), STEP_BATCH);
            System.out.println(engine() + " " + name + " " + c.name() + ": " + c.detail());
            assertTrue(c.passed(), engine() + " " + name + ": " + c.detail());
        }
    }

    /**
     * Reduced-size files in the sequence and sparse formats (test resources under {@code testkit/zoo}): other sizes
     * than the built-ins, several inputs, unequal tables, mean bags, self pairs, causal attention, a sequence-output
     * LSTM. They prove a user's file runs without code changes, at sizes where a whole training check is cheap.
     */
    static java.util.List<String> smallZoo() {
        return java.util.List.of("small-lstm", "small-transformer", "small-dlrm");
    }

    /** A reduced-size test workload by name. */
    protected static Workload small(String name) throws java.io.IOException {
        try (java.io.InputStream in = AdapterConformanceTest.class.getResourceAsStream("zoo/" + name + ".json")) {
            return Workloads.parse(in.readAllBytes(), name + ".json");
        }
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.MethodSource("smallZoo")
    void smallSequenceAndSparseFilesMatchTheReference(String name) throws Exception {
        Workload w = small(name);
        requireOrSkip(w, Mode.INFER);
        for (int batch : new int[] {1, 4}) {
            Batch fixed = new SyntheticData(w).batch(77, batch);
            float[] expected = new ReferenceModel(w, Weights.initial(w)).forward(fixed);
            try (Session s = open(w, batch, Mode.INFER)) {
                Tolerance.Outcome o = Tolerance.DEFAULT.compare(s.infer(fixed), expected);
                assertTrue(o.passed(), engine() + " " + name + " batch " + batch + ": " + o.detail());
            }
        }
        if (!trains()) {
            return;
        }
        requireOrSkip(w, Mode.TRAIN);
        try (Session s = open(w, STEP_BATCH, Mode.TRAIN)) {
            Check c = CorrectnessChecks.trainingStep(s, w, Weights.initial(w), STEP_BATCH);
            assertTrue(c.passed(), engine() + " " + name + " first step: " + c.detail());
        }
        try (Session s = open(w, STEP_BATCH, Mode.TRAIN)) {
            Check c = CorrectnessChecks.training(s, w, STEP_BATCH);
            System.out.println(engine() + " " + name + " " + c.name() + ": " + c.detail());
            assertTrue(c.passed(), engine() + " " + name + " loss must fall: " + c.detail());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"infer", "train"})
    void answersForGpuWithAReasonWhenItCannot(String mode) {
        Workload w = Workloads.resolve("mlp");
        Support s = adapter().supports(w, Mode.parse(mode), new Device("gpu", 0));
        if (!s.supported()) {
            assertFalse(s.reason() == null || s.reason().isBlank(), "a refusal needs a reason");
        }
    }

    /** Runs the evaluation set through a training session in chunks of its batch size. */
    private static float[] inferAll(Session s, Batch eval, Workload w) {
        int n = w.inputSize();
        float[] out = new float[eval.size() * w.classes()];
        for (int start = 0; start < eval.size(); start += TRAIN_BATCH) {
            float[] chunk = new float[TRAIN_BATCH * n];
            System.arraycopy(eval.features(), start * n, chunk, 0, chunk.length);
            System.arraycopy(s.infer(chunk), 0, out, start * w.classes(), TRAIN_BATCH * w.classes());
        }
        return out;
    }
}
