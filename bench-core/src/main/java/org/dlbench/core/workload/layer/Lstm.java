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

    /**
     * One sample's pass through every layer, keeping what backward needs: per layer its input sequence, gate
     * activations {@code [T, 4H]} (i, f, g, o after their nonlinearity), cell states and hidden states {@code [T, H]}.
     */
    private final class Pass {
        final double[][] inputs;
        final double[][] gates;
        final double[][] cells;
        final double[][] hiddens;

        Pass(double[] x, int steps, int width, Params p) {
            int h = hidden;
            inputs = new double[layers][];
            gates = new double[layers][];
            cells = new double[layers][];
            hiddens = new double[layers][];
            double[] seq = x;
            int in = width;
            for (int l = 0; l < layers; l++) {
                double[] wih = p.value(role(l, "weight_ih"));
                double[] whh = p.value(role(l, "weight_hh"));
                double[] bias = p.value(role(l, "bias"));
                double[] gate = new double[steps * 4 * h];
                double[] c = new double[steps * h];
                double[] hs = new double[steps * h];
                for (int t = 0; t < steps; t++) {
                    for (int r = 0; r < 4 * h; r++) {
                        double a = bias[r];
                        for (int k = 0; k < in; k++) {
                            a += wih[r * in + k] * seq[t * in + k];
                        }
                        if (t > 0) {
                            for (int k = 0; k < h; k++) {
                                a += whh[r * h + k] * hs[(t - 1) * h + k];
                            }
                        }
                        gate[t * 4 * h + r] = r / h == 2 ? Math.tanh(a) : sigmoid(a);
                    }
                    for (int j = 0; j < h; j++) {
                        int gt = t * 4 * h;
                        double cPrev = t > 0 ? c[(t - 1) * h + j] : 0;
                        double cj = gate[gt + h + j] * cPrev + gate[gt + j] * gate[gt + 2 * h + j];
                        c[t * h + j] = cj;
                        hs[t * h + j] = gate[gt + 3 * h + j] * Math.tanh(cj);
                    }
                }
                inputs[l] = seq;
                gates[l] = gate;
                cells[l] = c;
                hiddens[l] = hs;
                seq = hs;
                in = h;
            }
        }

        /** The layer's output: the last layer's last hidden state, or all of them. */
        void output(double[] y, int offset, int steps) {
            double[] top = hiddens[layers - 1];
            if (sequence()) {
                System.arraycopy(top, 0, y, offset, steps * hidden);
            } else {
                System.arraycopy(top, (steps - 1) * hidden, y, offset, hidden);
            }
        }
    }

    private static double sigmoid(double a) {
        return 1 / (1 + Math.exp(-a));
    }

    @Override
    public Tensor forward(Shapes s, List<Tensor> in, Params p) {
        Tensor x = in.get(0);
        int steps = s.first()[0];
        int width = s.first()[1];
        Tensor y = Tensor.zeros(x.batch(), s.out());
        int sample = steps * width;
        for (int b = 0; b < x.batch(); b++) {
            double[] xs = Arrays.copyOfRange(x.data(), b * sample, (b + 1) * sample);
            new Pass(xs, steps, width, p).output(y.data(), b * y.sampleSize(), steps);
        }
        return y;
    }

    @Override
    public Tensor[] backward(Shapes s, List<Tensor> in, Tensor out, Tensor dOut, Params p, boolean[] needInput) {
        Tensor x = in.get(0);
        int steps = s.first()[0];
        int width = s.first()[1];
        int h = hidden;
        int sample = steps * width;
        Tensor dx = needInput[0] ? Tensor.zeros(x.batch(), x.shape()) : null;
        for (int b = 0; b < x.batch(); b++) {
            double[] xs = Arrays.copyOfRange(x.data(), b * sample, (b + 1) * sample);
            Pass pass = new Pass(xs, steps, width, p);
            // the loss gradient at the top layer's hidden states
            double[] dh = new double[steps * h];
            int o = b * dOut.sampleSize();
            if (sequence()) {
                System.arraycopy(dOut.data(), o, dh, 0, steps * h);
            } else {
                System.arraycopy(dOut.data(), o, dh, (steps - 1) * h, h);
            }
            for (int l = layers - 1; l >= 0; l--) {
                int inW = l == 0 ? width : h;
                boolean wantInput = l > 0 || dx != null;
                double[] wih = p.value(role(l, "weight_ih"));
                double[] whh = p.value(role(l, "weight_hh"));
                double[] gwih = p.gradient(role(l, "weight_ih"));
                double[] gwhh = p.gradient(role(l, "weight_hh"));
                double[] gbias = p.gradient(role(l, "bias"));
                double[] seq = pass.inputs[l];
                double[] gate = pass.gates[l];
                double[] c = pass.cells[l];
                double[] hs = pass.hiddens[l];
                double[] dIn = wantInput ? new double[steps * inW] : null;
                double[] dhNext = new double[h];
                double[] dcNext = new double[h];
                double[] da = new double[4 * h];
                for (int t = steps - 1; t >= 0; t--) {
                    int gt = t * 4 * h;
                    for (int j = 0; j < h; j++) {
                        double ig = gate[gt + j];
                        double fg = gate[gt + h + j];
                        double gg = gate[gt + 2 * h + j];
                        double og = gate[gt + 3 * h + j];
                        double tc = Math.tanh(c[t * h + j]);
                        double dhj = dh[t * h + j] + dhNext[j];
                        double dc = dcNext[j] + dhj * og * (1 - tc * tc);
                        double cPrev = t > 0 ? c[(t - 1) * h + j] : 0;
                        da[j] = dc * gg * ig * (1 - ig);
                        da[h + j] = dc * cPrev * fg * (1 - fg);
                        da[2 * h + j] = dc * ig * (1 - gg * gg);
                        da[3 * h + j] = dhj * tc * og * (1 - og);
                        dcNext[j] = dc * fg;
                    }
                    Arrays.fill(dhNext, 0);
                    for (int r = 0; r < 4 * h; r++) {
                        double d = da[r];
                        gbias[r] += d;
                        for (int k = 0; k < inW; k++) {
                            gwih[r * inW + k] += d * seq[t * inW + k];
                            if (dIn != null) {
                                dIn[t * inW + k] += d * wih[r * inW + k];
                            }
                        }
                        if (t > 0) {
                            for (int k = 0; k < h; k++) {
                                gwhh[r * h + k] += d * hs[(t - 1) * h + k];
                                dhNext[k] += d * whh[r * h + k];
                            }
                        }
                    }
                }
                if (l > 0) {
                    dh = dIn;
                } else if (dx != null) {
                    System.arraycopy(dIn, 0, dx.data(), b * sample, sample);
                }
            }
        }
        return new Tensor[] {dx};
    }
}
