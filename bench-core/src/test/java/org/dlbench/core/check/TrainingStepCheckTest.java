package org.dlbench.core.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.dlbench.core.adapter.Session;
import org.dlbench.core.adapter.TrainingRound;
import org.dlbench.core.data.Batch;
import org.dlbench.core.data.SyntheticData;
import org.dlbench.core.data.Weights;
import org.dlbench.core.reference.ReferenceTraining;
import org.dlbench.core.result.Check;
import org.dlbench.core.workload.Workload;
import org.dlbench.core.workload.Workloads;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code training_step_matches_reference} passes an engine that does what it is told, in float32, and fails the
 * mistakes that a falling loss would hide: a learning rate 10x off, a bias that never moves, a step uphill, the loss
 * after the update, a session that cannot show its parameters, a data-parallel round that skips a worker.
 */
class TrainingStepCheckTest {
    private static final int BATCH = 4;

    /** Convolution, both poolings, flatten and every activation, small enough to train in double in a test. */
    private static Workload small() {
        return Workloads.parse("""
                {"name":"small","input":[2,8,8],"classes":3,"layers":[
                 {"type":"conv2d","filters":3,"kernel":3,"padding":1,"activation":"relu"},
                 {"type":"maxpool2d","kernel":2},
                 {"type":"conv2d","filters":4,"kernel":2,"stride":2,"activation":"tanh"},
                 {"type":"avgpool2d","kernel":2},
                 {"type":"flatten"},
                 {"type":"dense","units":5,"activation":"sigmoid"},
                 {"type":"dense","units":3}]}""".getBytes(StandardCharsets.UTF_8), "test");
    }

    private static Workload workload(String name) {
        return name.equals("small") ? small() : Workloads.resolve(name);
    }

    /** What a fake engine gets wrong. */
    enum Fault { NONE, LEARNING_RATE_10X, LEARNING_RATE_TENTH, NO_BIAS_UPDATE, SIGN, LOSS_AFTER_UPDATE, ONE_WORKER }

    /**
     * An engine made of the reference gradients, holding its parameters in float32 as engines do, with one fault.
     * With {@code workers} above one it trains a data-parallel round of its own batches, ignoring the one given.
     */
    private static final class FakeEngine implements Session {
        private final Workload workload;
        private final ReferenceTraining reference;
        private final Fault fault;
        private final int workers;
        private Map<String, float[]> params;

        FakeEngine(Workload workload, Weights initial, Fault fault, int workers) {
            this.workload = workload;
            this.reference = new ReferenceTraining(workload);
            this.fault = fault;
            this.workers = workers;
            this.params = new LinkedHashMap<>();
            for (String name : initial.names()) {
                params.put(name, initial.get(name));
            }
        }

        @Override
        public String engineVersion() {
            return "fake";
        }

        @Override
        public Map<String, String> settings() {
            return Map.of();
        }

        @Override
        public float[] infer(float[] features) {
            throw new UnsupportedOperationException();
        }

        @Override
        public TrainingRound nextTrainingRound(Batch batch) {
            if (workers == 1) {
                return TrainingRound.single(batch);
            }
            SyntheticData data = new SyntheticData(workload);
            List<List<Batch>> round = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                round.add(List.of(data.batch(10 * w, batch.size()), data.batch(10 * w + 1, batch.size())));
            }
            return new TrainingRound(round);
        }

