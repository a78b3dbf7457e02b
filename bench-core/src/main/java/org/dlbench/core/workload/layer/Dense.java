package org.dlbench.core.workload.layer;

import java.util.List;

/**
 * Fully connected layer: {@code y = act(x W^T + b)}; weight [units, in] (PyTorch's layout), bias [units]. Takes a flat
 * input {@code [in]}, or a sequence {@code [T, in]}, applied to each step alike ({@code [T, units]} out).
 */
public record Dense(Integer units, Activation activation) implements Layer {
    public Dense {
        activation = activation == null ? Activation.NONE : activation;
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.dense(this);
    }

    @Override
    public String type() {
        return "dense";
    }

    @Override
    public int[] outputShape(List<int[]> in) {
        int[] x = in.get(0);
        if (x.length != 1 && x.length != 2) {
            throw new LayerException(null, "needs a flat input (or a sequence [steps, features]) but gets "
                    + java.util.Arrays.toString(x) + "; put a flatten or globalavgpool layer before it");
        }
        int u = LayerException.positive(units, "units");
        return x.length == 2 ? new int[] {x[0], u} : new int[] {u};
    }

    /** True when the layer is applied to each step of a sequence {@code [T, in]}. */
    public static boolean onSequence(Shapes s) {
        return s.first().length == 2;
    }

    /** The input width (the last dimension). */
    private static int width(Shapes s) {
        return s.first()[s.first().length - 1];
    }

    /** How many rows the layer is applied to per sample (T on a sequence, else 1). */
    private static int steps(Shapes s) {
        return s.first().length == 2 ? s.first()[0] : 1;
    }

    @Override
    public List<Param> params(Shapes s) {
        return List.of(Param.trainable("weight", new int[] {units, width(s)}, Param.Init.HE_UNIFORM),
                Param.trainable("bias", new int[] {units}, Param.Init.SMALL));
    }

    @Override
    public long forwardFlops(Shapes s) {
        long n = width(s);
        long m = units;
        return steps(s) * (2 * n * m + m + activation.flops(m));
    }

    @Override
    public long backwardFlops(Shapes s, boolean inputGradient) {
        long n = width(s);
        long m = units;
        return steps(s) * (2 * n * m + m + activation.flops(m) + (inputGradient ? 2 * n * m : 0));
    }

    @Override
    public Tensor forward(Shapes s, List<Tensor> in, Params p) {
        Tensor x = in.get(0);
        double[] w = p.value("weight");
        double[] bias = p.value("bias");
        int n = width(s);
        Tensor y = Tensor.zeros(x.batch(), s.out());
        for (int b = 0; b < x.batch() * steps(s); b++) {
            for (int o = 0; o < units; o++) {
                double acc = bias[o];
                for (int i = 0; i < n; i++) {
                    acc += w[o * n + i] * x.data()[b * n + i];
                }
                y.data()[b * units + o] = p.activate(activation, b * units + o, acc);
            }
        }
        return y;
    }

    @Override
    public Tensor[] backward(Shapes s, List<Tensor> in, Tensor out, Tensor dOut, Params p, boolean[] needInput) {
        Tensor x = in.get(0);
        double[] w = p.value("weight");
        double[] gw = p.gradient("weight");
        double[] gb = p.gradient("bias");
        int n = width(s);
        Tensor dx = needInput[0] ? Tensor.zeros(x.batch(), x.shape()) : null;
        for (int b = 0; b < x.batch() * steps(s); b++) {
            for (int o = 0; o < units; o++) {
                int yi = b * units + o;
                double dz = dOut.data()[yi] * p.activationDerivative(activation, yi, out.data()[yi]);
                if (dz == 0) {
                    continue;
                }
                gb[o] += dz;
                for (int i = 0; i < n; i++) {
                    gw[o * n + i] += dz * x.data()[b * n + i];
                    if (dx != null) {
                        dx.data()[b * n + i] += w[o * n + i] * dz;
                    }
                }
            }
        }
        return new Tensor[] {dx};
    }
}
