package org.dlbench.core.workload.layer;

import java.util.Arrays;
import java.util.List;

/**
 * Square pooling windows without padding, floor rounding, shared by {@link MaxPool2d} and {@link AvgPool2d}; also the
 * image-shape helpers of the spatial layers.
 */
final class Pooling {
    private Pooling() {
    }

    static int[] needImage(int[] x) {
        if (x.length != 3) {
            throw new LayerException(null, "needs a [channels, height, width] input but gets " + Arrays.toString(x));
        }
        return x;
    }

    static int outSize(int size, int kernel, int stride, int padding) {
        long span = size + 2L * padding - kernel;
        if (span < 0) {
            throw new LayerException("kernel", kernel + " is larger than its input " + size
                    + (padding > 0 ? " plus padding " + padding : "") + " (impossible shape)");
        }
        long out = span / stride + 1;
        if (out > Integer.MAX_VALUE) {
            throw new LayerException("padding", padding + " makes an output larger than dlbench allows");
        }
        return (int) out;
    }

    static int[] outputShape(List<int[]> in, Integer kernel, Integer stride) {
        int[] x = needImage(in.get(0));
        LayerException.positive(kernel, "kernel");
        LayerException.positive(stride, "stride");
        return new int[] {x[0], outSize(x[1], kernel, stride, 0), outSize(x[2], kernel, stride, 0)};
    }

    static long flops(Shapes s, int kernel) {
        return (long) Tensor.size(s.out()) * kernel * kernel;
    }

    static Tensor forward(Shapes s, Tensor x, int k, int stride, boolean max) {
        int ch = s.first()[0];
        int h = s.first()[1];
        int wd = s.first()[2];
        int oh = s.out()[1];
        int ow = s.out()[2];
        Tensor y = Tensor.zeros(x.batch(), s.out());
        for (int b = 0; b < x.batch(); b++) {
            int xb = b * x.sampleSize();
            int yb = b * y.sampleSize();
            for (int c = 0; c < ch; c++) {
                for (int oy = 0; oy < oh; oy++) {
                    for (int ox = 0; ox < ow; ox++) {
                        double acc = max ? Double.NEGATIVE_INFINITY : 0;
                        for (int ky = 0; ky < k; ky++) {
                            for (int kx = 0; kx < k; kx++) {
                                double v = x.data()[xb + (c * h + oy * stride + ky) * wd + ox * stride + kx];
                                acc = max ? Math.max(acc, v) : acc + v;
                            }
                        }
                        y.data()[yb + (c * oh + oy) * ow + ox] = max ? acc : acc / (k * k);
                    }
                }
            }
        }
        return y;
    }

    /**
     * Max pooling sends a window's gradient to the first maximum in row-major window order (top row first, then left to
     * right); tied inputs get nothing. Overlapping windows add into the inputs they share; average pooling divides by
     * kernel x kernel (no padding, so every window is full).
     */
    static Tensor backward(Shapes s, Tensor x, Tensor dOut, int k, int stride, boolean max) {
        int ch = s.first()[0];
        int h = s.first()[1];
        int wd = s.first()[2];
        int oh = s.out()[1];
        int ow = s.out()[2];
        Tensor dx = Tensor.zeros(x.batch(), x.shape());
        for (int b = 0; b < x.batch(); b++) {
            int xb = b * x.sampleSize();
            int yb = b * dOut.sampleSize();
            for (int c = 0; c < ch; c++) {
                for (int oy = 0; oy < oh; oy++) {
                    for (int ox = 0; ox < ow; ox++) {
                        double g = dOut.data()[yb + (c * oh + oy) * ow + ox];
                        if (max) {
                            int best = -1;
                            for (int ky = 0; ky < k; ky++) {
                                for (int kx = 0; kx < k; kx++) {
                                    int xi = xb + (c * h + oy * stride + ky) * wd + ox * stride + kx;
                                    if (best < 0 || x.data()[xi] > x.data()[best]) {
                                        best = xi;
                                    }
                                }
                            }
                            dx.data()[best] += g;
                        } else {
                            double share = g / (k * k);
                            for (int ky = 0; ky < k; ky++) {
                                for (int kx = 0; kx < k; kx++) {
                                    dx.data()[xb + (c * h + oy * stride + ky) * wd + ox * stride + kx] += share;
                                }
                            }
                        }
                    }
                }
            }
        }
        return dx;
    }
}
