package org.dlbench.dl4j;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.mkldnn.BaseMKLDNNHelper;
import org.dlbench.core.adapter.Session;
import org.dlbench.core.adapter.SessionSpec;
import org.dlbench.core.data.Batch;
import org.dlbench.core.data.Feed;
import org.dlbench.core.workload.Workload;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.MultiDataSet;

/**
 * A workload as a DL4J {@link ComputationGraph} (a graph, so residual joins can be expressed; a chain is a graph
 * too): inference is {@code output()}, a training step is one {@code fit(DataSet)}, as DL4J's own examples do it.
 */
final class Dl4jSession implements Session {
    /** Input and label arrays reused by every call, refilled in place (see {@link Arrays4j.Reused}). */
    private final Arrays4j.Reused inputs = new Arrays4j.Reused();
    private final Arrays4j.Reused labels = new Arrays4j.Reused();
    /** One reused array per model input, for workloads with ids or several inputs. */
    private final Arrays4j.Reused[] feeds;
    /** One float input that needs no conversion (not a sequence): fed as {@code DataSet} features, as before. */
    private final boolean direct;
    private final Workload workload;
    private final Networks.Plan plan;
    private final ComputationGraph logits;
    private final ComputationGraph training;
    private final Map<String, String> settings;
    private boolean closed;

    private Dl4jSession(Workload workload, Networks.Plan plan, ComputationGraph logits, ComputationGraph training,
                        Map<String, String> settings) {
        this.workload = workload;
        this.plan = plan;
        this.logits = logits;
        this.training = training;
        this.settings = settings;
        this.direct = workload.singleFloatInput() && workload.inputShape().length != 2;
        this.feeds = new Arrays4j.Reused[workload.inputs().size()];
        for (int k = 0; k < feeds.length; k++) {
            feeds[k] = new Arrays4j.Reused();
        }
    }

    static Dl4jSession open(SessionSpec spec) {
        Dl4jRuntime.start(spec);
        Workload w = spec.workload();
        Networks.Plan plan = Networks.plan(w);

        ComputationGraph training = new ComputationGraph(Networks.configuration(w, plan, true));
        training.init();
        Networks.load(training, w, plan, spec.weights());
        // the logits graph uses the training graph's parameter array itself (no clone): every SGD update
        // fit() makes in place is what the next output() sees
        ComputationGraph logits = new ComputationGraph(Networks.configuration(w, plan, false));
        logits.init(training.params(), false);

        Map<String, String> s = new LinkedHashMap<>(Dl4jRuntime.settings());
        s.put("network", "ComputationGraph");
        // the gate DL4J's own oneDNN layer helpers ask; in M2.1 it looks for a class ND4J moved, so false in every build
        s.put("dl4j_layer_onednn_helpers", Boolean.toString(BaseMKLDNNHelper.mklDnnEnabled()));
        s.put("workspace_mode", "training=" + training.getConfiguration().getTrainingWorkspaceMode()
                + ",inference=" + logits.getConfiguration().getInferenceWorkspaceMode());
        s.put("cache_mode", logits.getConfiguration().getCacheMode().name());
        s.put("convolution_mode", Networks.CONVOLUTION_MODE.name());
        s.put("loss", "LossLayer(softmax, MCXENT softmaxClipEps=" + Networks.SOFTMAX_CLIP_EPS + ")");
        s.put("updater", "Sgd(" + w.learningRate() + ")");
        return new Dl4jSession(w, plan, logits, training, Collections.unmodifiableMap(s));
    }

    @Override
    public String engineVersion() {
        return Dl4jRuntime.version();
    }

    @Override
    public Map<String, String> settings() {
        return settings;
    }

    @Override
    public float[] infer(float[] features) {
        if (!direct) {
            int n = features.length / workload.inputSize();
            return infer(new Batch(features, new int[n], n, workload.inputShape(), workload.classes()));
        }
        INDArray out = logits.outputSingle(false, inputs.features(workload, features));
        return Arrays4j.toFloats(out);
    }

    /** Every model input as a DL4J array; a single float input goes the way {@link #infer(float[])} takes it. */
    @Override
    public float[] infer(Batch batch) {
        if (direct) {
            return infer(batch.features());
        }
        return Arrays4j.toFloats(logits.output(false, fill(batch))[0]);
    }

    /**
     * The batch's inputs in DL4J's layout, in the reused arrays: ids converted to float32 (exact: {@link Networks}
     * refuses tables above 2^24 rows) with the row offsets of embedding-bag tables added, flat per sample, float
     * sequences {@code [N, T, D]} transposed to features-first {@code [N, D, T]}.
     * This conversion is part of filling the input, outside the network call, as every engine's feed.
     */
    private INDArray[] fill(Batch batch) {
        INDArray[] out = new INDArray[feeds.length];
        for (int k = 0; k < feeds.length; k++) {
            Feed feed = batch.inputs().get(k);
            long[] shape = batch.shape(k);
            float[] values;
            if (feed instanceof Feed.Ids ids) {
                values = ids.asFloats();
                int[] offsets = plan.idOffsets()[k];
                if (offsets != null) {
                    for (int i = 0; i < values.length; i++) {
                        values[i] += offsets[i % offsets.length];
                    }
                }
                shape = new long[] {shape[0], values.length / shape[0]};
            } else if (feed instanceof Feed.Floats floats) {
                values = floats.values();
                if (shape.length == 3) {
                    values = stepsLast(values, (int) shape[0], (int) shape[1], (int) shape[2]);
                    shape = new long[] {shape[0], shape[2], shape[1]};
                }
            } else {
                throw new IllegalStateException("unknown feed " + feed);
            }
            out[k] = feeds[k].fill(values, shape);
        }
        return out;
    }

    /** Row-major [n, t, d] to [n, d, t]. */
    private static float[] stepsLast(float[] x, int n, int t, int d) {
        float[] out = new float[x.length];
        for (int b = 0; b < n; b++) {
            for (int i = 0; i < t; i++) {
                for (int j = 0; j < d; j++) {
                    out[(b * d + j) * t + i] = x[(b * t + i) * d + j];
                }
            }
        }
        return out;
    }

    /**
     * One {@code fit()} on the batch (a {@code MultiDataSet} when the workload has several or integer inputs). {@code score()} is then the loss of that fit's forward pass, i.e. before the
     * update: DL4J computes score and gradients together and applies the step afterwards without rescoring. It is
     * the mean over the batch (MCXENT averages over the minibatch) plus a regularisation term that is zero here.
     */
    @Override
    public float trainStep(Batch batch) {
        INDArray y = labels.fill(batch.oneHot(), new long[] {batch.size(), batch.classes()});
        if (direct) {
            training.fit(new DataSet(inputs.features(workload, batch.features()), y));
        } else {
            training.fit(new MultiDataSet(fill(batch), new INDArray[] {y}));
        }
        return (float) training.score();
    }

    /** The training network's parameters in canonical names and layouts (see {@link Networks#read}). */
    @Override
    public Map<String, float[]> parameters() {
        return Networks.read(training, workload, plan);
    }

    /** For tests: the network {@code infer} runs (its parameters are the training network's). */
    ComputationGraph logitsNetwork() {
        return logits;
    }

    /** For tests: the network {@code trainStep} fits. */
    ComputationGraph trainingNetwork() {
        return training;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            // frees the shared parameters, gradients, updater state and this thread's workspaces
            training.close();
        }
    }
}
