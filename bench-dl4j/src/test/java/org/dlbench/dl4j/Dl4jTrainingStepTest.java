package org.dlbench.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.dlbench.core.adapter.Mode;
import org.dlbench.core.data.Batch;
import org.dlbench.core.data.SyntheticData;
import org.dlbench.core.workload.Workload;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One training step is exactly plain SGD on the mean softmax cross-entropy: the returned loss is the loss before
 * the update, and each parameter moves by learning rate times the gradient, which is checked against central finite
 * differences of the loss computed by a float64 copy of the same network.
 */
class Dl4jTrainingStepTest {
    private static final int BATCH = 8;
    private static final double EPS = 1e-6;

    @ParameterizedTest
    @ValueSource(strings = {"mlp", "lenet", "strided", "pool-first", "flat-image"})
    void oneStepIsPlainSgdOnTheMeanLoss(String name) throws Exception {
        Workload w = TestWorkloads.load(name);
        Batch batch = new SyntheticData(w).batch(3, BATCH);
        try (Dl4jSession s = (Dl4jSession) Dl4jWorkloadsTest.open(Dl4jWorkloadsTest.MLN, w, BATCH, 1, Mode.TRAIN)) {
            ComputationGraph net = s.logitsNetwork();
            INDArray before = net.params().dup();
            ComputationGraph exact = net.convertDataType(DataType.DOUBLE);
            INDArray x = Arrays4j.features(w, batch.features()).castTo(DataType.DOUBLE);
            double lossBefore = meanCrossEntropy(exact, x, batch.labels());

            float reported = s.trainStep(batch);
            assertEquals(lossBefore, reported, 1e-5 * Math.max(1, lossBefore), "trainStep must return the loss before the update");

            INDArray step = before.sub(net.params()).div(w.learningRate());
            INDArray p = exact.params();
            List<String> errors = new ArrayList<>();
            for (long i : coordinates(net)) {
                double v = p.getDouble(i);
                p.putScalar(i, v + EPS);
                double up = meanCrossEntropy(exact, x, batch.labels());
                p.putScalar(i, v - EPS);
                double down = meanCrossEntropy(exact, x, batch.labels());
                p.putScalar(i, v);
                double numeric = (up - down) / (2 * EPS);
                double taken = step.getDouble(i);
                if (Math.abs(taken - numeric) > 1e-4 + 1e-2 * Math.abs(numeric)) {
                    errors.add("param " + i + ": step/lr " + taken + " vs gradient " + numeric);
                }
            }
            assertTrue(errors.isEmpty(), name + ": " + errors);
        }
    }

    /** Some parameters of every layer: both ends of its slice (weights and biases) and a few inside. */
    private static List<Long> coordinates(ComputationGraph net) {
        Random random = new Random(11);
        List<Long> picks = new ArrayList<>();
        long offset = 0;
        // the graph's layers come in the order of its flattened parameter array (topological order)
        for (org.deeplearning4j.nn.api.Layer layer : net.getLayers()) {
            long n = layer.numParams();
            for (long k = 0; k < Math.min(n, 3); k++) {
                picks.add(offset + k);
                picks.add(offset + n - 1 - k);
            }
            for (int k = 0; k < 6 && n > 0; k++) {
                picks.add(offset + (long) (random.nextDouble() * n));
            }
            offset += n;
        }
        return picks;
    }

    /** Mean softmax cross-entropy of the network's logits, with a log-sum-exp in double. */
    static double meanCrossEntropy(ComputationGraph net, INDArray x, int[] labels) {
        INDArray logits = net.outputSingle(false, x);
        double total = 0;
        for (int r = 0; r < labels.length; r++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < logits.size(1); c++) {
                max = Math.max(max, logits.getDouble(r, c));
            }
            double sum = 0;
            for (int c = 0; c < logits.size(1); c++) {
                sum += Math.exp(logits.getDouble(r, c) - max);
            }
            total += max + Math.log(sum) - logits.getDouble(r, labels[r]);
        }
        return total / labels.length;
    }
}
