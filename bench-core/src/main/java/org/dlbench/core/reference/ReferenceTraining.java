package org.dlbench.core.reference;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.dlbench.core.adapter.TrainingRound;
import org.dlbench.core.data.Batch;
import org.dlbench.core.data.Weights;
import org.dlbench.core.workload.Activation;
import org.dlbench.core.workload.Layer;
import org.dlbench.core.workload.ParamSpec;
import org.dlbench.core.workload.Stage;
import org.dlbench.core.workload.Workload;

/**
 * The reference training step: what every engine is told to do, written out in plain Java and computed in double.
 * The loss is the mean softmax cross-entropy over the batch of the logits of {@link ReferenceModel}'s forward pass
 * (the same per-stage kernels); gradients come from a hand-written backward pass of every layer type of the workload
 * format; the update is plain SGD, {@code p -= learningRate * dLoss/dp}, with the workload's learning rate, no
 * momentum, no weight decay and no gradient rescaling.
 *
 * <p>Where the maths leaves a choice, the reference takes the one the engines take:
 * <ul>
 *   <li>ReLU's derivative at exactly 0 is 0 (the unit counts as inactive);</li>
 *   <li>max pooling sends a window's gradient to one input only, the first maximum in row-major window order
 *       (top row first, then left to right); when several inputs tie for the maximum, the others get nothing.
 *       Engines are free to pick another of the tied inputs, so a check on real data relies on ties being rare:
 *       with continuous inputs they only happen where a ReLU before the pooling outputs 0 for several inputs of a
 *       window, and there the gradient stops at the ReLU whichever input gets it;</li>
 *   <li>overlapping pooling windows (stride below kernel) add their gradients into the inputs they share; average
 *       pooling divides by kernel x kernel (no padding, so every window is full);</li>
 *   <li>no input gradient is computed for the first stage (nothing before it has parameters).</li>
 * </ul>
 */
public final class ReferenceTraining {
    private final Workload workload;

    public ReferenceTraining(Workload workload) {
        this.workload = workload;
    }

    /** The mean loss of a batch and its gradient with respect to every parameter, by canonical name. */
    public record Gradients(double loss, Map<String, double[]> byName) {
    }

    /**
     * The result of a step or round.
     *
     * @param loss the loss the engine's {@code trainStep} must return (see {@link TrainingRound})
     * @param parameters every parameter after the step, by canonical name in canonical layout
     */
    public record Step(double loss, Map<String, double[]> parameters) {
    }

    /** One plain SGD step on a batch, from the given parameters. */
    public Step sgdStep(Weights start, Batch batch) {
        return round(start, TrainingRound.single(batch));
    }

    /**
     * A whole {@link TrainingRound}: every worker takes one SGD step per batch from {@code start}, the parameters
     * after it are the mean of the workers', and the loss is the mean over workers of each one's last batch's loss.
     */
    public Step round(Weights start, TrainingRound round) {
        Map<String, double[]> initial = ReferenceModel.toDouble(workload, start);
        Map<String, double[]> sum = zerosLike(initial);
        double lossSum = 0;
        double lr = workload.learningRate();
        for (List<Batch> batches : round.workers()) {
            Map<String, double[]> p = copy(initial);
            double last = Double.NaN;
            for (Batch b : batches) {
                Gradients g = gradients(p, b);
                last = g.loss();
                for (Map.Entry<String, double[]> e : p.entrySet()) {
                    double[] v = e.getValue();
                    double[] grad = g.byName().get(e.getKey());
                    for (int i = 0; i < v.length; i++) {
                        v[i] -= lr * grad[i];
                    }
                }
            }
            lossSum += last;
            for (Map.Entry<String, double[]> e : p.entrySet()) {
                double[] s = sum.get(e.getKey());
                double[] v = e.getValue();
                for (int i = 0; i < v.length; i++) {
                    s[i] += v[i];
                }
            }
        }
        int n = round.workers().size();
        for (double[] s : sum.values()) {
            for (int i = 0; i < s.length; i++) {
                s[i] /= n;
            }
        }
        return new Step(lossSum / n, Collections.unmodifiableMap(sum));
    }

