package org.dlbench.core.workload.layer;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Arrays;
import java.util.List;

/**
 * DLRM's feature interaction: the inputs ({@code [F_a, d]} or {@code [d]} each) stacked in order into {@code z [F, d]},
 * then the dot product of every pair {@code z_i . z_j}, {@code i < j} ({@code i <= j} with {@code self}), in
 * row-major order (0,1), (0,2), ..., (1,2), ...: output {@code [P]}, {@code P = F(F-1)/2} (+F with self).
 */
public record Dot(@JsonProperty("self") Boolean self) implements Layer {
    public Dot {
        self = self != null && self;
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.dot(this);
    }

    @Override
    public String type() {
        return "dot";
    }

    @Override
    public int maxInputs() {
        return Integer.MAX_VALUE;
    }

    /** The vector length d of the inputs. */
    public static int width(List<int[]> in) {
        int[] x = in.get(0);
        return x[x.length - 1];
    }

    /** How many vectors the inputs hold together (F). */
    public static int vectors(List<int[]> in) {
        int f = 0;
        for (int[] x : in) {
            f += x.length == 2 ? x[0] : 1;
        }
        return f;
    }

    /** The pairs in output order, as {i, j}. */
    public int[][] pairs(int f) {
        int[][] out = new int[f * (f - 1) / 2 + (self ? f : 0)][];
        int k = 0;
        for (int i = 0; i < f; i++) {
            for (int j = self ? i : i + 1; j < f; j++) {
                out[k++] = new int[] {i, j};
            }
        }
        return out;
    }

    @Override
    public int[] outputShape(List<int[]> in) {
        int d = width(in);
        for (int[] x : in) {
            if ((x.length != 1 && x.length != 2) || x[x.length - 1] != d) {
                throw new LayerException("inputs", "needs vectors [d] or stacks [count, d] of one width d but gets "
                        + in.stream().map(Arrays::toString).toList());
            }
        }
        int f = vectors(in);
        int pairs = f * (f - 1) / 2 + (self ? f : 0);
        if (pairs == 0) {
            throw new LayerException("inputs", "needs at least two vectors (or self) but gets "
                    + in.stream().map(Arrays::toString).toList());
        }
        return new int[] {pairs};
    }

    @Override
    public long forwardFlops(Shapes s) {
        return 2L * s.out()[0] * width(s.in());
    }

    @Override
    public long backwardFlops(Shapes s, boolean inputGradient) {
        return inputGradient ? 4L * s.out()[0] * width(s.in()) : 0;
    }

    /** The batch's vectors stacked: [batch, F, d]. */
    private static double[] stack(Shapes s, List<Tensor> in, int batch) {
        int d = width(s.in());
        int f = vectors(s.in());
        double[] z = new double[batch * f * d];
        for (int b = 0; b < batch; b++) {
            int at = b * f * d;
            for (Tensor x : in) {
                int n = x.sampleSize();
                System.arraycopy(x.data(), b * n, z, at, n);
                at += n;
            }
        }
        return z;
    }

    @Override
    public Tensor forward(Shapes s, List<Tensor> in, Params p) {
        int batch = in.get(0).batch();
        int d = width(s.in());
        int f = vectors(s.in());
        double[] z = stack(s, in, batch);
        int[][] pairs = pairs(f);
        Tensor y = Tensor.zeros(batch, s.out());
        for (int b = 0; b < batch; b++) {
            for (int k = 0; k < pairs.length; k++) {
                double acc = 0;
                for (int e = 0; e < d; e++) {
                    acc += z[(b * f + pairs[k][0]) * d + e] * z[(b * f + pairs[k][1]) * d + e];
                }
                y.data()[b * pairs.length + k] = acc;
            }
        }
        return y;
    }

    @Override
    public Tensor[] backward(Shapes s, List<Tensor> in, Tensor out, Tensor dOut, Params p, boolean[] needInput) {
        int batch = dOut.batch();
        int d = width(s.in());
        int f = vectors(s.in());
        double[] z = stack(s, in, batch);
        double[] dz = new double[z.length];
        int[][] pairs = pairs(f);
        for (int b = 0; b < batch; b++) {
            for (int k = 0; k < pairs.length; k++) {
                double g = dOut.data()[b * pairs.length + k];
                int i = (b * f + pairs[k][0]) * d;
                int j = (b * f + pairs[k][1]) * d;
                for (int e = 0; e < d; e++) {
                    double zi = z[i + e];
                    double zj = z[j + e];
                    dz[i + e] += g * zj;
                    dz[j + e] += g * zi;
                }
            }
        }
        Tensor[] dx = new Tensor[in.size()];
        for (int b = 0; b < batch; b++) {
            int at = b * f * d;
            for (int k = 0; k < in.size(); k++) {
                int n = in.get(k).sampleSize();
                if (needInput[k]) {
                    if (dx[k] == null) {
                        dx[k] = Tensor.zeros(batch, s.in().get(k));
                    }
                    System.arraycopy(dz, at, dx[k].data(), b * n, n);
                }
                at += n;
            }
        }
        return dx;
    }
}
