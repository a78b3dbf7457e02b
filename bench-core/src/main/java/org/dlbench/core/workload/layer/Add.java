package org.dlbench.core.workload.layer;

import java.util.Arrays;
import java.util.List;

/** Element-wise sum of two or more inputs of the same shape (a residual join), then an optional activation. */
public record Add(Activation activation) implements Layer {
    public Add {
        activation = activation == null ? Activation.NONE : activation;
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.add(this);
    }

    @Override
    public String type() {
        return "add";
    }

    @Override
    public int minInputs() {
        return 2;
    }

    @Override
    public int maxInputs() {
        return Integer.MAX_VALUE;
    }

    @Override
    public int[] outputShape(List<int[]> in) {
        for (int[] x : in) {
            if (!Arrays.equals(x, in.get(0))) {
                throw new LayerException("inputs", "needs inputs of one shape but gets "
                        + in.stream().map(Arrays::toString).toList());
            }
        }
        return in.get(0).clone();
    }

    @Override
    public long forwardFlops(Shapes s) {
        long n = Tensor.size(s.out());
        return (s.in().size() - 1) * n + activation.flops(n);
    }

    @Override
    public long backwardFlops(Shapes s, boolean inputGradient) {
        return inputGradient ? activation.flops(Tensor.size(s.out())) : 0;
    }

    @Override
    public Tensor forward(Shapes s, List<Tensor> in, Params p) {
        Tensor y = Tensor.zeros(in.get(0).batch(), s.out());
        double[] out = y.data();
        for (Tensor x : in) {
            for (int i = 0; i < out.length; i++) {
                out[i] += x.data()[i];
            }
        }
        for (int i = 0; i < out.length; i++) {
            out[i] = p.activate(activation, i, out[i]);
        }
        return y;
    }

    @Override
    public Tensor[] backward(Shapes s, List<Tensor> in, Tensor out, Tensor dOut, Params p, boolean[] needInput) {
        Tensor dz = Tensor.zeros(dOut.batch(), s.out());
        for (int i = 0; i < dz.data().length; i++) {
            dz.data()[i] = dOut.data()[i] * p.activationDerivative(activation, i, out.data()[i]);
        }
        Tensor[] dx = new Tensor[in.size()];
        for (int i = 0; i < dx.length; i++) {
            dx[i] = needInput[i] ? dz : null; // read-only from here on: the graph sums, never writes into it
        }
        return dx;
    }
}
