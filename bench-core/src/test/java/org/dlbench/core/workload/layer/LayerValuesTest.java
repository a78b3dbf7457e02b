package org.dlbench.core.workload.layer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Hand-checked values of the sequence layers: attention weights, two LSTM steps, erf, GELU. */
class LayerValuesTest {

    /** Fixed tensors by role, gradients alongside. */
    private static Params params(Map<String, double[]> values) {
        Map<String, double[]> grads = new LinkedHashMap<>();
        values.forEach((k, v) -> grads.put(k, new double[v.length]));
        return new Params() {
            @Override
            public double[] value(String role) {
                return values.get(role);
            }

            @Override
            public double[] gradient(String role) {
                return grads.get(role);
            }

            @Override
            public boolean training() {
                return false;
            }
        };
    }

    private static double[] identity(int d) {
        double[] m = new double[d * d];
        for (int i = 0; i < d; i++) {
            m[i * d + i] = 1;
        }
        return m;
    }

    /**
     * With x the identity, V and the output projection the identity and zero biases, the output is the attention
     * weights themselves, head h in its own column block.
     */
    private static double[] attentionWeights(int heads, boolean causal, double[] qk) {
        int d = 4;
        Map<String, double[]> v = new LinkedHashMap<>();
        v.put("q_weight", qk);
        v.put("k_weight", qk);
        v.put("v_weight", identity(d));
        v.put("o_weight", identity(d));
        for (String r : List.of("q_bias", "k_bias", "v_bias", "o_bias")) {
            v.put(r, new double[d]);
        }
        Attention a = new Attention(heads, causal);
        Shapes s = new Shapes(List.of(new int[] {d, d}), new int[] {d, d});
        return a.forward(s, List.of(new Tensor(1, new int[] {d, d}, identity(d))), params(v)).data();
    }

    @Test
    void attentionWithZeroScoresIsUniformOverWhatEachStepSees() {
        double[] y = attentionWeights(1, false, new double[16]);
        for (double e : y) {
            assertEquals(0.25, e, 1e-15);
        }
        double[] c = attentionWeights(1, true, new double[16]);
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 4; j++) {
                assertEquals(j <= i ? 1.0 / (i + 1) : 0, c[i * 4 + j], 1e-15, "row " + i + " col " + j);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void attentionRowsSumToOneAndCausalRowZeroSeesOnlyItself(boolean causal) {
        double[] qk = new double[16];
        for (int i = 0; i < 16; i++) {
            qk[i] = Math.sin(3 * i + 1) * 2; // varied scores
        }
        double[] y = attentionWeights(1, causal, qk);
        for (int i = 0; i < 4; i++) {
            double sum = 0;
            for (int j = 0; j < 4; j++) {
                assertTrue(y[i * 4 + j] >= 0);
                sum += y[i * 4 + j];
                if (causal && j > i) {
                    assertEquals(0, y[i * 4 + j], 0, "row " + i + " sees step " + j);
                }
            }
            assertEquals(1, sum, 1e-12, "row " + i);
        }
        if (causal) {
            assertArrayEquals(new double[] {1, 0, 0, 0}, java.util.Arrays.copyOfRange(y, 0, 4), 0);
        }
    }

    @Test
    void twoHeadsAreColumnBlocksScaledByOneOverSqrtOfTheirWidth() {
        // Q = K = x = I: head 0 (columns 0,1) scores step 0 against step 0 with 1 / sqrt(2), else 0; head 1 sees
        // columns 2,3, which are zero in row 0, so row 0 of head 1 is uniform
        double[] y = attentionWeights(2, false, identity(4));
        double e = Math.exp(1 / Math.sqrt(2));
        assertEquals(e / (e + 3), y[0], 1e-15);
        assertEquals(1 / (e + 3), y[1], 1e-15);
        assertEquals(0.25, y[2], 1e-15);
        assertEquals(0.25, y[3], 1e-15);
        // row 3: head 0 uniform (Q row 3 is zero there), head 1 favours step 3
        assertEquals(0.25, y[12], 1e-15);
        assertEquals(1 / (e + 3), y[14], 1e-15);
        assertEquals(e / (e + 3), y[15], 1e-15);
    }

    private static double sigmoid(double a) {
        return 1 / (1 + Math.exp(-a));
    }

    @Test
    void lstmTwoStepsByHand() {
        // I = 1, H = 1: weight_ih rows i, f, g, o; distinct values so a gate order mix-up shows
        double[] wih = {0.5, -0.3, 0.8, 0.2};
        double[] whh = {0.1, 0.4, -0.6, 0.7};
        double[] bias = {0.05, 0.9, -0.1, 0.3};
        Map<String, double[]> v = Map.of("l0_weight_ih", wih, "l0_weight_hh", whh, "l0_bias", bias);
        double[] x = {1.5, -0.7};
        // step 0 from zero state: f has nothing to forget
        double i0 = sigmoid(0.5 * 1.5 + 0.05);
        double g0 = Math.tanh(0.8 * 1.5 - 0.1);
        double o0 = sigmoid(0.2 * 1.5 + 0.3);
        double c0 = i0 * g0;
        double h0 = o0 * Math.tanh(c0);
        // step 1
        double i1 = sigmoid(0.5 * -0.7 + 0.1 * h0 + 0.05);
        double f1 = sigmoid(-0.3 * -0.7 + 0.4 * h0 + 0.9);
        double g1 = Math.tanh(0.8 * -0.7 - 0.6 * h0 - 0.1);
        double o1 = sigmoid(0.2 * -0.7 + 0.7 * h0 + 0.3);
        double c1 = f1 * c0 + i1 * g1;
        double h1 = o1 * Math.tanh(c1);

        Tensor in = new Tensor(1, new int[] {2, 1}, x);
        Lstm seq = new Lstm(1, 1, "sequence");
        double[] all = seq.forward(new Shapes(List.of(new int[] {2, 1}), new int[] {2, 1}), List.of(in), params(v))
                .data();
        assertArrayEquals(new double[] {h0, h1}, all, 1e-15);
        Lstm last = new Lstm(1, 1, "last");
        double[] y = last.forward(new Shapes(List.of(new int[] {2, 1}), new int[] {1}), List.of(in), params(v)).data();
        assertArrayEquals(new double[] {h1}, y, 1e-15);
    }

    @Test
    void erfMatchesTabulatedValues() {
        double[][] table = {
            {0.5, 0.5204998778130465}, {1, 0.8427007929497149}, {2, 0.9953222650189527},
            {3.5, 0.9999992569016276}, {0.1, 0.1124629160182849}, {2.9, 0.9999589021219005},
            {3, 0.9999779095030014}, {0, 0},
        };
        for (double[] row : table) {
            assertEquals(row[1], Erf.erf(row[0]), 1e-14 + 1e-12 * row[1], "erf(" + row[0] + ")");
            assertEquals(-row[1], Erf.erf(-row[0]), 1e-14 + 1e-12 * row[1], "erf(-" + row[0] + ")");
        }
        assertEquals(1, Erf.erf(30), 0);
        assertTrue(Double.isNaN(Erf.erf(Double.NaN)));
    }

    @Test
    void geluIsXTimesTheNormalDistributionFunction() {
        Gelu g = new Gelu();
        Tensor x = new Tensor(1, new int[] {3}, new double[] {1, -1, 0});
        double[] y = g.forward(new Shapes(List.of(new int[] {3}), new int[] {3}), List.of(x), params(Map.of())).data();
        // Phi(1) = 0.8413447460685429
        assertArrayEquals(new double[] {0.8413447460685429, -0.15865525393145707, 0}, y, 1e-14);
    }
}
