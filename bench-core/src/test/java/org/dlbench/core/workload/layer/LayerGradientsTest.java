package org.dlbench.core.workload.layer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every new layer's reference backward pass against central finite differences in double, layer by layer through the
 * {@link Layer} API: loss {@code sum(out * r)} with fixed random {@code r}, every parameter element and every float
 * input element perturbed by {@code +-1e-6}, at batch 2 on tiny shapes.
 */
class LayerGradientsTest {
    private static final double EPS = 1e-6;
    private static final int BATCH = 2;

    /** Parameters over maps: values drawn uniformly in [-1, 1] (gammas near one), gradients from zero. */
    static final class MapParams implements Params {
        final Map<String, double[]> values = new LinkedHashMap<>();
        final Map<String, double[]> gradients = new LinkedHashMap<>();
        final Map<String, Boolean> trainable = new LinkedHashMap<>();

        MapParams(Layer layer, Shapes s, Random r) {
            for (Param p : layer.params(s)) {
                double[] v = new double[Tensor.size(p.shape())];
                for (int i = 0; i < v.length; i++) {
                    v[i] = p.init() == Param.Init.NEAR_ONE ? 0.75 + 0.5 * r.nextDouble() : r.nextDouble() * 2 - 1;
                }
                values.put(p.role(), v);
                gradients.put(p.role(), new double[v.length]);
                trainable.put(p.role(), p.trainable());
            }
        }

        @Override
        public double[] value(String role) {
            return values.get(role);
        }

        @Override
        public double[] gradient(String role) {
            return gradients.get(role);
        }

        @Override
        public boolean training() {
            return true;
        }

        void zero() {
            gradients.values().forEach(g -> Arrays.fill(g, 0));
        }
    }

    /** A float input of the given sample shape, uniform in [-1, 1]. */
    static Tensor floats(int[] shape, Random r) {
        Tensor t = Tensor.zeros(BATCH, shape);
        for (int i = 0; i < t.data().length; i++) {
            t.data()[i] = r.nextDouble() * 2 - 1;
        }
        return t;
    }

    /** An id input: the given ids (all samples' values, row-major). */
    static Tensor ids(int[] shape, double... ids) {
        return new Tensor(BATCH, shape, ids);
    }

    private static double loss(Layer layer, Shapes s, List<Tensor> in, Params p, double[] r) {
        Tensor y = layer.forward(s, in, p);
        double l = 0;
        for (int i = 0; i < r.length; i++) {
            l += y.data()[i] * r[i];
        }
        return l;
    }

