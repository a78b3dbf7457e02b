package org.dlbench.core.reference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.dlbench.core.adapter.TrainingRound;
import org.dlbench.core.data.Batch;
import org.dlbench.core.data.SyntheticData;
import org.dlbench.core.data.Weights;
import org.dlbench.core.workload.ParamSpec;
import org.dlbench.core.workload.Workload;
import org.dlbench.core.workload.Workloads;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The reference backward pass and SGD step on fixed inputs: finite differences, hand-checked values, the loss. */
class ReferenceTrainingTest {
    private static final double EPS = 1e-6;

    private static Workload parse(String json) {
        return Workloads.parse(json.getBytes(StandardCharsets.UTF_8), "test");
    }

    /** Dense layers with the given activation in the middle. */
    private static Workload dense(String activation) {
        return parse("""
                {"name":"d","input":[5],"classes":3,"layers":[
                 {"type":"dense","units":4,"activation":"%s"},
                 {"type":"dense","units":4,"activation":"%s"},
                 {"type":"dense","units":3}],
                 "training":{"learningRate":0.3}}""".formatted(activation, activation));
    }

    /** Convolutions with the given activation, stride, padding, both poolings (one overlapping) and flatten. */
    private static Workload conv(String activation) {
        return parse("""
                {"name":"c","input":[2,9,9],"classes":3,"layers":[
                 {"type":"conv2d","filters":3,"kernel":3,"stride":2,"padding":1,"activation":"%s"},
                 {"type":"maxpool2d","kernel":2,"stride":1},
                 {"type":"conv2d","filters":2,"kernel":2,"padding":1,"activation":"%s"},
                 {"type":"avgpool2d","kernel":2,"stride":2},
                 {"type":"flatten"},
                 {"type":"dense","units":3}],
                 "training":{"learningRate":0.1}}""".formatted(activation, activation));
    }

    @ParameterizedTest
    @ValueSource(strings = {"none", "relu", "tanh", "sigmoid"})
    void denseGradientsMatchCentralDifferences(String activation) {
        checkAgainstFiniteDifferences(dense(activation));
    }

    @ParameterizedTest
    @ValueSource(strings = {"none", "relu", "tanh", "sigmoid"})
    void convPoolingAndFlattenGradientsMatchCentralDifferences(String activation) {
        checkAgainstFiniteDifferences(conv(activation));
    }

    @Test
    void poolingStraightOnTheInputAndPaddedConvMatchCentralDifferences() {
        checkAgainstFiniteDifferences(parse("""
                {"name":"p","input":[3,9,9],"classes":4,"layers":[
                 {"type":"avgpool2d","kernel":2,"stride":2},
                 {"type":"conv2d","filters":3,"kernel":3,"padding":2},
                 {"type":"maxpool2d","kernel":3,"stride":2},
                 {"type":"flatten"},
                 {"type":"dense","units":6,"activation":"sigmoid"},
                 {"type":"dense","units":4}]}"""));
    }

    /**
     * A graph with every layer type issue 12 added: batchnorm in training mode (batch statistics) on images and on
     * flat features, a residual add that joins two branches, a depthwise and a grouped convolution, relu6 and the
     * global average pool; the second residual branch reads an earlier node, so gradients sum where outputs fan out.
     */
    @ParameterizedTest
    @ValueSource(strings = {"relu", "relu6", "tanh"})
    void graphLayersMatchCentralDifferences(String activation) {
        checkAgainstFiniteDifferences(parse("""
                {"name":"g","input":[2,6,6],"classes":3,
                 "blocks":{"res":{"args":{"c":null},"nodes":[
                    {"name":"dw","type":"conv2d","filters":"$c","groups":"$c","kernel":3,"padding":1},
                    {"name":"bn","type":"batchnorm","activation":"%1$s"},
                    {"name":"gc","type":"conv2d","filters":"$c","groups":2,"kernel":1},
                    {"name":"out","type":"add","inputs":["gc","$input"],"activation":"%1$s"}]}},
                 "nodes":[
                    {"name":"stem","type":"conv2d","filters":4,"kernel":3,"stride":2,"padding":1},
                    {"name":"stembn","type":"batchnorm","activation":"%1$s","momentum":0.3},
                    {"name":"r","block":"res","args":{"c":4},"repeat":2},
                    {"name":"join","type":"add","inputs":["r.1.out","stembn","r.0.bn"]},
                    {"name":"pool","type":"globalavgpool"},
                    {"name":"fcbn","type":"batchnorm"},
                    {"name":"fc","type":"dense","units":3}],
                 "training":{"learningRate":0.1}}""".formatted(activation)));
    }

