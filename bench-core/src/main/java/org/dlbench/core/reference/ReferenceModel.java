package org.dlbench.core.reference;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.dlbench.core.data.Batch;
import org.dlbench.core.data.Feed;
import org.dlbench.core.data.Weights;
import org.dlbench.core.workload.ParamSpec;
import org.dlbench.core.workload.Stage;
import org.dlbench.core.workload.Workload;
import org.dlbench.core.workload.layer.Activation;
import org.dlbench.core.workload.layer.Params;
import org.dlbench.core.workload.layer.Tensor;

/**
 * The reference forward pass: logits [batch, classes] from features [batch, input...], computed in double from
 * start to end (parameters, activations and sums) and rounded to float once at the end. Each stage runs its layer's
 * own maths ({@link org.dlbench.core.workload.layer.Layer#forward}) on the outputs of the stages it reads;
 * {@link ReferenceTraining} runs the same pass in training mode and differentiates it.
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
        return logits(trace(workload, params, null, List.of(input(workload, features, batch)), false));
    }

    /** Logits [batch, classes] of a batch with any inputs (ids included). */
    public float[] forward(Batch batch) {
        return logits(trace(workload, params, null, inputs(workload, batch), false));
    }

    private static float[] logits(Tensor[] trace) {
        double[] logits = trace[trace.length - 1].data();
        float[] out = new float[logits.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) logits[i];
        }
        return out;
    }

    /** Every tensor of the workload in double, by canonical name and in canonical layout. */
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

    /** A batch of features as the graph's input tensor, in double. */
    static Tensor input(Workload workload, float[] features, int batch) {
        double[] x = new double[features.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = features[i];
        }
        return new Tensor(batch, workload.inputShape(), x);
    }

    /** A batch's model inputs as tensors in double (ids as exact integer values), in the workload's input order. */
    static List<Tensor> inputs(Workload workload, Batch batch) {
        if (batch.inputs().size() != workload.inputs().size()) {
            throw new IllegalArgumentException("workload " + workload.name() + " has " + workload.inputs().size()
                    + " inputs, the batch " + batch.inputs().size());
        }
        List<Tensor> out = new java.util.ArrayList<>();
        for (int k = 0; k < batch.inputs().size(); k++) {
            Feed f = batch.inputs().get(k);
            int[] shape = workload.inputs().get(k).shape();
            double[] x = new double[f.length()];
            if (f instanceof Feed.Floats fl) {
                for (int i = 0; i < x.length; i++) {
                    x[i] = fl.values()[i];
                }
            } else if (f instanceof Feed.Ids ids) {
                for (int i = 0; i < x.length; i++) {
                    x[i] = ids.values()[i];
                }
            }
            if (x.length != batch.size() * Tensor.size(shape)) {
                throw new IllegalArgumentException("input " + workload.inputs().get(k).name() + " of workload "
                        + workload.name() + " needs " + batch.size() * Tensor.size(shape) + " values, got " + x.length);
            }
            out.add(new Tensor(batch.size(), shape, x));
        }
        return out;
    }

    /**
     * The batch through every stage: element {@code i} is the output of stage {@code i}; the last holds the logits.
     * In training mode, batch statistics are used and state tensors in {@code params} are updated.
     *
     * @param grads gradient accumulators by name (null when no backward pass follows)
     */
    static Tensor[] trace(Workload workload, Map<String, double[]> params, Map<String, double[]> grads,
                          List<Tensor> input, boolean training) {
        return trace(workload, params, grads, input, training, null);
    }

    /** {@link #trace}, with the activation inputs watched for units near a kink ({@code watch} may be null). */
    static Tensor[] trace(Workload workload, Map<String, double[]> params, Map<String, double[]> grads,
                          List<Tensor> input, boolean training, KinkWatch watch) {
        List<Stage> stages = workload.stages();
        Tensor[] out = new Tensor[stages.size()];
        for (Stage stage : stages) {
            out[stage.index()] = stage.layer().forward(stage.shapes(), inputs(stage, out, input),
                    view(stage, params, grads, training, watch));
        }
        return out;
    }

    /** The tensors a stage reads, from the outputs so far (index -1 - k is model input k). */
    static List<Tensor> inputs(Stage stage, Tensor[] outputs, List<Tensor> input) {
        return stage.inputs().stream().map(i -> i < 0 ? input.get(-1 - i) : outputs[i]).toList();
    }

    /** A stage's tensors by role. */
    static Params view(Stage stage, Map<String, double[]> params, Map<String, double[]> grads, boolean training) {
        return view(stage, params, grads, training, null);
    }

    /** {@link #view}, reporting activation inputs to {@code watch} and taking its flip (when not null). */
    static Params view(Stage stage, Map<String, double[]> params, Map<String, double[]> grads, boolean training,
                       KinkWatch watch) {
        return new Params() {
            @Override
            public double activate(Activation activation, int index, double z) {
                if (watch != null) {
                    watch.input(stage.index(), index, activation.kinkDistance(z));
                }
                return activation.apply(z);
            }

            @Override
            public double activationDerivative(Activation activation, int index, double y) {
                double d = activation.derivativeFromOutput(y);
                return watch != null && watch.flips(stage.index(), index) ? 1.0 - d : d;
            }

            @Override
            public double[] value(String role) {
                return params.get(stage.param(role).name());
            }

            @Override
            public double[] gradient(String role) {
                ParamSpec p = stage.param(role);
                if (grads == null || !p.trainable()) {
                    throw new IllegalStateException(p.name() + " has no gradient here");
                }
                return grads.get(p.name());
            }

            @Override
            public boolean training() {
                return training;
            }
        };
    }
}