    /** Mean softmax cross-entropy of the batch and its gradients at the given parameters (canonical names). */
    public Gradients gradients(Map<String, double[]> params, Batch batch) {
        int inSize = workload.inputSize();
        int classes = workload.classes();
        if (batch.features().length != batch.size() * inSize || batch.labels().length != batch.size()) {
            throw new IllegalArgumentException("batch of " + batch.size() + " does not fit workload " + workload.name()
                    + " (" + inSize + " features per sample)");
        }
        for (ParamSpec p : workload.params()) {
            double[] v = params.get(p.name());
            if (v == null || v.length != p.size()) {
                throw new IllegalArgumentException(p + " needs " + p.size() + " values, got "
                        + (v == null ? "none" : v.length));
            }
        }
        Map<String, double[]> grads = zerosLike(params);
        int n = batch.size();
        double loss = 0;
        List<Stage> stages = workload.stages();
        for (int b = 0; b < n; b++) {
            double[][] trace = ReferenceModel.trace(workload, params, ReferenceModel.sample(batch.features(), b, inSize));
            double[] logits = trace[trace.length - 1];
            int label = batch.labels()[b];
            if (label < 0 || label >= classes) {
                throw new IllegalArgumentException("label " + label + " outside 0.." + (classes - 1));
            }
            double max = Double.NEGATIVE_INFINITY;
            for (double z : logits) {
                max = Math.max(max, z);
            }
            double sum = 0;
            for (double z : logits) {
                sum += Math.exp(z - max);
            }
            double lse = max + Math.log(sum);
            loss += (lse - logits[label]) / n;
            double[] dy = new double[classes];
            for (int c = 0; c < classes; c++) {
                dy[c] = (Math.exp(logits[c] - lse) - (c == label ? 1 : 0)) / n;
            }
            for (int i = stages.size() - 1; i >= 0; i--) {
                dy = backward(stages.get(i), params, trace[i], trace[i + 1], dy, grads, i > 0);
            }
        }
        return new Gradients(loss, Collections.unmodifiableMap(grads));
    }

    /**
     * Adds one sample's parameter gradients of a stage into {@code grads}, given the stage's input {@code x}, its
     * output {@code y} and the loss gradient {@code dy} at its output; returns the gradient at its input (null when
     * not needed).
     */
    private static double[] backward(Stage stage, Map<String, double[]> params, double[] x, double[] y, double[] dy,
                                     Map<String, double[]> grads, boolean inputGradient) {
        Layer layer = stage.layer();
        if (layer instanceof Layer.Dense d) {
            return denseBackward(stage, d, params, x, y, dy, grads, inputGradient);
        }
        if (layer instanceof Layer.Conv2d c) {
            return convBackward(stage, c, params, x, y, dy, grads, inputGradient);
        }
        if (layer instanceof Layer.Pool p) {
            return inputGradient ? poolBackward(stage, p, layer instanceof Layer.MaxPool2d, x, dy) : null;
        }
        return dy; // flatten: the same values in the same order
    }

    /** The activation's derivative, from its output y (ReLU: 1 where y > 0, else 0). */
    static double derivative(Activation a, double y) {
        return switch (a) {
            case NONE -> 1.0;
            case RELU -> y > 0 ? 1.0 : 0.0;
            case TANH -> 1.0 - y * y;
            case SIGMOID -> y * (1.0 - y);
        };
    }