    @Test
    void batchnormTrainingUsesBatchStatisticsAndMovesTheRunningOnes() {
        Workload w = parse("""
                {"name":"bn","input":[1],"classes":2,"nodes":[
                  {"name":"bn","type":"batchnorm","momentum":0.25},
                  {"name":"fc","type":"dense","units":2}]}""");
        Weights weights = Weights.of(w, Map.of("bn.gamma", new float[] {2}, "bn.beta", new float[] {0.5f},
                "bn.running_mean", new float[] {10}, "bn.running_var", new float[] {4},
                "fc.weight", new float[] {1, -1}, "fc.bias", new float[] {0, 0}));
        Map<String, double[]> params = ReferenceModel.toDouble(w, weights);
        // batch 1, 3: mean 2, biased variance 1, unbiased 2
        Batch b = new Batch(new float[] {1, 3}, new int[] {0, 1}, 2, new int[] {1}, 2);
        new ReferenceTraining(w).gradients(params, b);
        assertEquals(0.75 * 10 + 0.25 * 2, params.get("bn.running_mean")[0], 1e-12);
        assertEquals(0.75 * 4 + 0.25 * 2, params.get("bn.running_var")[0], 1e-12);
        // inference uses the running statistics: (x - 10) / sqrt(4 + 1e-5) * 2 + 0.5
        float[] logits = new ReferenceModel(w, weights).forward(new float[] {10}, 1);
        assertEquals(0.5, logits[0], 1e-6);
        assertEquals(-0.5, logits[1], 1e-6);
    }

    /** Every gradient element against (L(p + eps) - L(p - eps)) / 2 eps, all in double. */
    private static void checkAgainstFiniteDifferences(Workload w) {
        Batch batch = new SyntheticData(w).batch(5, 3);
        Map<String, double[]> params = ReferenceModel.toDouble(w, Weights.initial(w, 3));
        ReferenceTraining reference = new ReferenceTraining(w);
        ReferenceTraining.Gradients g = reference.gradients(params, batch);
        List<String> errors = new ArrayList<>();
        int checked = 0;
        for (ParamSpec p : w.trainableParams()) {
            double[] v = params.get(p.name());
            double[] grad = g.byName().get(p.name());
            for (int i = 0; i < v.length; i++) {
                double keep = v[i];
                v[i] = keep + EPS;
                double up = reference.gradients(params, batch).loss();
                v[i] = keep - EPS;
                double down = reference.gradients(params, batch).loss();
                v[i] = keep;
                double numeric = (up - down) / (2 * EPS);
                if (Math.abs(grad[i] - numeric) > 1e-7 + 1e-5 * Math.abs(numeric)) {
                    errors.add(p.name() + "[" + i + "]: " + grad[i] + " vs " + numeric);
                }
                checked++;
            }
        }
        assertTrue(errors.isEmpty(), w.name() + ": " + errors.size() + " of " + checked + " off: " + errors);
        assertEquals(w.paramCount(), checked);
    }

    @Test
    void oneDenseStepByHand() {
        Workload w = parse("""
                {"name":"h","input":[2],"classes":2,"layers":[{"type":"dense","units":2}],
                 "training":{"learningRate":0.1}}""");
        Weights zero = Weights.of(w, Map.of("layer0.weight", new float[4], "layer0.bias", new float[2]));
        Batch b = new Batch(new float[] {1, 2}, new int[] {0}, 1, new int[] {2}, 2);
        ReferenceTraining.Step step = new ReferenceTraining(w).sgdStep(zero, b);
        // logits 0, 0: softmax 1/2 each, loss ln 2, dL/dlogits = p - onehot = [-1/2, 1/2]
        assertEquals(Math.log(2), step.loss(), 1e-15);
        // dL/dW = dlogits x input = [[-1/2, -1], [1/2, 1]], dL/db = [-1/2, 1/2]; p -= 0.1 * grad
        assertArrayEquals(new double[] {0.05, 0.1, -0.05, -0.1}, step.parameters().get("layer0.weight"), 1e-15);
        assertArrayEquals(new double[] {0.05, -0.05}, step.parameters().get("layer0.bias"), 1e-15);
    }