    /**
     * Checks the layer's parameter gradients and the gradients at the inputs marked {@code differentiable} against
     * central differences; returns how many elements were checked.
     */
    static int check(Layer layer, List<Tensor> in, boolean[] differentiable, long seed) {
        Random r = new Random(seed);
        List<int[]> shapes = in.stream().map(Tensor::shape).toList();
        int[] outShape = layer.outputShape(shapes);
        Shapes s = new Shapes(shapes, outShape);
        MapParams p = new MapParams(layer, s, r);
        Tensor y = layer.forward(s, in, p);
        assertArrayEquals(outShape, y.shape());
        double[] weights = new double[y.data().length];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = r.nextDouble() * 2 - 1;
        }
        Tensor dOut = new Tensor(y.batch(), y.shape(), weights.clone());
        p.zero();
        Tensor[] dx = layer.backward(s, in, y, dOut, p, differentiable);
        List<String> errors = new ArrayList<>();
        int checked = 0;
        for (Map.Entry<String, double[]> e : p.values.entrySet()) {
            if (!p.trainable.get(e.getKey())) {
                continue;
            }
            double[] v = e.getValue();
            double[] grad = p.gradients.get(e.getKey()).clone();
            for (int i = 0; i < v.length; i++) {
                checked += compare(e.getKey(), i, grad[i], numeric(v, i, () -> loss(layer, s, in, p, weights)), errors);
            }
        }
        for (int k = 0; k < in.size(); k++) {
            if (!differentiable[k]) {
                if (dx[k] != null) {
                    errors.add("input " + k + " got a gradient it was not asked for");
                }
                continue;
            }
            double[] v = in.get(k).data();
            for (int i = 0; i < v.length; i++) {
                checked += compare("input" + k, i, dx[k].data()[i],
                        numeric(v, i, () -> loss(layer, s, in, p, weights)), errors);
            }
        }
        assertTrue(errors.isEmpty(), layer + ": " + errors.size() + " of " + checked + " off: " + errors);
        assertTrue(checked > 0);
        return checked;
    }

    private static double numeric(double[] v, int i, java.util.function.DoubleSupplier loss) {
        double keep = v[i];
        v[i] = keep + EPS;
        double up = loss.getAsDouble();
        v[i] = keep - EPS;
        double down = loss.getAsDouble();
        v[i] = keep;
        return (up - down) / (2 * EPS);
    }

    private static int compare(String name, int i, double analytic, double numeric, List<String> errors) {
        if (Math.abs(analytic - numeric) > 1e-7 + 1e-6 * Math.abs(numeric)) {
            errors.add(name + "[" + i + "]: " + analytic + " vs " + numeric);
        }
        return 1;
    }

    private static boolean[] yes(int n) {
        boolean[] b = new boolean[n];
        Arrays.fill(b, true);
        return b;
    }

    // ---- lstm ----

    @ParameterizedTest
    @ValueSource(strings = {"last", "sequence"})
    void lstmOneLayer(String output) {
        Random r = new Random(1);
        check(new Lstm(3, 1, output), List.of(floats(new int[] {3, 4}, r)), yes(1), 11);
    }

    @ParameterizedTest
    @ValueSource(strings = {"last", "sequence"})
    void lstmTwoLayers(String output) {
        Random r = new Random(2);
        check(new Lstm(3, 2, output), List.of(floats(new int[] {3, 4}, r)), yes(1), 12);
    }

    @Test
    void lstmWithoutInputGradientStillGivesParameterGradients() {
        Random r = new Random(3);
        check(new Lstm(3, 2, "last"), List.of(floats(new int[] {3, 2}, r)), new boolean[] {false}, 13);
    }

    // ---- attention ----

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void attentionTwoHeads(boolean causal) {
        Random r = new Random(4);
        check(new Attention(2, causal), List.of(floats(new int[] {3, 4}, r)), yes(1), 14);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void attentionOneHeadWithoutInputGradient(boolean causal) {
        Random r = new Random(5);
        check(new Attention(1, causal), List.of(floats(new int[] {3, 4}, r)), new boolean[] {false}, 15);
    }

    // ---- embedding, embeddingbag ----

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void embeddingWithRepeatedIds(boolean positional) {
        // T = 3, vocabulary 5: sample 0 reads id 2 twice, sample 1 repeats sample 0's id 4
        Tensor ids = ids(new int[] {3}, 2, 4, 2, 0, 4, 1);
        check(new Embedding(4, 5, positional), List.of(ids), new boolean[] {false}, 21);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sum", "mean"})
    void embeddingBagUnequalTablesRepeatedIds(String mode) {
        // two tables of 3 and 5 rows, bags of 3; ids repeat within a bag and across samples
        Tensor ids = ids(new int[] {2, 3}, 1, 1, 2, 4, 0, 4, /* sample 1 */ 0, 2, 1, 3, 3, 3);
        check(new EmbeddingBag(4, mode, List.of(3, 5)), List.of(ids), new boolean[] {false}, 22);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sum", "mean"})
    void embeddingBagOneTable(String mode) {
        Tensor ids = ids(new int[] {3}, 0, 2, 2, 1, 1, 1);
        check(new EmbeddingBag(4, mode, List.of(3)), List.of(ids), new boolean[] {false}, 23);
    }

    // ---- layernorm, gelu, meanpool, dense on a sequence ----

    @Test
    void layerNormOnASequenceAndOnAVector() {
        Random r = new Random(6);
        check(new LayerNorm(1e-5), List.of(floats(new int[] {3, 4}, r)), yes(1), 31);
        check(new LayerNorm(0.1), List.of(floats(new int[] {4}, r)), yes(1), 32);
    }

    @Test
    void gelu() {
        Random r = new Random(7);
        Tensor x = floats(new int[] {3, 4}, r);
        for (int i = 0; i < x.data().length; i++) {
            x.data()[i] *= 4; // both tails and the middle
        }
        check(new Gelu(), List.of(x), yes(1), 33);
    }

    @Test
    void meanPool() {
        Random r = new Random(8);
        check(new MeanPool(), List.of(floats(new int[] {3, 4}, r)), yes(1), 34);
    }

    @ParameterizedTest
    @ValueSource(strings = {"none", "tanh", "sigmoid"})
    void denseOnASequence(String activation) {
        Random r = new Random(9);
        check(new Dense(3, Activation.valueOf(activation.toUpperCase())), List.of(floats(new int[] {3, 4}, r)),
                yes(1), 35);
    }

    // ---- dot, concat ----

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void dotOfAStackAndAVector(boolean self) {
        Random r = new Random(10);
        check(new Dot(self), List.of(floats(new int[] {3, 4}, r), floats(new int[] {4}, r)), yes(2), 41);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void dotOfOneStackAndOnlyTheSecondInputDifferentiable(boolean self) {
        Random r = new Random(11);
        check(new Dot(self), List.of(floats(new int[] {2, 4}, r), floats(new int[] {4}, r)),
                new boolean[] {false, true}, 42);
        check(new Dot(self), List.of(floats(new int[] {3, 4}, r)), yes(1), 43);
    }

    @Test
    void concatAxisZero() {
        Random r = new Random(12);
        check(new Concat(0), List.of(floats(new int[] {2, 4}, r), floats(new int[] {3, 4}, r)), yes(2), 51);
        check(new Concat(0), List.of(floats(new int[] {4}, r), floats(new int[] {2}, r), floats(new int[] {3}, r)),
                new boolean[] {true, false, true}, 52);
    }

    @Test
    void concatAxisOne() {
        Random r = new Random(13);
        check(new Concat(1), List.of(floats(new int[] {3, 2}, r), floats(new int[] {3, 4}, r)), yes(2), 53);
    }
}
