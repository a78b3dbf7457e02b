package org.dlbench.core.workload.layer;

import java.util.List;

/**
 * Layer normalisation over the last axis: per row of {@code D} values, {@code y = gamma (x - mean) / sqrt(var + eps)
 * + beta} with the biased variance; {@code gamma [D]}, {@code beta [D]}.
 */
public record LayerNorm(Double epsilon) implements Layer {
    public LayerNorm {
        epsilon = epsilon == null ? 1e-5 : epsilon;
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.layerNorm(this);
    }

    @Override
    public String type() {
        return "layernorm";
    }

    @Override
    public int[] outputShape(List<int[]> in) {
        if (!(epsilon > 0) || Double.isInfinite(epsilon)) {
            throw new LayerException("epsilon", "must be a positive number, got " + epsilon);
        }
        return in.get(0).clone();
    }

    private static int width(Shapes s) {
        return s.first()[s.first().length - 1];
    }

    @Override
    public List<Param> params(Shapes s) {
        return List.of(Param.trainable("gamma", new int[] {width(s)}, Param.Init.NEAR_ONE),
                Param.trainable("beta", new int[] {width(s)}, Param.Init.SMALL));
    }

    @Override
    public long forwardFlops(Shapes s) {
        return 7L * Tensor.size(s.first());
    }

    @Override
    public long backwardFlops(Shapes s, boolean inputGradient) {
        return (inputGradient ? 9L : 2L) * Tensor.size(s.first());
    }

    @Override
    public Tensor forward(Shapes s, List<Tensor> in, Params p) {
        Tensor x = in.get(0);
        int d = width(s);
        int rows = x.data().length / d;
        double[] gamma = p.value("gamma");
        double[] beta = p.value("beta");
        Tensor y = Tensor.zeros(x.batch(), s.out());
        for (int r = 0; r < rows; r++) {
            double mu = 0;
            for (int i = 0; i < d; i++) {
                mu += x.data()[r * d + i];
            }
            mu /= d;
            double var = 0;
            for (int i = 0; i < d; i++) {
                double c = x.data()[r * d + i] - mu;
                var += c * c;
            }
            double inv = 1 / Math.sqrt(var / d + epsilon);
            for (int i = 0; i < d; i++) {
                y.data()[r * d + i] = gamma[i] * (x.data()[r * d + i] - mu) * inv + beta[i];
            }
        }
        return y;
    }

    @Override
    public Tensor[] backward(Shapes s, List<Tensor> in, Tensor out, Tensor dOut, Params p, boolean[] needInput) {
        Tensor x = in.get(0);
        int d = width(s);
        int rows = x.data().length / d;
        double[] gamma = p.value("gamma");
        double[] gg = p.gradient("gamma");
        double[] gb = p.gradient("beta");
        Tensor dx = needInput[0] ? Tensor.zeros(x.batch(), x.shape()) : null;
        double[] xh = new double[d];
        double[] g = new double[d];
        for (int r = 0; r < rows; r++) {
            double mu = 0;
            for (int i = 0; i < d; i++) {
                mu += x.data()[r * d + i];
            }
            mu /= d;
            double var = 0;
            for (int i = 0; i < d; i++) {
                double c = x.data()[r * d + i] - mu;
                var += c * c;
            }
            double inv = 1 / Math.sqrt(var / d + epsilon);
            double meanG = 0;
            double meanGx = 0;
            for (int i = 0; i < d; i++) {
                double dy = dOut.data()[r * d + i];
                xh[i] = (x.data()[r * d + i] - mu) * inv;
                gg[i] += dy * xh[i];
                gb[i] += dy;
                g[i] = dy * gamma[i];
                meanG += g[i];
                meanGx += g[i] * xh[i];
            }
            if (dx != null) {
                meanG /= d;
                meanGx /= d;
                for (int i = 0; i < d; i++) {
                    dx.data()[r * d + i] = inv * (g[i] - meanG - xh[i] * meanGx);
                }
            }
        }
        return new Tensor[] {dx};
    }
}
