package org.dlbench.core.workload.layer;

import java.util.Arrays;
import java.util.List;

/**
 * Multi-head self-attention over {@code x [T, D]}: {@code Q = x Wq^T + bq} (K, V alike), head {@code h} the column
 * block {@code h*dh .. h*dh+dh-1} ({@code dh = D / heads}, as PyTorch's MultiheadAttention); per head
 * {@code A = softmax_row(Q_h K_h^T / sqrt(dh) + M)}, {@code O_h = A V_h}; {@code y = O Wo^T + bo}. With
 * {@code causal}, {@code M} adds -1e9 above the diagonal (a step sees only itself and earlier steps), else 0.
 * Tensors {@code q_weight, k_weight, v_weight, o_weight [D, D]} ([out, in]) and {@code q_bias ... o_bias [D]}.
 */
public record Attention(Integer heads, Boolean causal) implements Layer {
    /** What the causal mask adds above the diagonal: finite, so no row is ever all minus infinity. */
    public static final double MASK = -1e9;

    public Attention {
        causal = causal != null && causal;
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.attention(this);
    }

    @Override
    public String type() {
        return "attention";
    }

    @Override
    public int[] outputShape(List<int[]> in) {
        int[] x = in.get(0);
        if (x.length != 2) {
            throw new LayerException(null, "needs a sequence [steps, features] but gets " + Arrays.toString(x));
        }
        int h = LayerException.positive(heads, "heads");
        if (x[1] % h != 0) {
            throw new LayerException("heads", "must divide the feature width " + x[1] + ", got " + h);
        }
        return x.clone();
    }

    @Override
    public List<Param> params(Shapes s) {
        int d = s.first()[1];
        return List.of(
                Param.trainable("q_weight", new int[] {d, d}, Param.Init.HE_UNIFORM),
                Param.trainable("q_bias", new int[] {d}, Param.Init.SMALL),
                Param.trainable("k_weight", new int[] {d, d}, Param.Init.HE_UNIFORM),
                Param.trainable("k_bias", new int[] {d}, Param.Init.SMALL),
                Param.trainable("v_weight", new int[] {d, d}, Param.Init.HE_UNIFORM),
                Param.trainable("v_bias", new int[] {d}, Param.Init.SMALL),
                Param.trainable("o_weight", new int[] {d, d}, Param.Init.HE_UNIFORM),
                Param.trainable("o_bias", new int[] {d}, Param.Init.SMALL));
    }

    @Override
    public long forwardFlops(Shapes s) {
        long t = s.first()[0];
        long d = s.first()[1];
        long h = heads;
        long projections = 4 * (2 * t * d * d + t * d);
        long scores = 2 * t * t * d + h * t * t + (causal ? h * t * t : 0);
        long softmax = 5 * h * t * t;
        long mix = 2 * t * t * d;
        return projections + scores + softmax + mix;
    }

    @Override
    public long backwardFlops(Shapes s, boolean inputGradient) {
        long t = s.first()[0];
        long d = s.first()[1];
        long h = heads;
        long matmuls = 4 * 2 * t * d * d + 2 * t * t * d + 2 * t * t * d;
        return 2 * matmuls + 4 * h * t * t + 4 * t * d;
    }

    /** {@code x [T, D]} times {@code w^T [D, D]} ({@code w} is [out, in]) plus {@code bias}, from offset {@code at}. */
    private static double[] project(double[] x, int at, int t, int d, double[] w, double[] bias) {
        double[] y = new double[t * d];
        for (int i = 0; i < t; i++) {
            for (int o = 0; o < d; o++) {
                double acc = bias[o];
                for (int k = 0; k < d; k++) {
                    acc += w[o * d + k] * x[at + i * d + k];
                }
                y[i * d + o] = acc;
            }
        }
        return y;
    }

    /**
     * Backward of {@link #project}: adds {@code dy^T x} into {@code gw}, the column sums of {@code dy} into
     * {@code gb}, and {@code dy w} into {@code dx} from offset {@code at} when {@code dx} is not null.
     */
    private static void projectBack(double[] x, int at, int t, int d, double[] w, double[] dy, double[] gw,
            double[] gb, double[] dx) {
        for (int i = 0; i < t; i++) {
            for (int o = 0; o < d; o++) {
                double g = dy[i * d + o];
                gb[o] += g;
                for (int k = 0; k < d; k++) {
                    gw[o * d + k] += g * x[at + i * d + k];
                    if (dx != null) {
                        dx[at + i * d + k] += g * w[o * d + k];
                    }
                }
            }
        }
    }

    /** One sample's forward pass, keeping the projections, the attention weights and the mixed values. */
    private final class Pass {
        final double[] q;
        final double[] k;
        final double[] v;
        /** Attention weights per head, {@code [heads, T, T]}. */
        final double[] a;
        /** The heads' outputs side by side, {@code [T, D]}, before the output projection. */
        final double[] mixed;

