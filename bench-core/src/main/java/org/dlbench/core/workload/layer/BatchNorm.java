package org.dlbench.core.workload.layer;

import java.util.List;

/**
 * Batch normalisation over the channels of CHW input (statistics over batch, height and width) or the features of a
 * flat input (statistics over the batch), then an optional activation. Tensors, each [channels]: {@code gamma}
 * (scale), {@code beta} (shift), and the state {@code running_mean} and {@code running_var}.
 *
 * <p>Inference: {@code y = gamma * (x - running_mean) / sqrt(running_var + epsilon) + beta}. Training: the same with
 * the batch's mean and biased variance, and the running statistics move towards the batch's:
 * {@code running = (1 - momentum) * running + momentum * batch}, with the unbiased batch variance for
 * {@code running_var} (PyTorch's convention; {@code momentum} is the weight of the new batch, default 0.1, so DJL's and
 * DL4J's "decay" is {@code 1 - momentum}). The training check compares trainable tensors only; the running statistics
 * are state whose update conventions differ between engines.
 */
public record BatchNorm(Double epsilon, Double momentum, Activation activation) implements Layer {
    public BatchNorm {
        epsilon = epsilon == null ? 1e-5 : epsilon;
        momentum = momentum == null ? 0.1 : momentum;
        activation = activation == null ? Activation.NONE : activation;
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.batchNorm(this);
    }

    @Override
    public String type() {
        return "batchnorm";
    }

    @Override
    public int[] outputShape(List<int[]> in) {
        int[] x = in.get(0);
        if (x.length != 1 && x.length != 3) {
            throw new LayerException(null, "needs a [features] or [channels, height, width] input but gets "
                    + java.util.Arrays.toString(x));
        }
        if (!(epsilon > 0)) {
            throw new LayerException("epsilon", "must be positive, got " + epsilon);
        }
        if (!(momentum > 0 && momentum <= 1)) {
            throw new LayerException("momentum", "must be in (0, 1], got " + momentum);
        }
        return x.clone();
    }

    /** The channels (or features) normalised. */
    public static int channels(int[] in) {
        return in[0];
    }

    /** Values per channel per sample (height x width, or 1 for flat input). */
    static int area(int[] in) {
        return in.length == 3 ? in[1] * in[2] : 1;
    }

    @Override
    public List<Param> params(Shapes s) {
        int[] c = {channels(s.first())};
        return List.of(Param.trainable("gamma", c, Param.Init.NEAR_ONE),
                Param.trainable("beta", c, Param.Init.SMALL),
                Param.state("running_mean", c, Param.Init.NEAR_ZERO),
                Param.state("running_var", c, Param.Init.POSITIVE));
    }

    @Override
    public long forwardFlops(Shapes s) {
        long n = Tensor.size(s.out());
        return 2 * n + activation.flops(n); // scale and shift (inference folds the statistics into them)
    }

    @Override
    public long backwardFlops(Shapes s, boolean inputGradient) {
        long n = Tensor.size(s.out());
        return 4 * n + activation.flops(n) + (inputGradient ? 4 * n : 0);
    }

    @Override
    public Tensor forward(Shapes s, List<Tensor> in, Params p) {
        Tensor x = in.get(0);
        int ch = channels(s.first());
        int area = area(s.first());
        double[] gamma = p.value("gamma");
        double[] beta = p.value("beta");
        double[] mean;
        double[] var;
        if (p.training()) {
            mean = new double[ch];
            var = new double[ch];
            statistics(x, ch, area, mean, var);
            double[] runningMean = p.value("running_mean");
            double[] runningVar = p.value("running_var");
            long n = (long) x.batch() * area;
            for (int c = 0; c < ch; c++) {
                double unbiased = n > 1 ? var[c] * n / (n - 1) : var[c];
                runningMean[c] = (1 - momentum) * runningMean[c] + momentum * mean[c];
                runningVar[c] = (1 - momentum) * runningVar[c] + momentum * unbiased;
            }
        } else {
            mean = p.value("running_mean");
            var = p.value("running_var");
        }
        Tensor y = Tensor.zeros(x.batch(), s.out());
        for (int b = 0; b < x.batch(); b++) {
            for (int c = 0; c < ch; c++) {
                double inv = 1.0 / Math.sqrt(var[c] + epsilon);
                int base = (b * ch + c) * area;
                for (int i = 0; i < area; i++) {
                    double xhat = (x.data()[base + i] - mean[c]) * inv;
                    y.data()[base + i] = p.activate(activation, base + i, gamma[c] * xhat + beta[c]);
                }
            }
        }
        return y;
    }

