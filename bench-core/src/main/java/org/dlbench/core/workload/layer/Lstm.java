package org.dlbench.core.workload.layer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Long short-term memory over a sequence {@code [T, I]}, {@code layers} stacked (each reads the one before's hidden
 * states), zero initial state; output the last hidden state {@code [hidden]} ({@code output: last}) or every one
 * {@code [T, hidden]} ({@code sequence}). Per layer {@code l}: {@code l<l>_weight_ih [4H, I_l]},
 * {@code l<l>_weight_hh [4H, H]}, one {@code l<l>_bias [4H]}, row blocks in gate order i, f, g, o (PyTorch's):
 * {@code a = W_ih x_t + W_hh h_{t-1} + b}; {@code i = s(a_i), f = s(a_f), g = tanh(a_g), o = s(a_o)};
 * {@code c_t = f c_{t-1} + i g}; {@code h_t = o tanh(c_t)}. One bias, not PyTorch's two: two biases move twice as
 * fast under SGD as one, so engines with two get the second set to zero and frozen.
 */
public record Lstm(Integer hidden, Integer layers, String output) implements Layer {
    public Lstm {
        layers = layers == null ? 1 : layers;
        output = output == null ? "last" : output;
    }

    /** True for {@code output: sequence}. */
    public boolean sequence() {
        return "sequence".equals(output);
    }

    /** The role of a layer's tensor: {@code l0_weight_ih}, {@code l0_weight_hh}, {@code l0_bias}. */
    public static String role(int layer, String tensor) {
        return "l" + layer + "_" + tensor;
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.lstm(this);
    }

    @Override
    public String type() {
        return "lstm";
    }

    @Override
    public int[] outputShape(List<int[]> in) {
        int[] x = in.get(0);
        if (x.length != 2) {
            throw new LayerException(null, "needs a sequence [steps, features] but gets " + Arrays.toString(x));
        }
        int h = LayerException.positive(hidden, "hidden");
        LayerException.positive(layers, "layers");
        if (!output.equals("last") && !output.equals("sequence")) {
            throw new LayerException("output", "must be 'last' or 'sequence', got '" + output + "'");
        }
        return sequence() ? new int[] {x[0], h} : new int[] {h};
    }

    @Override
    public List<Param> params(Shapes s) {
        List<Param> out = new ArrayList<>();
        for (int l = 0; l < layers; l++) {
            int in = l == 0 ? s.first()[1] : hidden;
            out.add(Param.trainable(role(l, "weight_ih"), new int[] {4 * hidden, in}, Param.Init.HE_UNIFORM));
            out.add(Param.trainable(role(l, "weight_hh"), new int[] {4 * hidden, hidden}, Param.Init.HE_UNIFORM));
            out.add(Param.trainable(role(l, "bias"), new int[] {4 * hidden}, Param.Init.SMALL));
        }
        return out;
    }

    @Override
    public long forwardFlops(Shapes s) {
        long t = s.first()[0];
        long h = hidden;
        long flops = 0;
        for (int l = 0; l < layers; l++) {
            long in = l == 0 ? s.first()[1] : hidden;
            flops += t * (8 * h * (in + h) + 13 * h);
        }
        return flops;
    }

    @Override
    public long backwardFlops(Shapes s, boolean inputGradient) {
        long t = s.first()[0];
        long h = hidden;
        long flops = 0;
        for (int l = 0; l < layers; l++) {
            long in = l == 0 ? s.first()[1] : hidden;
            flops += t * (8 * h * (in + h) + 20 * h) + (l > 0 || inputGradient ? t * 8 * h * in : 0);
        }
        return flops;
    }

    @Override
    public Tensor forward(Shapes s, List<Tensor> in, Params p) {
        throw new UnsupportedOperationException("lstm reference forward: not written yet");
    }

    @Override
    public Tensor[] backward(Shapes s, List<Tensor> in, Tensor out, Tensor dOut, Params p, boolean[] needInput) {
        throw new UnsupportedOperationException("lstm reference backward: not written yet");
    }
}