        @Override
        public float trainStep(Batch batch) {
            TrainingRound round = nextTrainingRound(batch);
            Map<String, double[]> sum = null;
            double loss = 0;
            int used = fault == Fault.ONE_WORKER ? 1 : round.workers().size();
            for (int w = 0; w < used; w++) {
                Map<String, float[]> p = copy(params);
                for (Batch b : round.workers().get(w)) {
                    double last = sgd(p, b);
                    if (b == round.workers().get(w).get(round.workers().get(w).size() - 1)) {
                        loss += last;
                    }
                }
                if (sum == null) {
                    sum = new LinkedHashMap<>();
                    for (String k : p.keySet()) {
                        sum.put(k, new double[p.get(k).length]);
                    }
                }
                for (String k : p.keySet()) {
                    for (int i = 0; i < p.get(k).length; i++) {
                        sum.get(k)[i] += p.get(k)[i];
                    }
                }
            }
            for (String k : params.keySet()) {
                float[] v = params.get(k);
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) (sum.get(k)[i] / used);
                }
            }
            if (fault == Fault.LOSS_AFTER_UPDATE) {
                loss = reference.gradients(toDouble(params), batch).loss();
            }
            return (float) (loss / used);
        }

        /** One SGD step in float32 with this engine's fault; returns the loss before it. */
        private double sgd(Map<String, float[]> p, Batch b) {
            ReferenceTraining.Gradients g = reference.gradients(toDouble(p), b);
            double lr = workload.learningRate() * switch (fault) {
                case LEARNING_RATE_10X -> 10;
                case LEARNING_RATE_TENTH -> 0.1;
                case SIGN -> -1;
                case NONE, NO_BIAS_UPDATE, LOSS_AFTER_UPDATE, ONE_WORKER -> 1;
            };
            for (String k : p.keySet()) {
                if (fault == Fault.NO_BIAS_UPDATE && k.endsWith(".bias")) {
                    continue;
                }
                float[] v = p.get(k);
                double[] grad = g.byName().get(k);
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) (v[i] - lr * grad[i]);
                }
            }
            return g.loss();
        }

        @Override
        public Map<String, float[]> parameters() {
            return copy(params);
        }

        @Override
        public void close() {
        }
    }

    private static Check check(String name, Fault fault, int workers) {
        Workload w = workload(name);
        Weights initial = Weights.initial(w);
        try (FakeEngine engine = new FakeEngine(w, initial, fault, workers)) {
            Check c = CorrectnessChecks.trainingStep(engine, w, initial, BATCH);
            assertEquals(CorrectnessChecks.TRAINING_STEP, c.name());
            assertEquals("training_step_matches_reference", c.name());
            System.out.println(name + " " + fault + " x" + workers + ": " + c.passed() + " " + c.detail());
            return c;
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"mlp", "lenet", "small"})
    void aFloat32EngineThatDoesWhatItIsToldPasses(String name) {
        Check c = check(name, Fault.NONE, 1);
        assertTrue(c.passed(), c.detail());
        assertTrue(c.detail().contains("worst parameter layer"), c.detail());
        assertTrue(c.detail().contains("one SGD step on a batch of 4"), c.detail());
    }

    @ParameterizedTest
    @ValueSource(strings = {"mlp", "small"})
    void aLearningRateTenTimesOffFails(String name) {
        for (Fault f : List.of(Fault.LEARNING_RATE_10X, Fault.LEARNING_RATE_TENTH)) {
            Check c = check(name, f, 1);
            assertFalse(c.passed(), f + ": " + c.detail());
            // every tensor moves by the wrong amount
            assertTrue(c.detail().contains("off: layer0.weight, layer0.bias"), c.detail());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"mlp", "small"})
    void aMissingBiasUpdateFailsAndNamesABias(String name) {
        Check c = check(name, Fault.NO_BIAS_UPDATE, 1);
        assertFalse(c.passed(), c.detail());
        assertTrue(c.detail().matches(".*worst layer\\d+\\.bias update error 1(\\.0+)? of the reference update.*"),
                c.detail());
        assertFalse(c.detail().contains("off: layer0.weight"), c.detail());
    }

    @ParameterizedTest
    @ValueSource(strings = {"mlp", "small"})
    void aSignErrorFails(String name) {
        Check c = check(name, Fault.SIGN, 1);
        assertFalse(c.passed(), c.detail());
        assertTrue(c.detail().contains("update error 2"), c.detail());
    }

    @Test
    void theLossAfterTheUpdateFails() {
        Check c = check("mlp", Fault.LOSS_AFTER_UPDATE, 1);
        assertFalse(c.passed(), c.detail());
        assertTrue(c.detail().contains("OFF by"), c.detail());
        assertTrue(c.detail().contains("worst parameter"), "the parameters themselves are right: " + c.detail());
    }

    @Test
    void aDataParallelRoundIsCheckedAgainstTheSameRound() {
        Check c = check("small", Fault.NONE, 2);
        assertTrue(c.passed(), c.detail());
        assertTrue(c.detail().contains("one averaging round of 2 worker(s) x 2 batch(es), 16 samples"), c.detail());
        Check skipped = check("small", Fault.ONE_WORKER, 2);
        assertFalse(skipped.passed(), skipped.detail());
    }

    @Test
    void aSessionThatCannotShowItsParametersFails() {
        Workload w = Workloads.resolve("mlp");
        // trains, but has no parameters(): the interface's default throws
        Session noParameters = new Session() {
            @Override
            public String engineVersion() {
                return "none";
            }

            @Override
            public Map<String, String> settings() {
                return Map.of();
            }

            @Override
            public float[] infer(float[] features) {
                return features;
            }

            @Override
            public float trainStep(Batch batch) {
                return 1f;
            }

            @Override
            public void close() {
            }
        };
        Check c = CorrectnessChecks.trainingStep(noParameters, w, Weights.initial(w), BATCH);
        assertFalse(c.passed());
        assertTrue(c.detail().contains("cannot read its parameters back"), c.detail());
    }

    @Test
    void aSessionThatDidNotStartFromTheSharedWeightsFails() {
        Workload w = Workloads.resolve("mlp");
        try (FakeEngine other = new FakeEngine(w, Weights.initial(w, 43), Fault.NONE, 1)) {
            Check c = CorrectnessChecks.trainingStep(other, w, Weights.initial(w), BATCH);
            assertFalse(c.passed());
            assertTrue(c.detail().contains("not the shared initial value"), c.detail());
        }
    }

    @Test
    void aDeliberatelyWrongReferenceFails() {
        Workload w = small();
        Weights initial = Weights.initial(w);
        Batch batch = CorrectnessChecks.trainingStepInput(w, BATCH);
        TrainingRound round = TrainingRound.single(batch);
        try (FakeEngine engine = new FakeEngine(w, initial, Fault.NONE, 1)) {
            Map<String, float[]> before = engine.parameters();
            float loss = engine.trainStep(batch);
            Map<String, float[]> after = engine.parameters();
            ReferenceTraining.Step right = new ReferenceTraining(w).round(initial, round);
            assertTrue(CorrectnessChecks.compareStep(w, initial, before, after, loss, right, round).passed());
            // the reference with one weight update doubled in one tensor
            Map<String, double[]> wrong = new LinkedHashMap<>(right.parameters());
            double[] w2 = wrong.get("layer2.weight").clone();
            float[] start = initial.get("layer2.weight");
            for (int i = 0; i < w2.length; i++) {
                w2[i] = start[i] + 2 * (w2[i] - start[i]);
            }
            wrong.put("layer2.weight", w2);
            Check c = CorrectnessChecks.compareStep(w, initial, before, after, loss,
                    new ReferenceTraining.Step(right.loss(), wrong), round);
            assertFalse(c.passed(), c.detail());
            assertTrue(c.detail().contains("worst layer2.weight update error 0.5"), c.detail());
        }
    }

    @Test
    void aUnitWithinRoundingOfAKinkMayLandOnEitherSideButNothingElseIsForgiven() {
        Workload w = Workloads.parse("""
                {"name":"k","input":[1],"classes":2,"layers":[{"type":"dense","units":2,"activation":"relu"},
                 {"type":"dense","units":2}],"training":{"learningRate":0.5}}""".getBytes(StandardCharsets.UTF_8),
                "test");
        // hidden unit 0's input is 1e-6: float32 rounding decides which side of ReLU's kink it lands on
        Weights initial = Weights.of(w, Map.of("layer0.weight", new float[] {1, 1}, "layer0.bias",
                new float[] {-0.999999f, 0}, "layer1.weight", new float[] {1, -1, 2, 0.5f},
                "layer1.bias", new float[] {0, 0}));
        Batch batch = new Batch(new float[] {1}, new int[] {1}, 1, new int[] {1}, 2);
        TrainingRound round = TrainingRound.single(batch);
        ReferenceTraining reference = new ReferenceTraining(w);
        ReferenceTraining.Step plain = reference.round(initial, round);
        List<ReferenceTraining.NearKink> near = reference.nearKinks(initial, round);
        assertEquals(1, near.size());
        Map<String, float[]> before = new LinkedHashMap<>();
        for (String name : initial.names()) {
            before.put(name, initial.get(name));
        }
        // an engine that put the unit on the other side: the plain comparison fails, the second look passes
        Map<String, float[]> otherSide = new LinkedHashMap<>();
        Map<String, float[]> wrong = new LinkedHashMap<>();
        plain.parameters().forEach((name, v) -> {
            double[] e = near.get(0).effect().get(name);
            float[] o = new float[v.length];
            float[] x = new float[v.length];
            float[] start = initial.get(name);
            for (int i = 0; i < v.length; i++) {
                double taken = v[i] + (e == null ? 0 : e[i]);
                o[i] = (float) taken;
                // and one that also moves layer1 by twice the step: a real fault the kink cannot explain
                x[i] = (float) (name.startsWith("layer1") ? start[i] + 2 * (taken - start[i]) : taken);
            }
            otherSide.put(name, o);
            wrong.put(name, x);
        });
        Check first = CorrectnessChecks.compareStep(w, initial, before, otherSide, plain.loss(), plain, round);
        assertFalse(first.passed(), first.detail());
        Check second = CorrectnessChecks.withNearKinks(w, initial, before, otherSide, plain.loss(), plain, round,
                first, near);
        assertTrue(second.passed(), second.detail());
        assertTrue(second.detail().contains("with 1 of the 1 unit(s) whose activation input lies within 3e-05 of a"
                + " kink taken on the engine's side"), second.detail());
        Check faulty = CorrectnessChecks.withNearKinks(w, initial, before, wrong, plain.loss(), plain, round,
                CorrectnessChecks.compareStep(w, initial, before, wrong, plain.loss(), plain, round), near);
        assertFalse(faulty.passed(), faulty.detail());
    }

    private static Map<String, float[]> copy(Map<String, float[]> p) {
        Map<String, float[]> out = new LinkedHashMap<>();
        p.forEach((k, v) -> out.put(k, v.clone()));
        return out;
    }

    private static Map<String, double[]> toDouble(Map<String, float[]> p) {
        Map<String, double[]> out = new LinkedHashMap<>();
        p.forEach((k, v) -> {
            double[] d = new double[v.length];
            for (int i = 0; i < v.length; i++) {
                d[i] = v[i];
            }
            out.put(k, d);
        });
        return out;
    }
}