        Pass(double[] x, int at, int t, int d, Params p) {
            q = project(x, at, t, d, p.value("q_weight"), p.value("q_bias"));
            k = project(x, at, t, d, p.value("k_weight"), p.value("k_bias"));
            v = project(x, at, t, d, p.value("v_weight"), p.value("v_bias"));
            int dh = d / heads;
            double scale = 1 / Math.sqrt(dh);
            a = new double[heads * t * t];
            mixed = new double[t * d];
            for (int h = 0; h < heads; h++) {
                int c = h * dh;
                for (int i = 0; i < t; i++) {
                    int row = (h * t + i) * t;
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < t; j++) {
                        double acc = 0;
                        for (int e = 0; e < dh; e++) {
                            acc += q[i * d + c + e] * k[j * d + c + e];
                        }
                        double score = acc * scale + (causal && j > i ? MASK : 0);
                        a[row + j] = score;
                        max = Math.max(max, score);
                    }
                    double sum = 0;
                    for (int j = 0; j < t; j++) {
                        a[row + j] = Math.exp(a[row + j] - max);
                        sum += a[row + j];
                    }
                    for (int j = 0; j < t; j++) {
                        a[row + j] /= sum;
                    }
                    for (int e = 0; e < dh; e++) {
                        double acc = 0;
                        for (int j = 0; j < t; j++) {
                            acc += a[row + j] * v[j * d + c + e];
                        }
                        mixed[i * d + c + e] = acc;
                    }
                }
            }
        }
    }

    @Override
    public Tensor forward(Shapes s, List<Tensor> in, Params p) {
        Tensor x = in.get(0);
        int t = s.first()[0];
        int d = s.first()[1];
        Tensor y = Tensor.zeros(x.batch(), s.out());
        for (int b = 0; b < x.batch(); b++) {
            Pass pass = new Pass(x.data(), b * t * d, t, d, p);
            double[] out = project(pass.mixed, 0, t, d, p.value("o_weight"), p.value("o_bias"));
            System.arraycopy(out, 0, y.data(), b * t * d, t * d);
        }
        return y;
    }

    @Override
    public Tensor[] backward(Shapes s, List<Tensor> in, Tensor out, Tensor dOut, Params p, boolean[] needInput) {
        Tensor x = in.get(0);
        int t = s.first()[0];
        int d = s.first()[1];
        int dh = d / heads;
        double scale = 1 / Math.sqrt(dh);
        Tensor dx = needInput[0] ? Tensor.zeros(x.batch(), x.shape()) : null;
        double[] dy = new double[t * d];
        double[] da = new double[t];
        for (int b = 0; b < x.batch(); b++) {
            int at = b * t * d;
            Pass pass = new Pass(x.data(), at, t, d, p);
            System.arraycopy(dOut.data(), at, dy, 0, t * d);
            double[] dMixed = new double[t * d];
            projectBack(pass.mixed, 0, t, d, p.value("o_weight"), dy, p.gradient("o_weight"), p.gradient("o_bias"),
                    dMixed);
            double[] dq = new double[t * d];
            double[] dk = new double[t * d];
            double[] dv = new double[t * d];
            for (int h = 0; h < heads; h++) {
                int c = h * dh;
                for (int i = 0; i < t; i++) {
                    int row = (h * t + i) * t;
                    // through O_h = A V_h: dA = dO V^T, dV += A^T dO
                    double dot = 0;
                    for (int j = 0; j < t; j++) {
                        double acc = 0;
                        for (int e = 0; e < dh; e++) {
                            double g = dMixed[i * d + c + e];
                            acc += g * pass.v[j * d + c + e];
                            dv[j * d + c + e] += pass.a[row + j] * g;
                        }
                        da[j] = acc;
                        dot += acc * pass.a[row + j];
                    }
                    // through the row softmax, then the scaled scores Q K^T (the mask is a constant)
                    for (int j = 0; j < t; j++) {
                        double dScore = pass.a[row + j] * (da[j] - dot) * scale;
                        if (dScore == 0) {
                            continue;
                        }
                        for (int e = 0; e < dh; e++) {
                            dq[i * d + c + e] += dScore * pass.k[j * d + c + e];
                            dk[j * d + c + e] += dScore * pass.q[i * d + c + e];
                        }
                    }
                }
            }
            double[] dxs = dx == null ? null : dx.data();
            projectBack(x.data(), at, t, d, p.value("q_weight"), dq, p.gradient("q_weight"), p.gradient("q_bias"), dxs);
            projectBack(x.data(), at, t, d, p.value("k_weight"), dk, p.gradient("k_weight"), p.gradient("k_bias"), dxs);
            projectBack(x.data(), at, t, d, p.value("v_weight"), dv, p.gradient("v_weight"), p.gradient("v_bias"), dxs);
        }
        return new Tensor[] {dx};
    }
}
