package org.dlbench.core.workload.layer;

import java.util.List;

/**
 * GELU in its exact (erf) form, {@code y = x * Phi(x)} with {@code Phi(x) = (1 + erf(x / sqrt 2)) / 2}: BERT's
 * definition and the default of PyTorch, MXNet and Paddle (not the tanh approximation, and not DL4J's sigmoid forms).
 * A layer rather than an {@link Activation} because its derivative cannot be read from its output.
 */
public record Gelu() implements Layer {
    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.gelu(this);
    }

    @Override
    public String type() {
        return "gelu";
    }

    @Override
    public int[] outputShape(List<int[]> in) {
        return in.get(0).clone();
    }

    /** Phi(x), the standard normal distribution function. */
    public static double phi(double x) {
        return 0.5 * (1 + Erf.erf(x / Math.sqrt(2)));
    }

    @Override
    public long forwardFlops(Shapes s) {
        return Tensor.size(s.first());
    }

    @Override
    public long backwardFlops(Shapes s, boolean inputGradient) {
        return inputGradient ? 3L * Tensor.size(s.first()) : 0;
    }

    @Override
    public Tensor forward(Shapes s, List<Tensor> in, Params p) {
        Tensor x = in.get(0);
        Tensor y = Tensor.zeros(x.batch(), s.out());
        for (int i = 0; i < y.data().length; i++) {
            double v = x.data()[i];
            y.data()[i] = v * phi(v);
        }
        return y;
    }

    @Override
    public Tensor[] backward(Shapes s, List<Tensor> in, Tensor out, Tensor dOut, Params p, boolean[] needInput) {
        if (!needInput[0]) {
            return new Tensor[] {null};
        }
        Tensor x = in.get(0);
        Tensor dx = Tensor.zeros(x.batch(), x.shape());
        for (int i = 0; i < dx.data().length; i++) {
            double v = x.data()[i];
            dx.data()[i] = dOut.data()[i] * (phi(v) + v * Math.exp(-v * v / 2) / Math.sqrt(2 * Math.PI));
        }
        return new Tensor[] {dx};
    }
}
