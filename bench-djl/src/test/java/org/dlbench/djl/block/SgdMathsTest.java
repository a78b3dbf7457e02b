package org.dlbench.djl.block;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.dlbench.core.adapter.Adapters;
import org.dlbench.core.adapter.Device;
import org.dlbench.core.adapter.Mode;
import org.dlbench.core.adapter.Session;
import org.dlbench.core.adapter.SessionSpec;
import org.dlbench.core.data.Batch;
import org.dlbench.core.data.SyntheticData;
import org.dlbench.core.data.Weights;
import org.dlbench.core.workload.layer.Dense;
import org.dlbench.core.workload.Stage;
import org.dlbench.core.workload.Workload;
import org.dlbench.core.workload.Workloads;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A training step is exactly plain SGD on mean softmax cross-entropy: the loss each engine reports, step after step,
 * equals that of a hand-written double-precision SGD on the MLP from the same weights and batches. This pins down
 * what DJL's Trainer, SoftmaxCrossEntropyLoss and Sgd really do (no momentum, no weight decay, no gradient rescaling,
 * loss before the update).
 */
class SgdMathsTest {
    private static final int STEPS = 40;
    private static final int BATCH = 16;

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void trainStepIsPlainSgdOnMeanCrossEntropy(String engine) throws Exception {
        Workload w = Workloads.resolve("mlp");
        Weights init = Weights.initial(w);
        DenseNet reference = new DenseNet(w, init);
        SyntheticData data = new SyntheticData(w);
        try (Session s = Adapters.byName(engine).open(new SessionSpec(w, init, BATCH, 1, Device.CPU, Mode.TRAIN))) {
            for (int step = 0; step < STEPS; step++) {
                Batch b = data.batch(step, BATCH);
                double expected = reference.sgdStep(b, w.learningRate());
                assertEquals(expected, s.trainStep(b), 1e-4, engine + " step " + step);
            }
        }
    }

    /** Dense ReLU layers with a linear head, trained by hand. */
    private static final class DenseNet {
        private final int[] sizes;
        private final double[][] weights;
        private final double[][] biases;

        DenseNet(Workload w, Weights init) {
            int layers = w.stages().size();
            sizes = new int[layers + 1];
            weights = new double[layers][];
            biases = new double[layers][];
            for (Stage st : w.stages()) {
                if (!(st.layer() instanceof Dense)) {
                    throw new IllegalArgumentException("dense layers only");
                }
                sizes[st.index()] = st.in()[0];
                sizes[st.index() + 1] = st.out()[0];
                weights[st.index()] = toDouble(init.get(st.params().get(0).name()));
                biases[st.index()] = toDouble(init.get(st.params().get(1).name()));
            }
        }

        /** One SGD step; returns the batch's mean loss before the update. */
        double sgdStep(Batch b, double lr) {
            int n = b.size();
            int layers = weights.length;
            double[][][] act = new double[layers + 1][n][];
            for (int s = 0; s < n; s++) {
                act[0][s] = new double[sizes[0]];
                for (int i = 0; i < sizes[0]; i++) {
                    act[0][s][i] = b.features()[s * sizes[0] + i];
                }
                for (int l = 0; l < layers; l++) {
                    act[l + 1][s] = dense(l, act[l][s], l < layers - 1);
                }
            }
            int classes = sizes[layers];
            double loss = 0;
            double[][] delta = new double[n][classes];
            for (int s = 0; s < n; s++) {
                double[] z = act[layers][s];
                double max = Double.NEGATIVE_INFINITY;
                for (double v : z) {
                    max = Math.max(max, v);
                }
                double sum = 0;
                for (double v : z) {
                    sum += Math.exp(v - max);
                }
                double lse = max + Math.log(sum);
                int label = b.labels()[s];
                loss += (lse - z[label]) / n;
                for (int c = 0; c < classes; c++) {
                    delta[s][c] = (Math.exp(z[c] - lse) - (c == label ? 1 : 0)) / n;
                }
            }
            for (int l = layers - 1; l >= 0; l--) {
                delta = backward(l, act[l], delta, lr);
            }
            return loss;
        }

        private double[] dense(int l, double[] x, boolean relu) {
            int in = sizes[l];
            double[] y = new double[sizes[l + 1]];
            for (int o = 0; o < y.length; o++) {
                double acc = biases[l][o];
                for (int i = 0; i < in; i++) {
                    acc += weights[l][o * in + i] * x[i];
                }
                y[o] = relu ? Math.max(0, acc) : acc;
            }
            return y;
        }

        /** Updates layer l from the output gradient and returns the gradient at its (post-ReLU) input. */
        private double[][] backward(int l, double[][] input, double[][] delta, double lr) {
            int in = sizes[l];
            int out = sizes[l + 1];
            double[] gw = new double[in * out];
            double[] gb = new double[out];
            double[][] prev = new double[delta.length][in];
            for (int s = 0; s < delta.length; s++) {
                for (int o = 0; o < out; o++) {
                    double d = delta[s][o];
                    gb[o] += d;
                    for (int i = 0; i < in; i++) {
                        gw[o * in + i] += d * input[s][i];
                        prev[s][i] += d * weights[l][o * in + i];
                    }
                }
                for (int i = 0; i < in; i++) {
                    if (l > 0 && input[s][i] <= 0) {
                        prev[s][i] = 0; // ReLU of the layer below
                    }
                }
            }
            for (int i = 0; i < gw.length; i++) {
                weights[l][i] -= lr * gw[i];
            }
            for (int o = 0; o < out; o++) {
                biases[l][o] -= lr * gb[o];
            }
            return prev;
        }

        private static double[] toDouble(float[] a) {
            double[] d = new double[a.length];
            for (int i = 0; i < a.length; i++) {
                d[i] = a[i];
            }
            return d;
        }
    }
}
