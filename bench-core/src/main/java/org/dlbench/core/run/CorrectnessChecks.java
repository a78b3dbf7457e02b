package org.dlbench.core.run;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.dlbench.core.adapter.Mode;
import org.dlbench.core.adapter.Session;
import org.dlbench.core.data.Batch;
import org.dlbench.core.data.SyntheticData;
import org.dlbench.core.data.Weights;
import org.dlbench.core.reference.ReferenceModel;
import org.dlbench.core.reference.Tolerance;
import org.dlbench.core.result.Check;
import org.dlbench.core.workload.Workload;

/**
 * The checks every measured cell carries, made on a fresh session before timing starts: the engine's forward pass
 * from the shared weights matches the reference, and (for training) SGD steps lower the loss.
 */
public final class CorrectnessChecks {
    public static final String FORWARD = "forward_matches_reference";
    public static final String TRAINING = "training_lowers_loss";
    /** Steps the run-time training check takes; the test suite takes more and also checks accuracy. */
    static final int TRAIN_CHECK_STEPS = 60;
    static final int TRAIN_CHECK_WINDOW = 10;
    /** Batch indices far from those the benchmark cycles through. */
    static final long CHECK_BATCH = 1_000_000L;

    private CorrectnessChecks() {
    }

    /** The fixed batch the forward check feeds the engine. */
    public static Batch forwardInput(Workload workload, int batchSize) {
        return new SyntheticData(workload).batch(CHECK_BATCH, batchSize);
    }

    /** Compares the engine's logits for {@link #forwardInput} with the reference's. */
    public static Check forward(float[] actual, Workload workload, Weights weights, int batchSize) {
        float[] expected = new ReferenceModel(workload, weights).forward(forwardInput(workload, batchSize).features(),
                batchSize);
        Tolerance.Outcome outcome = Tolerance.DEFAULT.compare(actual, expected);
        return new Check(FORWARD, outcome.passed(), outcome.detail());
    }

    /** Mean loss of the first and last few of {@link #TRAIN_CHECK_STEPS} steps; must fall. */
    public static Check training(Session session, Workload workload, int batchSize) {
        SyntheticData data = new SyntheticData(workload);
        List<Float> losses = new ArrayList<>();
        for (int step = 0; step < TRAIN_CHECK_STEPS; step++) {
            losses.add(session.trainStep(data.batch(CHECK_BATCH + 1 + step % 16, batchSize)));
        }
        double first = mean(losses.subList(0, TRAIN_CHECK_WINDOW));
        double last = mean(losses.subList(losses.size() - TRAIN_CHECK_WINDOW, losses.size()));
        boolean ok = Double.isFinite(last) && last < first;
        return new Check(TRAINING, ok, String.format(Locale.ROOT, "mean loss of first %d steps %.4f, of last %d %.4f",
                TRAIN_CHECK_WINDOW, first, TRAIN_CHECK_WINDOW, last));
    }

    /**
     * The checks a training session takes before its first step, on the very session that is then timed (called by
     * the benchmark process).
     */
    public static List<Check> beforeTraining(Session fresh, Workload workload, Weights initial, int batchSize) {
        return List.of();
    }

    /** All checks of a cell, given the logits of its first inference on {@link #forwardInput}. */
    static List<Check> all(float[] firstOutput, Session session, Workload workload, Weights weights, int batch,
                           Mode mode) {
        List<Check> checks = new ArrayList<>();
        checks.add(forward(firstOutput, workload, weights, batch));
        if (mode == Mode.TRAIN) {
            checks.add(training(session, workload, batch));
        }
        return checks;
    }

    private static double mean(List<Float> xs) {
        return xs.stream().mapToDouble(Float::doubleValue).average().orElse(Double.NaN);
    }
}
