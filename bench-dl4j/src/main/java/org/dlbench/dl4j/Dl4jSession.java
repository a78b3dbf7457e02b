package org.dlbench.dl4j;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.mkldnn.BaseMKLDNNHelper;
import org.dlbench.core.adapter.Session;
import org.dlbench.core.adapter.SessionSpec;
import org.dlbench.core.data.Batch;
import org.dlbench.core.workload.Workload;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/**
 * A workload as a DL4J {@link ComputationGraph} (a graph, so residual joins can be expressed; a chain is a graph
 * too): inference is {@code output()}, a training step is one {@code fit(DataSet)}, as DL4J's own examples do it.
 */
final class Dl4jSession implements Session {
    /** Input and label arrays reused by every call, refilled in place (see {@link Arrays4j.Reused}). */
    private final Arrays4j.Reused inputs = new Arrays4j.Reused();
    private final Arrays4j.Reused labels = new Arrays4j.Reused();
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
        INDArray out = logits.outputSingle(false, inputs.features(workload, features));
        return Arrays4j.toFloats(out);
    }

    /**
     * One {@code fit()} on the batch. {@code score()} is then the loss of that fit's forward pass, i.e. before the
     * update: DL4J computes score and gradients together and applies the step afterwards without rescoring. It is
     * the mean over the batch (MCXENT averages over the minibatch) plus a regularisation term that is zero here.
     */
    @Override
    public float trainStep(Batch batch) {
        INDArray x = inputs.features(workload, batch.features());
        INDArray y = labels.fill(batch.oneHot(), new long[] {batch.size(), batch.classes()});
        training.fit(new DataSet(x, y));
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
