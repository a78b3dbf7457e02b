package org.dlbench.core.check;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.dlbench.core.adapter.Mode;
import org.dlbench.core.adapter.Session;
import org.dlbench.core.adapter.TrainingRound;
import org.dlbench.core.data.Batch;
import org.dlbench.core.data.SyntheticData;
import org.dlbench.core.data.Weights;
import org.dlbench.core.reference.ReferenceModel;
import org.dlbench.core.reference.ReferenceTraining;
import org.dlbench.core.reference.Tolerance;
import org.dlbench.core.result.Check;
import org.dlbench.core.workload.ParamSpec;
import org.dlbench.core.workload.Workload;

/**
 * The checks every measured cell carries, made on a fresh session before timing starts: the engine's forward pass
 * from the shared weights matches the reference, and (for training) the engine's first SGD step matches the
 * reference step and SGD steps lower the loss.
 */
public final class CorrectnessChecks {
    public static final String FORWARD = "forward_matches_reference";
    public static final String TRAINING = "training_lowers_loss";
    public static final String TRAINING_STEP = "training_step_matches_reference";
    /**
     * How far the engine's update of a parameter tensor may be from the reference update, as a fraction of the
     * reference update's size (L2 norms over the tensor): a learning rate 10x off misses by 0.9 or 9, a missing
     * update by 1, a sign error by 2; float32 engines land around 1e-6 to 1e-4.
     */
    public static final double STEP_TOLERANCE = 1e-2;
    /**
     * The same, per parameter tensor: looser than {@link #STEP_TOLERANCE}, which holds for the whole update, because
     * in a deep network a float32 engine may land on the other side of a ReLU kink that the double reference puts
     * within 1e-7 of zero, which moves the few tensors that unit feeds by a percent or two (seen on resnet). A missing
     * or frozen tensor still misses by 1.
     */
    public static final double TENSOR_TOLERANCE = 5e-2;
    /**
     * Float32 noise allowed per element of an update whose gradient is mathematically zero (a conv bias just before
     * a batchnorm): learning rate x this, far below any real update.
     */
    static final double ZERO_GRADIENT_NOISE = 1e-5;
    /** How far the loss a step returns may be from the reference loss: absolute plus relative to the loss. */
    public static final Tolerance LOSS_TOLERANCE = new Tolerance(1e-5, 1e-4);
    /** How far the parameters read back before the step may be from the shared weights the session was given. */
    static final Tolerance START_TOLERANCE = new Tolerance(1e-7, 1e-6);
    /** Steps the run-time training check takes; the test suite takes more and also checks accuracy. */
    static final int TRAIN_CHECK_STEPS = 60;
    static final int TRAIN_CHECK_WINDOW = 10;
    /** Distinct batches the training check cycles through. */
    static final int TRAIN_CHECK_BATCHES = 16;
    /**
     * The training check stops after this long once it has {@link #TRAIN_CHECK_MIN_STEPS} steps (a slow engine on a
     * large workload takes seconds per step); its windows shrink with the steps taken.
     */
    static final double TRAIN_CHECK_SECONDS = 30;
    static final int TRAIN_CHECK_MIN_STEPS = 6;
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
        float[] expected = new ReferenceModel(workload, weights).forward(forwardInput(workload, batchSize));
        Tolerance.Outcome outcome = Tolerance.DEFAULT.compare(actual, expected);
        return new Check(FORWARD, outcome.passed(), outcome.detail());
    }

    /**
     * Mean loss of the first and last few of {@link #TRAIN_CHECK_STEPS} steps; must fall. The steps cycle through
     * {@link #TRAIN_CHECK_BATCHES} fixed batches; a session that trains on data of its own is asked to cycle through
     * as many samples of it ({@link Session#repeatOwnData}), so every engine learns the same amount of distinct data.
     */
    public static Check training(Session session, Workload workload, int batchSize) {
        SyntheticData data = new SyntheticData(workload);
        List<Float> losses = new ArrayList<>();
        session.repeatOwnData(TRAIN_CHECK_BATCHES * batchSize);
        long end = System.nanoTime() + (long) (TRAIN_CHECK_SECONDS * 1e9);
        for (int step = 0; step < TRAIN_CHECK_STEPS; step++) {
            losses.add(session.trainStep(data.batch(CHECK_BATCH + 1 + step % TRAIN_CHECK_BATCHES, batchSize)));
            if (step + 1 >= TRAIN_CHECK_MIN_STEPS && System.nanoTime() > end) {
                break; // a slow engine: fewer steps, windows scaled with them
            }
        }
        int window = Math.max(2, losses.size() * TRAIN_CHECK_WINDOW / TRAIN_CHECK_STEPS);
        double first = mean(losses.subList(0, window));
        double last = mean(losses.subList(losses.size() - window, losses.size()));
        boolean ok = Double.isFinite(last) && last < first;
        return new Check(TRAINING, ok, String.format(Locale.ROOT, "%d steps: mean loss of first %d steps %.4f, of"
                + " last %d %.4f", losses.size(), window, first, window, last));
    }

    /**
     * The checks a training session takes before its first step, on the very session that is then timed (called by
     * the benchmark process): its first step must match the reference step.
     */
    public static List<Check> beforeTraining(Session fresh, Workload workload, Weights initial, int batchSize) {
        return List.of(trainingStep(fresh, workload, initial, batchSize));
    }

    /**
     * The fixed batch the training-step check trains on: batch number {@code 1_000_100} of the workload's synthetic
     * data set (default seed), far from the batches the benchmark cycles through and from the other checks' batches.
     * Data-parallel sessions train on their own batches instead and say which in {@link Session#nextTrainingRound}.
     */
    public static Batch trainingStepInput(Workload workload, int batchSize) {
        return new SyntheticData(workload).batch(CHECK_BATCH + 100, batchSize);
    }

    /**
     * The engine's first training step against the reference step ({@link ReferenceTraining}): on a session that
     * has taken no step yet, reads the parameters back (they must be the shared {@code initial} weights), takes one
     * {@link Session#trainStep} on {@link #trainingStepInput}, reads the parameters again and compares, for every
     * parameter tensor, the engine's update (after - before) with the reference update: the L2 norm of their
     * difference must be within {@link #STEP_TOLERANCE} of the reference update's norm (plus one float32 rounding
     * step per element). The loss the step returns must match the reference loss within {@link #LOSS_TOLERANCE}.
     * What the step trains on comes from {@link Session#nextTrainingRound}, so a data-parallel round is checked
     * against the same round redone by the reference. A session that cannot read its parameters back fails.
     */
    public static Check trainingStep(Session fresh, Workload workload, Weights initial, int batchSize) {
        Batch batch = trainingStepInput(workload, batchSize);
        TrainingRound round;
        Map<String, float[]> before;
        try {
            round = fresh.nextTrainingRound(batch);
            before = copy(fresh.parameters());
        } catch (UnsupportedOperationException e) {
            return new Check(TRAINING_STEP, false, "the session cannot read its parameters back from the engine ("
                    + e.getMessage() + "), so its training step cannot be checked against the reference");
        }
        String missing = missingParameters(workload, before, "before the step");
        if (missing != null) {
            return new Check(TRAINING_STEP, false, missing);
        }
        for (ParamSpec p : workload.trainableParams()) {
            Tolerance.Outcome o = START_TOLERANCE.compare(before.get(p.name()), initial.get(p.name()));
            if (!o.passed()) {
                return new Check(TRAINING_STEP, false, "before its first step the engine's " + p.name()
                        + " is not the shared initial value: " + o.detail());
            }
        }
        float loss = fresh.trainStep(batch);
        Map<String, float[]> after = copy(fresh.parameters());
        ReferenceTraining reference = new ReferenceTraining(workload);
        ReferenceTraining.Step expected = reference.round(initial, round);
        Check plain = compareStep(workload, initial, before, after, loss, expected, round);
        if (plain.passed()) {
            return plain;
        }
        return withNearKinks(workload, initial, before, after, loss, expected, round, plain,
                reference.nearKinks(initial, round));
    }

    /**
     * The second look at a step that missed the reference: units whose activation input lies within float32
     * rounding of a kink ({@link ReferenceTraining#nearKinks}) may land on either side in the engine, and one such
     * unit deep in a network moves a whole channel's gradient. The sides the engine took are inferred greedily, the
     * nearest unit first: a unit is taken on its other side when that brings the reference update closer to the
     * engine's. The step is then compared again with the same tolerances; the detail names how many units were taken
     * and what the plain comparison said. No other freedom is given, so a wrong step still fails.
     */
    static Check withNearKinks(Workload workload, Weights initial, Map<String, float[]> before,
                               Map<String, float[]> after, double loss, ReferenceTraining.Step expected,
                               TrainingRound round, Check plain, List<ReferenceTraining.NearKink> near) {
        String plainSummary = plain.detail().split(";")[0];
        if (near.isEmpty() || missingParameters(workload, after, "after the step") != null) {
            return plain;
        }
        Map<String, double[]> adjusted = new LinkedHashMap<>();
        expected.parameters().forEach((k, v) -> adjusted.put(k, v.clone()));
        Map<String, double[]> residual = new LinkedHashMap<>();
        for (ParamSpec p : workload.trainableParams()) {
            float[] b = before.get(p.name());
            float[] a = after.get(p.name());
            float[] start = initial.get(p.name());
            double[] ref = adjusted.get(p.name());
            double[] r = new double[a.length];
            for (int i = 0; i < r.length; i++) {
                r[i] = ((double) a[i] - b[i]) - (ref[i] - start[i]);
            }
            residual.put(p.name(), r);
        }
        int taken = 0;
        for (ReferenceTraining.NearKink k : near) {
            double dot = 0;
            double norm2 = 0;
            for (Map.Entry<String, double[]> e : k.effect().entrySet()) {
                double[] r = residual.get(e.getKey());
                if (r == null) {
                    continue;
                }
                double[] d = e.getValue();
                for (int i = 0; i < d.length; i++) {
                    dot += r[i] * d[i];
                    norm2 += d[i] * d[i];
                }
            }
            if (norm2 == 0 || 2 * dot <= norm2) {
                continue; // taking it would not bring the reference closer to the engine
            }
            taken++;
            for (Map.Entry<String, double[]> e : k.effect().entrySet()) {
                double[] r = residual.get(e.getKey());
                if (r == null) {
                    continue;
                }
                double[] ref = adjusted.get(e.getKey());
                double[] d = e.getValue();
                for (int i = 0; i < d.length; i++) {
                    ref[i] += d[i];
                    r[i] -= d[i];
                }
            }
        }
        String units = String.format(Locale.ROOT, "%d unit(s) whose activation input lies within %.0e of a kink",
                near.size(), ReferenceTraining.NEAR_KINK);
        if (taken == 0) {
            return new Check(TRAINING_STEP, false, plain.detail() + "; taking any of the " + units
                    + " on its other side brings the reference no closer");
        }
        Check again = compareStep(workload, initial, before, after, loss,
                new ReferenceTraining.Step(expected.loss(), adjusted), round);
        return new Check(TRAINING_STEP, again.passed(), again.detail() + "; with " + taken + " of the " + units
                + " taken on the engine's side (float32 rounding decides it); without: " + plainSummary);
    }

    /**
     * Compares an engine's step (parameters before and after, returned loss) with the reference step taken from
     * {@code initial}; the core of {@link #trainingStep}, open to tests with a deliberately wrong reference.
     */
    static Check compareStep(Workload workload, Weights initial, Map<String, float[]> before,
                             Map<String, float[]> after, double loss, ReferenceTraining.Step expected,
                             TrainingRound round) {
        String missing = missingParameters(workload, after, "after the step");
        if (missing != null) {
            return new Check(TRAINING_STEP, false, missing);
        }
        String worst = null;
        double worstShare = -1;
        String worstDetail = "";
        List<String> failed = new ArrayList<>();
        double noise = ZERO_GRADIENT_NOISE * workload.learningRate();
        double totalDiff2 = 0;
        double totalRef2 = 0;
        double totalSlack2 = 0;
        for (ParamSpec p : workload.trainableParams()) {
            float[] b = before.get(p.name());
            float[] a = after.get(p.name());
            float[] start = initial.get(p.name());
            double[] ref = expected.parameters().get(p.name());
            double diff2 = 0;
            double refNorm2 = 0;
            double rounding2 = 0;
            double maxElement = 0;
            int maxIndex = 0;
            for (int i = 0; i < a.length; i++) {
                double engineDelta = (double) a[i] - b[i];
                double referenceDelta = ref[i] - start[i];
                double d = engineDelta - referenceDelta;
                diff2 += d * d;
                refNorm2 += referenceDelta * referenceDelta;
                double ulp = Math.ulp(Math.max(Math.abs(a[i]), Math.abs(b[i])));
                rounding2 += ulp * ulp;
                if (!(Math.abs(d) <= maxElement)) {
                    maxElement = Math.abs(d);
                    maxIndex = i;
                }
            }
            double diff = Math.sqrt(diff2);
            double refNorm = Math.sqrt(refNorm2);
            double slack2 = rounding2 + noise * noise * a.length;
            double allowed = TENSOR_TOLERANCE * refNorm + Math.sqrt(slack2);
            totalDiff2 += diff2;
            totalRef2 += refNorm2;
            totalSlack2 += slack2;
            boolean ok = diff <= allowed;
            if (!ok) {
                failed.add(p.name());
            }
            // the worst tensor is the one furthest beyond (or least within) what it is allowed
            double share = Double.isNaN(diff) ? Double.POSITIVE_INFINITY : diff / allowed;
            if (worst == null || share > worstShare) {
                worst = p.name();
                worstShare = share;
                double error = refNorm > 0 ? diff / refNorm : (diff > 0 ? Double.POSITIVE_INFINITY : 0);
                worstDetail = String.format(Locale.ROOT, "update error %.3g of the reference update (L2 %.3g vs %.3g;"
                        + " largest element error %.3g at %d)", error, diff, refNorm, maxElement, maxIndex);
            }
        }
        double totalDiff = Math.sqrt(totalDiff2);
        double totalAllowed = STEP_TOLERANCE * Math.sqrt(totalRef2) + Math.sqrt(totalSlack2);
        boolean totalOk = totalDiff <= totalAllowed;
        double lossError = Math.abs(loss - expected.loss());
        boolean lossOk = lossError <= LOSS_TOLERANCE.absolute() + LOSS_TOLERANCE.relative() * Math.abs(expected.loss());
        String what = round.workers().size() == 1 && round.workers().get(0).size() == 1
                ? "one SGD step on a batch of " + round.samples()
                : "one averaging round of " + round.workers().size() + " worker(s) x "
                        + round.workers().get(0).size() + " batch(es), " + round.samples() + " samples";
        String detail = String.format(Locale.ROOT, "%s: whole update error %.3g of the reference update (%s); %s %s;"
                        + " loss %.6f vs reference %.6f (%s); tolerance %.0e of the whole update, %.0e of each"
                        + " tensor's, loss %.0e + %.0e*|ref|",
                what, totalRef2 > 0 ? totalDiff / Math.sqrt(totalRef2) : totalDiff, totalOk ? "ok" : "OFF",
                failed.isEmpty() ? "worst parameter" : failed.size() + " parameter(s) off, worst",
                worst + " " + worstDetail, loss, expected.loss(), lossOk ? "ok" : "OFF by " + String.format(Locale.ROOT,
                        "%.3g", lossError),
                STEP_TOLERANCE, TENSOR_TOLERANCE, LOSS_TOLERANCE.absolute(), LOSS_TOLERANCE.relative());
        if (!failed.isEmpty()) {
            detail += "; off: " + String.join(", ", failed);
        }
        return new Check(TRAINING_STEP, failed.isEmpty() && totalOk && lossOk, detail);
    }

    private static String missingParameters(Workload workload, Map<String, float[]> values, String when) {
        for (ParamSpec p : workload.trainableParams()) {
            float[] v = values.get(p.name());
            if (v == null || v.length != p.size()) {
                return "the engine's parameters " + when + " lack " + p + " (got "
                        + (v == null ? "none" : v.length + " values") + "; have " + values.keySet() + ")";
            }
            for (int i = 0; i < v.length; i++) {
                if (!Float.isFinite(v[i])) {
                    return "the engine's " + p.name() + " " + when + " holds " + v[i] + " at " + i;
                }
            }
        }
        return null;
    }

    private static Map<String, float[]> copy(Map<String, float[]> values) {
        Map<String, float[]> out = new LinkedHashMap<>();
        values.forEach((k, v) -> out.put(k, v == null ? null : v.clone()));
        return out;
    }

    /** All checks of a cell, given the logits of its first inference on {@link #forwardInput}. */
    public static List<Check> all(float[] firstOutput, Session session, Workload workload, Weights weights, int batch,
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