    @Test
    void meanOverTheBatchAndReluBlocksAtZero() {
        Workload w = parse("""
                {"name":"r","input":[1],"classes":2,"layers":[{"type":"dense","units":1,"activation":"relu"},
                 {"type":"dense","units":2}],"training":{"learningRate":1}}""");
        Weights weights = Weights.of(w, Map.of("layer0.weight", new float[] {1}, "layer0.bias", new float[] {0},
                "layer1.weight", new float[] {1, -1}, "layer1.bias", new float[] {0, 0}));
        // sample 0: x = 0 puts the ReLU exactly at 0 (no gradient through it); sample 1: x = 1, hidden 1
        Batch b = new Batch(new float[] {0, 1}, new int[] {1, 1}, 2, new int[] {1}, 2);
        ReferenceTraining.Gradients g = new ReferenceTraining(w).gradients(
                ReferenceModel.toDouble(w, weights), b);
        double p0 = 1 / (1 + Math.exp(-2)); // sample 1: logits [1, -1], softmax of class 0
        assertEquals((Math.log(2) + Math.log(1 + Math.exp(2))) / 2, g.loss(), 1e-12);
        // layer1 bias: mean of (p - onehot): sample 0 [1/2, -1/2], sample 1 [p0, (1 - p0) - 1] = [p0, -p0]
        assertArrayEquals(new double[] {(0.5 + p0) / 2, (-0.5 - p0) / 2}, g.byName().get("layer1.bias"), 1e-12);
        // layer1 weight: only sample 1 has a non-zero hidden value (1)
        assertArrayEquals(new double[] {p0 / 2, -p0 / 2}, g.byName().get("layer1.weight"), 1e-12);
        // layer0: sample 0 is blocked at the ReLU's 0; sample 1 passes dh * x with dh = (p0 * 1 + -p0 * -1) / 2
        assertArrayEquals(new double[] {p0}, g.byName().get("layer0.weight"), 1e-12);
        assertArrayEquals(new double[] {p0}, g.byName().get("layer0.bias"), 1e-12);
    }

    @Test
    void aReluInputWithinRoundingOfZeroIsANearKinkWhoseOtherSideDropsItsGradient() {
        Workload w = parse("""
                {"name":"k","input":[1],"classes":2,"layers":[{"type":"dense","units":2,"activation":"relu"},
                 {"type":"dense","units":2}],"training":{"learningRate":0.5}}""");
        // hidden unit 0 gets 1e-6 (within float32 rounding of the kink at 0), hidden unit 1 gets 1 (far from it)
        Weights weights = Weights.of(w, Map.of("layer0.weight", new float[] {1, 1}, "layer0.bias",
                new float[] {-0.999999f, 0}, "layer1.weight", new float[] {1, -1, 2, 0.5f},
                "layer1.bias", new float[] {0, 0}));
        Batch b = new Batch(new float[] {1}, new int[] {1}, 1, new int[] {1}, 2);
        ReferenceTraining reference = new ReferenceTraining(w);
        List<ReferenceTraining.NearKink> near = reference.nearKinks(weights, TrainingRound.single(b));
        assertEquals(1, near.size(), near::toString);
        ReferenceTraining.NearKink k = near.get(0);
        assertEquals("layer0", k.stage());
        assertEquals(0, k.element());
        assertTrue(k.distance() < 1e-5, () -> "distance " + k.distance());
        // taken on the other side, unit 0 passes no gradient: its row of layer0 does not move, so the effect is
        // minus the plain step's update of that row; unit 1's row and everything in layer1 are unchanged
        ReferenceTraining.Gradients g = reference.gradients(ReferenceModel.toDouble(w, weights), b);
        double lr = 0.5;
        assertArrayEquals(new double[] {lr * g.byName().get("layer0.weight")[0], 0},
                k.effect().get("layer0.weight"), 1e-12);
        assertArrayEquals(new double[] {lr * g.byName().get("layer0.bias")[0], 0}, k.effect().get("layer0.bias"), 1e-12);
        assertTrue(g.byName().get("layer0.weight")[0] != 0, "the plain step moves unit 0's weight");
        assertArrayEquals(new double[4], k.effect().get("layer1.weight"), 1e-9);
    }