    private static double[] denseBackward(Stage stage, Layer.Dense d, Map<String, double[]> params, double[] x,
                                          double[] y, double[] dy, Map<String, double[]> grads, boolean inputGradient) {
        String wName = stage.params().get(0).name();
        double[] w = params.get(wName);
        double[] gw = grads.get(wName);
        double[] gb = grads.get(stage.params().get(1).name());
        int in = stage.in()[0];
        double[] dx = inputGradient ? new double[in] : null;
        for (int o = 0; o < d.units(); o++) {
            double dz = dy[o] * derivative(d.activation(), y[o]);
            if (dz == 0) {
                continue;
            }
            gb[o] += dz;
            int row = o * in;
            for (int i = 0; i < in; i++) {
                gw[row + i] += dz * x[i];
            }
            if (dx != null) {
                for (int i = 0; i < in; i++) {
                    dx[i] += w[row + i] * dz;
                }
            }
        }
        return dx;
    }

    private static double[] convBackward(Stage stage, Layer.Conv2d c, Map<String, double[]> params, double[] x,
                                         double[] y, double[] dy, Map<String, double[]> grads, boolean inputGradient) {
        String wName = stage.params().get(0).name();
        double[] w = params.get(wName);
        double[] gw = grads.get(wName);
        double[] gb = grads.get(stage.params().get(1).name());
        int cin = stage.in()[0];
        int h = stage.in()[1];
        int wd = stage.in()[2];
        int oh = stage.out()[1];
        int ow = stage.out()[2];
        int k = c.kernel();
        double[] dx = inputGradient ? new double[x.length] : null;
        for (int f = 0; f < c.filters(); f++) {
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    int o = (f * oh + oy) * ow + ox;
                    double dz = dy[o] * derivative(c.activation(), y[o]);
                    if (dz == 0) {
                        continue;
                    }
                    gb[f] += dz;
                    for (int ch = 0; ch < cin; ch++) {
                        for (int ky = 0; ky < k; ky++) {
                            int iy = oy * c.stride() - c.padding() + ky;
                            if (iy < 0 || iy >= h) {
                                continue; // zero padding: no input, no gradient
                            }
                            for (int kx = 0; kx < k; kx++) {
                                int ix = ox * c.stride() - c.padding() + kx;
                                if (ix < 0 || ix >= wd) {
                                    continue;
                                }
                                int wi = ((f * cin + ch) * k + ky) * k + kx;
                                int xi = (ch * h + iy) * wd + ix;
                                gw[wi] += dz * x[xi];
                                if (dx != null) {
                                    dx[xi] += w[wi] * dz;
                                }
                            }
                        }
                    }
                }
            }
        }
        return dx;
    }

    private static double[] poolBackward(Stage stage, Layer.Pool p, boolean max, double[] x, double[] dy) {
        int ch = stage.in()[0];
        int h = stage.in()[1];
        int wd = stage.in()[2];
        int oh = stage.out()[1];
        int ow = stage.out()[2];
        int k = p.kernel();
        double[] dx = new double[x.length];
        for (int c = 0; c < ch; c++) {
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    double g = dy[(c * oh + oy) * ow + ox];
                    if (max) {
                        // the first maximum in row-major window order takes the whole gradient
                        int best = -1;
                        for (int ky = 0; ky < k; ky++) {
                            for (int kx = 0; kx < k; kx++) {
                                int xi = (c * h + oy * p.stride() + ky) * wd + ox * p.stride() + kx;
                                if (best < 0 || x[xi] > x[best]) {
                                    best = xi;
                                }
                            }
                        }
                        dx[best] += g;
                    } else {
                        double share = g / (k * k);
                        for (int ky = 0; ky < k; ky++) {
                            for (int kx = 0; kx < k; kx++) {
                                dx[(c * h + oy * p.stride() + ky) * wd + ox * p.stride() + kx] += share;
                            }
                        }
                    }
                }
            }
        }
        return dx;
    }

    private static Map<String, double[]> zerosLike(Map<String, double[]> params) {
        Map<String, double[]> out = new LinkedHashMap<>();
        params.forEach((name, v) -> out.put(name, new double[v.length]));
        return out;
    }

    private static Map<String, double[]> copy(Map<String, double[]> params) {
        Map<String, double[]> out = new LinkedHashMap<>();
        params.forEach((name, v) -> out.put(name, v.clone()));
        return out;
    }
}
