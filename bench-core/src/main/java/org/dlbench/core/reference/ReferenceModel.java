package org.dlbench.core.reference;

import java.util.LinkedHashMap;
import java.util.Map;
import org.dlbench.core.data.Weights;
import org.dlbench.core.workload.Activation;
import org.dlbench.core.workload.Layer;
import org.dlbench.core.workload.ParamSpec;
import org.dlbench.core.workload.Stage;
import org.dlbench.core.workload.Workload;

/**
 * The reference forward pass: logits [batch, classes] from features [batch, input...], computed in double from
 * start to end (parameters, activations and sums) and rounded to float once at the end. The per-stage kernels are
 * shared with {@link ReferenceTraining}, whose backward pass differentiates exactly this computation.
 */
public final class ReferenceModel {
    private final Workload workload;
    private final Map<String, double[]> params;

    public ReferenceModel(Workload workload, Weights weights) {
        this.workload = workload;
        this.params = toDouble(workload, weights);
    }

    public float[] forward(float[] features, int batch) {
        int inSize = workload.inputSize();
        if (features.length != batch * inSize) {
            throw new IllegalArgumentException("expected " + batch * inSize + " features, got " + features.length);
        }
        int classes = workload.classes();
        float[] out = new float[batch * classes];
        for (int b = 0; b < batch; b++) {
            double[][] trace = trace(workload, params, sample(features, b, inSize));
            double[] logits = trace[trace.length - 1];
            for (int c = 0; c < classes; c++) {
                out[b * classes + c] = (float) logits[c];
            }
        }
        return out;
    }

    /** Every parameter of the workload in double, by canonical name and in canonical layout. */
    static Map<String, double[]> toDouble(Workload workload, Weights weights) {
        Map<String, double[]> out = new LinkedHashMap<>();
        for (ParamSpec p : workload.params()) {
            float[] v = weights.get(p.name());
            double[] d = new double[v.length];
            for (int i = 0; i < v.length; i++) {
                d[i] = v[i];
            }
            out.put(p.name(), d);
        }
        return out;
    }

    /** Sample {@code b} of a row-major batch, in double. */
    static double[] sample(float[] features, int b, int inSize) {
        double[] x = new double[inSize];
        for (int i = 0; i < inSize; i++) {
            x[i] = features[b * inSize + i];
        }
        return x;
    }

    /**
     * One sample through every stage: element 0 is the input, element {@code i + 1} the output of stage {@code i}
     * (after its activation); the last element holds the logits.
     */
    static double[][] trace(Workload workload, Map<String, double[]> params, double[] x) {
        double[][] out = new double[workload.stages().size() + 1][];
        out[0] = x;
        for (Stage stage : workload.stages()) {
            out[stage.index() + 1] = apply(stage, params, out[stage.index()]);
        }
        return out;
    }

    static double[] apply(Stage stage, Map<String, double[]> params, double[] x) {
        Layer layer = stage.layer();
        if (layer instanceof Layer.Dense d) {
            return dense(stage, d, params, x);
        }
        if (layer instanceof Layer.Conv2d c) {
            return conv(stage, c, params, x);
        }
        if (layer instanceof Layer.Pool p) {
            return pool(stage, p, layer instanceof Layer.MaxPool2d, x);
        }
        return x; // flatten: CHW is already stored row-major
    }

    /** The activation in double (the workload's own {@link Activation#apply} works in float). */
    static double activate(Activation a, double z) {
        return switch (a) {
            case NONE -> z;
            case RELU -> z > 0 ? z : 0.0;
            case TANH -> Math.tanh(z);
            case SIGMOID -> 1.0 / (1.0 + Math.exp(-z));
        };
    }

    private static double[] dense(Stage stage, Layer.Dense d, Map<String, double[]> params, double[] x) {
        double[] w = params.get(stage.params().get(0).name());
        double[] bias = params.get(stage.params().get(1).name());
        int in = stage.in()[0];
        double[] y = new double[d.units()];
        for (int o = 0; o < d.units(); o++) {
            double acc = bias[o];
            for (int i = 0; i < in; i++) {
                acc += w[o * in + i] * x[i];
            }
            y[o] = activate(d.activation(), acc);
        }
        return y;
    }

    private static double[] conv(Stage stage, Layer.Conv2d c, Map<String, double[]> params, double[] x) {
        double[] w = params.get(stage.params().get(0).name());
        double[] bias = params.get(stage.params().get(1).name());
        int cin = stage.in()[0];
        int h = stage.in()[1];
        int wd = stage.in()[2];
        int oh = stage.out()[1];
        int ow = stage.out()[2];
        int k = c.kernel();
        double[] y = new double[c.filters() * oh * ow];
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
                                acc += w[((f * cin + ch) * k + ky) * k + kx] * x[(ch * h + iy) * wd + ix];
                            }
                        }
                    }
                    y[(f * oh + oy) * ow + ox] = activate(c.activation(), acc);
                }
            }
        }
        return y;
    }

    private static double[] pool(Stage stage, Layer.Pool p, boolean max, double[] x) {
        int ch = stage.in()[0];
        int h = stage.in()[1];
        int wd = stage.in()[2];
        int oh = stage.out()[1];
        int ow = stage.out()[2];
        double[] y = new double[ch * oh * ow];
        for (int c = 0; c < ch; c++) {
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    double acc = max ? Double.NEGATIVE_INFINITY : 0;
                    for (int ky = 0; ky < p.kernel(); ky++) {
                        for (int kx = 0; kx < p.kernel(); kx++) {
                            double v = x[(c * h + oy * p.stride() + ky) * wd + ox * p.stride() + kx];
                            acc = max ? Math.max(acc, v) : acc + v;
                        }
                    }
                    y[(c * oh + oy) * ow + ox] = max ? acc : acc / (p.kernel() * p.kernel());
                }
            }
        }
        return y;
    }
}