    @Test
    void maxPoolTiesSendTheGradientToTheFirstMaximumInRowMajorOrder() {
        // a 1x1 conv over two channels, then one 2x2 max-pooling window; two pixels tie, from different inputs
        Workload tie = parse("""
                {"name":"t","input":[2,2,2],"classes":2,"layers":[
                 {"type":"conv2d","filters":1,"kernel":1},
                 {"type":"maxpool2d","kernel":2},
                 {"type":"flatten"},{"type":"dense","units":2}]}""");
        Weights weights = Weights.of(tie, Map.of("layer0.weight", new float[] {1, 1}, "layer0.bias", new float[] {0},
                "layer3.weight", new float[] {1, 0}, "layer3.bias", new float[] {0, 0}));
        // channel 0 = [[1, 2], [0, 0]], channel 1 = [[2, 1], [0, 0]]: conv output [[3, 3], [0, 0]], max 3 (tie)
        Batch b = new Batch(new float[] {1, 2, 0, 0, 2, 1, 0, 0}, new int[] {1}, 1, new int[] {2, 2, 2}, 2);
        ReferenceTraining.Gradients g = new ReferenceTraining(tie).gradients(ReferenceModel.toDouble(tie, weights), b);
        // logits [3, 0], label 1: dL/dlogit0 = p0, so the pooled value's gradient is p0 (dense weight [1, 0])
        double p0 = 1 / (1 + Math.exp(-3));
        // the first maximum (top-left, from channel values 1 and 2) takes it: dL/dw = p0 * [1, 2], not p0 * [2, 1]
        assertArrayEquals(new double[] {p0, 2 * p0}, g.byName().get("layer0.weight"), 1e-12);
        assertArrayEquals(new double[] {p0}, g.byName().get("layer0.bias"), 1e-12);
    }

    @ParameterizedTest
    @ValueSource(strings = {"mlp", "lenet"})
    void lossIsTheForwardPassLoss(String name) {
        Workload w = Workloads.resolve(name);
        Weights weights = Weights.initial(w);
        Batch b = new SyntheticData(w).batch(11, 4);
        float[] logits = new ReferenceModel(w, weights).forward(b.features(), b.size());
        double forwardLoss = Metrics.crossEntropy(logits, b.labels(), w.classes());
        ReferenceTraining.Step step = new ReferenceTraining(w).sgdStep(weights, b);
        assertEquals(forwardLoss, step.loss(), 1e-6, "the step's loss is that of the parameters before the update");
    }

    @Test
    void aRoundIsSequentialStepsPerWorkerThenTheMean() {
        Workload w = dense("tanh");
        Weights start = Weights.initial(w);
        SyntheticData data = new SyntheticData(w);
        Batch a1 = data.batch(1, 4);
        Batch a2 = data.batch(2, 4);
        Batch b1 = data.batch(3, 4);
        ReferenceTraining reference = new ReferenceTraining(w);

        ReferenceTraining.Step first = reference.sgdStep(start, a1);
        ReferenceTraining.Step workerA = reference.sgdStep(Weights.of(w, toFloat(first.parameters())), a2);
        ReferenceTraining.Step workerB = reference.sgdStep(start, b1);
        ReferenceTraining.Step round = reference.round(start, new TrainingRound(List.of(List.of(a1, a2), List.of(b1))));

        assertEquals((workerA.loss() + workerB.loss()) / 2, round.loss(), 1e-6);
        for (ParamSpec p : w.params()) {
            double[] a = workerA.parameters().get(p.name());
            double[] b = workerB.parameters().get(p.name());
            double[] mean = new double[a.length];
            for (int i = 0; i < a.length; i++) {
                mean[i] = (a[i] + b[i]) / 2;
            }
            // worker A's second step started from float-rounded parameters here, in double inside the round
            assertArrayEquals(mean, round.parameters().get(p.name()), 1e-6, p.name());
        }
    }

    static Map<String, float[]> toFloat(Map<String, double[]> params) {
        Map<String, float[]> out = new java.util.LinkedHashMap<>();
        params.forEach((k, v) -> {
            float[] f = new float[v.length];
            for (int i = 0; i < v.length; i++) {
                f[i] = (float) v[i];
            }
            out.put(k, f);
        });
        return out;
    }
}
