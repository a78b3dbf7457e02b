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

    @Override
    public Tensor forward(Shapes s, List<Tensor> in, Params p) {
        throw new UnsupportedOperationException("attention reference forward: not written yet");
    }

    @Override
    public Tensor[] backward(Shapes s, List<Tensor> in, Tensor out, Tensor dOut, Params p, boolean[] needInput) {
        throw new UnsupportedOperationException("attention reference backward: not written yet");
    }
}
