package org.dlbench.core.workload.layer;

import java.util.List;

/**
 * 2-D convolution over CHW input with square kernel, stride and zero padding, and optional groups: weight
 * [filters, in_channels / groups, kernel, kernel] (PyTorch's layout), bias [filters]. Output channel {@code f} sees
 * the input channels of its group, {@code g = f / (filters / groups)}. {@code groups} equal to the input channels and
 * to {@code filters} is a depthwise convolution.
 */
public record Conv2d(Integer filters, Integer kernel, Integer stride, Integer padding, Integer groups,
                     Activation activation) implements Layer {
    public Conv2d {
        stride = stride == null ? 1 : stride;
        padding = padding == null ? 0 : padding;
        groups = groups == null ? 1 : groups;
        activation = activation == null ? Activation.NONE : activation;
    }

    /** An ungrouped convolution. */
    public Conv2d(Integer filters, Integer kernel, Integer stride, Integer padding, Activation activation) {
        this(filters, kernel, stride, padding, 1, activation);
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.conv2d(this);
    }

    @Override
    public String type() {
        return "conv2d";
    }

    @Override
    public int[] outputShape(List<int[]> in) {
        int[] x = Pooling.needImage(in.get(0));
        LayerException.positive(filters, "filters");
        LayerException.positive(kernel, "kernel");
        LayerException.positive(stride, "stride");
        LayerException.positive(groups, "groups");
        if (padding < 0) {
            throw new LayerException("padding", "must be 0 or more, got " + padding);
        }
        if (x[0] % groups != 0 || filters % groups != 0) {
            throw new LayerException("groups", groups + " must divide both the input channels ("
                    + x[0] + ") and filters (" + filters + ")");
        }
        return new int[] {filters, Pooling.outSize(x[1], kernel, stride, padding),
            Pooling.outSize(x[2], kernel, stride, padding)};
    }

    @Override
    public List<Param> params(Shapes s) {
        return List.of(Param.trainable("weight", new int[] {filters, s.first()[0] / groups, kernel, kernel},
                        Param.Init.HE_UNIFORM),
                Param.trainable("bias", new int[] {filters}, Param.Init.SMALL));
    }

    private long macs(Shapes s) {
        return (long) Tensor.size(s.out()) * (s.first()[0] / groups) * kernel * kernel;
    }

    @Override
    public long forwardFlops(Shapes s) {
        long outputs = Tensor.size(s.out());
        return 2 * macs(s) + outputs + activation.flops(outputs);
    }

    @Override
    public long backwardFlops(Shapes s, boolean inputGradient) {
        long outputs = Tensor.size(s.out());
        return 2 * macs(s) + outputs + activation.flops(outputs) + (inputGradient ? 2 * macs(s) : 0);
    }

    @Override
    public Tensor forward(Shapes s, List<Tensor> in, Params p) {
        Tensor x = in.get(0);
        double[] w = p.value("weight");
        double[] bias = p.value("bias");
        Geometry g = new Geometry(s);
        Tensor y = Tensor.zeros(x.batch(), s.out());
        for (int b = 0; b < x.batch(); b++) {
            int xb = b * x.sampleSize();
            int yb = b * y.sampleSize();
            for (int f = 0; f < filters; f++) {
                int firstChannel = (f / g.filtersPerGroup) * g.cpg;
                for (int oy = 0; oy < g.oh; oy++) {
                    for (int ox = 0; ox < g.ow; ox++) {
                        double acc = bias[f];
                        for (int c = 0; c < g.cpg; c++) {
                            for (int ky = 0; ky < kernel; ky++) {
                                int iy = oy * stride - padding + ky;
                                if (iy < 0 || iy >= g.h) {
                                    continue;
                                }
                                for (int kx = 0; kx < kernel; kx++) {
                                    int ix = ox * stride - padding + kx;
                                    if (ix < 0 || ix >= g.w) {
                                        continue;
                                    }
                                    acc += w[((f * g.cpg + c) * kernel + ky) * kernel + kx]
                                            * x.data()[xb + ((firstChannel + c) * g.h + iy) * g.w + ix];
                                }
                            }
                        }
                        int o = yb + (f * g.oh + oy) * g.ow + ox;
                        y.data()[o] = p.activate(activation, o, acc);
                    }
                }
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
        Geometry g = new Geometry(s);
        Tensor dx = needInput[0] ? Tensor.zeros(x.batch(), x.shape()) : null;
        for (int b = 0; b < x.batch(); b++) {
            int xb = b * x.sampleSize();
            int yb = b * out.sampleSize();
            for (int f = 0; f < filters; f++) {
                int firstChannel = (f / g.filtersPerGroup) * g.cpg;
                for (int oy = 0; oy < g.oh; oy++) {
                    for (int ox = 0; ox < g.ow; ox++) {
                        int o = yb + (f * g.oh + oy) * g.ow + ox;
                        double dz = dOut.data()[o] * p.activationDerivative(activation, o, out.data()[o]);
                        if (dz == 0) {
                            continue;
                        }
                        gb[f] += dz;
                        for (int c = 0; c < g.cpg; c++) {
                            for (int ky = 0; ky < kernel; ky++) {
                                int iy = oy * stride - padding + ky;
                                if (iy < 0 || iy >= g.h) {
                                    continue; // zero padding: no input, no gradient
                                }
                                for (int kx = 0; kx < kernel; kx++) {
                                    int ix = ox * stride - padding + kx;
                                    if (ix < 0 || ix >= g.w) {
                                        continue;
                                    }
                                    int wi = ((f * g.cpg + c) * kernel + ky) * kernel + kx;
                                    int xi = xb + ((firstChannel + c) * g.h + iy) * g.w + ix;
                                    gw[wi] += dz * x.data()[xi];
                                    if (dx != null) {
                                        dx.data()[xi] += w[wi] * dz;
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return new Tensor[] {dx};
    }

    /** Sizes the loops need. */
    private final class Geometry {
        final int cpg;
        final int filtersPerGroup;
        final int h;
        final int w;
        final int oh;
        final int ow;

        Geometry(Shapes s) {
            int[] x = s.first();
            cpg = x[0] / groups;
            filtersPerGroup = filters / groups;
            h = x[1];
            w = x[2];
            oh = s.out()[1];
            ow = s.out()[2];
        }
    }

    @Override
    public String toString() {
        return "Conv2d[filters=" + filters + ", kernel=" + kernel + ", stride=" + stride + ", padding=" + padding
                + (groups == 1 ? "" : ", groups=" + groups) + ", activation=" + activation + "]";
    }
}
