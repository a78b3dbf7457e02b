package org.dlbench.core.reference;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.dlbench.core.adapter.TrainingRound;
import org.dlbench.core.data.Batch;
import org.dlbench.core.data.Weights;
import org.dlbench.core.workload.ParamSpec;
import org.dlbench.core.workload.Stage;
import org.dlbench.core.workload.Workload;
import org.dlbench.core.workload.layer.Tensor;

/**
 * The reference training step: what every engine is told to do, written out in plain Java and computed in double.
 * The loss is the mean softmax cross-entropy over the batch of the logits of {@link ReferenceModel}'s forward pass
 * in training mode; gradients come from each layer's own backward pass
 * ({@link org.dlbench.core.workload.layer.Layer#backward}), summed where a stage's output feeds several stages; the
 * update is plain SGD, {@code p -= learningRate * dLoss/dp}, with the workload's learning rate, no
 * momentum, no weight decay and no gradient rescaling.
 *
 * <p>Where the maths leaves a choice, the reference takes the one the engines take:
 * <ul>
 *   <li>ReLU's derivative at exactly 0 is 0 (the unit counts as inactive); ReLU6's is 0 at 0 and at 6. An input
 *       within float32 rounding of a kink may land on the other side in an engine; {@link #nearKinks} lists such
 *       units with what the other side would change, for the training-step check's second look;</li>
 *   <li>max pooling sends a window's gradient to one input only, the first maximum in row-major window order
 *       (top row first, then left to right); when several inputs tie for the maximum, the others get nothing.
 *       Engines are free to pick another of the tied inputs, so a check on real data relies on ties being rare:
 *       with continuous inputs they only happen where a ReLU before the pooling outputs 0 for several inputs of a
 *       window, and there the gradient stops at the ReLU whichever input gets it;</li>
 *   <li>overlapping pooling windows (stride below kernel) add their gradients into the inputs they share; average
 *       pooling divides by kernel x kernel (no padding, so every window is full);</li>
 *   <li>no input gradient is computed where nothing before a stage has trainable tensors;</li>
 *   <li>batchnorm trains on the batch's statistics (biased variance) and moves its running statistics (see
 *       {@link org.dlbench.core.workload.layer.BatchNorm}); only trainable tensors are compared with engines.</li>
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
                descend(p, g, lr);
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

    /**
     * Mean softmax cross-entropy of the batch and its gradients at the given parameters (canonical names), the forward
     * pass in training mode: batchnorm uses the batch's statistics and updates the running statistics in
     * {@code params}.
     */
    public Gradients gradients(Map<String, double[]> params, Batch batch) {
        return gradients(params, batch, null);
    }

    /** {@link #gradients(Map, Batch)}, watched (and perhaps one unit flipped) by {@code watch}, which may be null. */
    Gradients gradients(Map<String, double[]> params, Batch batch, KinkWatch watch) {
        int classes = workload.classes();
        if (batch.labels().length != batch.size()) {
            throw new IllegalArgumentException("batch of " + batch.size() + " has " + batch.labels().length
                    + " labels");
        }
        for (ParamSpec p : workload.params()) {
            double[] v = params.get(p.name());
            if (v == null || v.length != p.size()) {
                throw new IllegalArgumentException(p + " needs " + p.size() + " values, got "
                        + (v == null ? "none" : v.length));
            }
        }
        Map<String, double[]> grads = new LinkedHashMap<>();
        for (ParamSpec p : workload.trainableParams()) {
            grads.put(p.name(), new double[p.size()]);
        }
        int n = batch.size();
        List<Tensor> input = ReferenceModel.inputs(workload, batch);
        Tensor[] outputs = ReferenceModel.trace(workload, params, grads, input, true, watch);
        List<Stage> stages = workload.stages();
        Tensor logits = outputs[stages.size() - 1];
        double loss = 0;
        Tensor[] dOut = new Tensor[stages.size()];
        dOut[stages.size() - 1] = Tensor.zeros(n, logits.shape());
        for (int b = 0; b < n; b++) {
            int label = batch.labels()[b];
            if (label < 0 || label >= classes) {
                throw new IllegalArgumentException("label " + label + " outside 0.." + (classes - 1));
            }
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < classes; c++) {
                max = Math.max(max, logits.data()[b * classes + c]);
            }
            double sum = 0;
            for (int c = 0; c < classes; c++) {
                sum += Math.exp(logits.data()[b * classes + c] - max);
            }
            double lse = max + Math.log(sum);
            loss += (lse - logits.data()[b * classes + label]) / n;
            for (int c = 0; c < classes; c++) {
                dOut[stages.size() - 1].data()[b * classes + c] =
                        (Math.exp(logits.data()[b * classes + c] - lse) - (c == label ? 1 : 0)) / n;
            }
        }
        boolean[] needsGradient = needsGradient(workload);
        for (int i = stages.size() - 1; i >= 0; i--) {
            Stage stage = stages.get(i);
            if (dOut[i] == null) {
                continue; // nothing after it depends on it (cannot happen in a validated graph)
            }
            boolean[] needInput = new boolean[stage.inputs().size()];
            for (int j = 0; j < needInput.length; j++) {
                int from = stage.inputs().get(j);
                needInput[j] = from >= 0 && needsGradient[from];
            }
            Tensor[] dIn = stage.layer().backward(stage.shapes(), ReferenceModel.inputs(stage, outputs, input),
                    outputs[i], dOut[i], ReferenceModel.view(stage, params, grads, true, watch), needInput);
            for (int j = 0; j < needInput.length; j++) {
                if (!needInput[j]) {
                    continue;
                }
                int from = stage.inputs().get(j);
                if (dOut[from] == null) {
                    dOut[from] = new Tensor(dIn[j].batch(), dIn[j].shape(), dIn[j].data().clone());
                } else {
                    double[] acc = dOut[from].data();
                    for (int k = 0; k < acc.length; k++) {
                        acc[k] += dIn[j].data()[k];
                    }
                }
            }
        }
        return new Gradients(loss, Collections.unmodifiableMap(grads));
    }

    /**
     * A unit of the round whose activation input lies within float32 rounding of a kink (see {@link KinkWatch#NEAR}),
     * where an engine computing in float32 may land on either side, and what taking the other side would change.
     *
     * @param stage the stage whose activation it is
     * @param element the flat element of that stage's output
     * @param distance how far its input lies from the kink ({@link org.dlbench.core.workload.layer.Activation#kinkDistance})
     * @param effect the change in the round's parameters (trainable tensors, by canonical name) when this unit's
     *               derivative is taken on the other side of its kink, to first order
     */
    public record NearKink(String stage, int element, double distance, Map<String, double[]> effect) {
    }

    /** How near a kink an activation input counts as decided by float32 rounding (see {@link KinkWatch#NEAR}). */
    public static final double NEAR_KINK = KinkWatch.NEAR;

    /** The most near-kink units {@link #nearKinks} weighs, the nearest first; each costs one more gradient pass. */
    public static final int MAX_NEAR_KINKS = 48;

    /**
     * The units of a round (the nearest first, at most {@link #MAX_NEAR_KINKS} per batch and in all) whose activation input lies so near a
     * kink that float32 rounding decides the side, each with the change in the round's parameters when it is taken on
     * the other side. Computed by redoing the gradient of that unit's batch with its derivative flipped; the effect
     * on the round is the step's change divided by the number of workers (a flip's effect on a worker's later steps
     * is second order and left out). A step that differs from {@link #round} by a few of these effects differs by
     * rounding, not by maths.
     */
    public List<NearKink> nearKinks(Weights start, TrainingRound round) {
        Map<String, double[]> initial = ReferenceModel.toDouble(workload, start);
        double lr = workload.learningRate();
        int workers = round.workers().size();
        List<NearKink> out = new ArrayList<>();
        for (List<Batch> batches : round.workers()) {
            Map<String, double[]> p = copy(initial);
            for (Batch b : batches) {
                KinkWatch watch = KinkWatch.observe();
                Map<String, double[]> atStep = copy(p);
                Gradients base = gradients(p, b, watch);
                List<KinkWatch.Unit> near = watch.near().stream()
                        .sorted(Comparator.comparingDouble(KinkWatch.Unit::distance)).limit(MAX_NEAR_KINKS).toList();
                for (KinkWatch.Unit u : near) {
                    Gradients flipped = gradients(copy(atStep), b, KinkWatch.flip(u));
                    Map<String, double[]> effect = new LinkedHashMap<>();
                    for (Map.Entry<String, double[]> e : base.byName().entrySet()) {
                        double[] g0 = e.getValue();
                        double[] g1 = flipped.byName().get(e.getKey());
                        double[] d = new double[g0.length];
                        for (int i = 0; i < d.length; i++) {
                            d[i] = -lr * (g1[i] - g0[i]) / workers;
                        }
                        effect.put(e.getKey(), d);
                    }
                    out.add(new NearKink(workload.stages().get(u.stage()).name(), u.element(), u.distance(), effect));
                }
                descend(p, base, lr);
            }
        }
        out.sort(Comparator.comparingDouble(NearKink::distance));
        return out.size() > MAX_NEAR_KINKS ? List.copyOf(out.subList(0, MAX_NEAR_KINKS)) : List.copyOf(out);
    }

    /** The plain SGD update {@code p -= lr * grad} of every trainable tensor, in place. */
    private static void descend(Map<String, double[]> params, Gradients g, double lr) {
        for (Map.Entry<String, double[]> e : params.entrySet()) {
            double[] grad = g.byName().get(e.getKey());
            if (grad == null) {
                continue; // state (batchnorm running statistics): the forward pass updated it
            }
            double[] v = e.getValue();
            for (int i = 0; i < v.length; i++) {
                v[i] -= lr * grad[i];
            }
        }
    }

    /** Per stage: does its output depend on a trainable tensor (so a gradient must flow into it)? */
    static boolean[] needsGradient(Workload workload) {
        List<Stage> stages = workload.stages();
        boolean[] needs = new boolean[stages.size()];
        for (Stage s : stages) {
            boolean n = s.params().stream().anyMatch(ParamSpec::trainable);
            for (int from : s.inputs()) {
                n |= from >= 0 && needs[from];
            }
            needs[s.index()] = n;
        }
        return needs;
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
