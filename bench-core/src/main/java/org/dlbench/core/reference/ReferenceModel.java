package org.dlbench.core.reference;

import org.dlbench.core.data.Weights;
import org.dlbench.core.workload.Layer;
import org.dlbench.core.workload.Stage;
import org.dlbench.core.workload.Workload;

/** The reference forward pass: logits [batch, classes] from features [batch, input...], in double accumulation. */
public final class ReferenceModel {
    private final Workload workload;
    private final Weights weights;

    public ReferenceModel(Workload workload, Weights weights) {
        this.workload = workload;
        this.weights = weights;
    }

    public float[] forward(float[] features, int batch) {
        int inSize = workload.inputSize();
        if (features.length != batch * inSize) {
            throw new IllegalArgumentException("expected " + batch * inSize + " features, got " + features.length);
        }
        float[] out = new float[batch * workload.classes()];
        for (int b = 0; b < batch; b++) {
            float[] x = new float[inSize];
            System.arraycopy(features, b * inSize, x, 0, inSize);
            for (Stage stage : workload.stages()) {
                x = apply(stage, x);
            }
            System.arraycopy(x, 0, out, b * workload.classes(), workload.classes());
        }
        return out;
    }

    private float[] apply(Stage stage, float[] x) {
        Layer layer = stage.layer();
        if (layer instanceof Layer.Dense d) {
            float[] w = weights.get(stage.params().get(0).name());
            float[] bias = weights.get(stage.params().get(1).name());
            int in = stage.in()[0];
            float[] y = new float[d.units()];
            for (int o = 0; o < d.units(); o++) {
                double acc = bias[o];
                for (int i = 0; i < in; i++) {
                    acc += (double) w[o * in + i] * x[i];
                }
                y[o] = d.activation().apply((float) acc);
            }
            return y;
        }
        if (layer instanceof Layer.Conv2d c) {
            return conv(stage, c, x);
        }
        if (layer instanceof Layer.Pool p) {
            return pool(stage, p, layer instanceof Layer.MaxPool2d, x);
        }
        return x; // flatten: CHW is already stored row-major
    }

    private float[] conv(Stage stage, Layer.Conv2d c, float[] x) {
        float[] w = weights.get(stage.params().get(0).name());
        float[] bias = weights.get(stage.params().get(1).name());
        int cin = stage.in()[0];
        int h = stage.in()[1];
        int wd = stage.in()[2];
        int oh = stage.out()[1];
        int ow = stage.out()[2];
        int k = c.kernel();
        float[] y = new float[c.filters() * oh * ow];
        for (int f = 0; f < c.filters(); f++) {
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    double acc = bias[f];
                    for (int ch = 0; ch < cin; ch++) {
                        for (int ky = 0; ky < k; ky++) {
                            int iy = oy * c.stride() - c.padding() + ky;
                            if (iy < 0 || iy >= h) {
                                continue;
                            }
                            for (int kx = 0; kx < k; kx++) {
                                int ix = ox * c.stride() - c.padding() + kx;
                                if (ix < 0 || ix >= wd) {
                                    continue;
                                }
                                acc += (double) w[((f * cin + ch) * k + ky) * k + kx] * x[(ch * h + iy) * wd + ix];
                            }
                        }
                    }
                    y[(f * oh + oy) * ow + ox] = c.activation().apply((float) acc);
                }
            }
        }
        return y;
    }

    private float[] pool(Stage stage, Layer.Pool p, boolean max, float[] x) {
        int ch = stage.in()[0];
        int h = stage.in()[1];
        int wd = stage.in()[2];
        int oh = stage.out()[1];
        int ow = stage.out()[2];
        float[] y = new float[ch * oh * ow];
        for (int c = 0; c < ch; c++) {
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    double acc = max ? Double.NEGATIVE_INFINITY : 0;
                    for (int ky = 0; ky < p.kernel(); ky++) {
                        for (int kx = 0; kx < p.kernel(); kx++) {
                            float v = x[(c * h + oy * p.stride() + ky) * wd + ox * p.stride() + kx];
                            acc = max ? Math.max(acc, v) : acc + v;
                        }
                    }
                    y[(c * oh + oy) * ow + ox] = (float) (max ? acc : acc / (p.kernel() * p.kernel()));
                }
            }
        }
        return y;
    }

}