    /** Per-channel mean and biased variance over batch and area, in two passes. */
    private static void statistics(Tensor x, int ch, int area, double[] mean, double[] var) {
        long n = (long) x.batch() * area;
        for (int b = 0; b < x.batch(); b++) {
            for (int c = 0; c < ch; c++) {
                int base = (b * ch + c) * area;
                for (int i = 0; i < area; i++) {
                    mean[c] += x.data()[base + i];
                }
            }
        }
        for (int c = 0; c < ch; c++) {
            mean[c] /= n;
        }
        for (int b = 0; b < x.batch(); b++) {
            for (int c = 0; c < ch; c++) {
                int base = (b * ch + c) * area;
                for (int i = 0; i < area; i++) {
                    double d = x.data()[base + i] - mean[c];
                    var[c] += d * d;
                }
            }
        }
        for (int c = 0; c < ch; c++) {
            var[c] /= n;
        }
    }

    @Override
    public Tensor[] backward(Shapes s, List<Tensor> in, Tensor out, Tensor dOut, Params p, boolean[] needInput) {
        Tensor x = in.get(0);
        int ch = channels(s.first());
        int area = area(s.first());
        double[] gamma = p.value("gamma");
        double[] gGamma = p.gradient("gamma");
        double[] gBeta = p.gradient("beta");
        double[] mean = new double[ch];
        double[] var = new double[ch];
        if (p.training()) {
            statistics(x, ch, area, mean, var);
        } else {
            System.arraycopy(p.value("running_mean"), 0, mean, 0, ch);
            System.arraycopy(p.value("running_var"), 0, var, 0, ch);
        }
        long n = (long) x.batch() * area;
        double[] sumDz = new double[ch];
        double[] sumDzXhat = new double[ch];
        double[] dz = new double[dOut.data().length];
        for (int b = 0; b < x.batch(); b++) {
            for (int c = 0; c < ch; c++) {
                double inv = 1.0 / Math.sqrt(var[c] + epsilon);
                int base = (b * ch + c) * area;
                for (int i = 0; i < area; i++) {
                    int k = base + i;
                    dz[k] = dOut.data()[k] * p.activationDerivative(activation, k, out.data()[k]);
                    double xhat = (x.data()[k] - mean[c]) * inv;
                    sumDz[c] += dz[k];
                    sumDzXhat[c] += dz[k] * xhat;
                }
            }
        }
        for (int c = 0; c < ch; c++) {
            gGamma[c] += sumDzXhat[c];
            gBeta[c] += sumDz[c];
        }
        if (!needInput[0]) {
            return new Tensor[] {null};
        }
        Tensor dx = Tensor.zeros(x.batch(), x.shape());
        for (int b = 0; b < x.batch(); b++) {
            for (int c = 0; c < ch; c++) {
                double inv = 1.0 / Math.sqrt(var[c] + epsilon);
                int base = (b * ch + c) * area;
                for (int i = 0; i < area; i++) {
                    int k = base + i;
                    if (p.training()) {
                        double xhat = (x.data()[k] - mean[c]) * inv;
                        dx.data()[k] = gamma[c] * inv * (dz[k] - sumDz[c] / n - xhat * sumDzXhat[c] / n);
                    } else {
                        dx.data()[k] = gamma[c] * inv * dz[k];
                    }
                }
            }
        }
        return new Tensor[] {dx};
    }
}
