package org.dlbench.dl4j;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.dlbench.core.adapter.Session;
import org.dlbench.core.adapter.SessionSpec;
import org.dlbench.core.data.Batch;
import org.dlbench.core.workload.ParamSpec;
import org.dlbench.core.workload.Stage;
import org.dlbench.core.workload.Workload;
import org.dlbench.core.workload.layer.BatchNorm;
import org.dlbench.core.workload.layer.Conv2d;
import org.dlbench.core.workload.layer.Dense;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.autodiff.samediff.api.OutAndGrad;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.Sgd;

/**
 * A workload as a SameDiff graph: inference is {@code output(placeholders, "logits")}; a training step computes the
 * loss and all gradients in one pass with {@code calculateGradientsAndOutputs} and applies ND4J's {@link Sgd}
 * updater to each variable, the same two calls SameDiff's own {@code fit()} makes per variable.
 *
 * <p>Why not {@code fit()}: in 1.0.0-M2.1 its backward pass only needs the loss gradient, so the loss op never runs
 * and the reported loss is 0.0 ({@code fit(DataSet)} also returns no loss curve). Asking for the loss as an output of
 * the same pass is the public way to get the loss before the update without a second forward pass.
 */
final class SameDiffSession implements Session {
    /** Input and label arrays reused by every call, refilled in place (see {@link Arrays4j.Reused}). */
    private final Arrays4j.Reused inputs = new Arrays4j.Reused();
    private final Arrays4j.Reused labels = new Arrays4j.Reused();
    private final Workload workload;
    private final SameDiff sd;
    private final List<String> variables;
    /** The batchnorm stages, whose running statistics each training step updates. */
    private final List<Stage> batchNorms;
    /** What a training step asks the graph for: the loss, then each batchnorm's batch mean and variance. */
    private final List<String> outputs;
    private final Map<String, GradientUpdater> updaters;
    private final Map<String, String> settings;
    private int iteration;
    private boolean closed;

    private SameDiffSession(Workload workload, SameDiff sd, Map<String, String> settings) {
        this.workload = workload;
        this.sd = sd;
        this.settings = settings;
        this.variables = new ArrayList<>();
        this.updaters = new LinkedHashMap<>();
        this.batchNorms = workload.stages().stream().filter(st -> st.layer() instanceof BatchNorm).toList();
        this.outputs = new ArrayList<>(List.of(SameDiffGraphs.LOSS));
        for (Stage st : batchNorms) {
            outputs.add(SameDiffGraphs.batchMean(st));
            outputs.add(SameDiffGraphs.batchVar(st));
        }
        Sgd sgd = new Sgd(workload.learningRate());
        for (SDVariable v : sd.variables()) {
            if (v.getVariableType() == VariableType.VARIABLE) {
                variables.add(v.name());
                updaters.put(v.name(), sgd.instantiate((INDArray) null, true)); // plain SGD keeps no state
            }
        }
    }

    static SameDiffSession open(SessionSpec spec) {
        Dl4jRuntime.start(spec);
        Workload w = spec.workload();
        SameDiff sd = SameDiffGraphs.build(w, spec.weights());
        Map<String, String> s = new LinkedHashMap<>(Dl4jRuntime.settings());
        s.put("network", "SameDiff");
        s.put("conv_weights_format", "YXIO");
        s.put("dense_op", "mmul+bias_add");
        s.put("loss", "softmaxCrossEntropy(mean)");
        if (SameDiffGraphs.hasBatchNorm(w)) {
            s.put("batchnorm", "infer: nn.batchNorm on running statistics; train: batch mean/variance ops, running"
                    + " statistics updated after each step");
        }
        s.put("train_step", "calculateGradientsAndOutputs+Sgd(" + w.learningRate() + ")");
        return new SameDiffSession(w, sd, Collections.unmodifiableMap(s));
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
        INDArray x = inputs.features(workload, features);
        INDArray out = sd.output(Map.of(SameDiffGraphs.INPUT, x), SameDiffGraphs.LOGITS).get(SameDiffGraphs.LOGITS);
        return Arrays4j.toFloats(out);
    }

    /**
     * One forward and backward pass, then {@code w -= lr * dL/dw} for every variable; returns the mean loss before.
     * Batchnorm's running statistics then move towards the batch's as {@link BatchNorm} defines (momentum = weight of
     * the batch; the unbiased batch variance for {@code running_var}), from the batch statistics the same pass output.
     */
    @Override
    public float trainStep(Batch batch) {
        Map<String, INDArray> placeholders = Map.of(
                SameDiffGraphs.INPUT, inputs.features(workload, batch.features()),
                SameDiffGraphs.LABELS, labels.fill(batch.oneHot(), new long[] {batch.size(), batch.classes()}));
        OutAndGrad result = sd.calculateGradientsAndOutputs(placeholders, outputs, variables);
        float loss = result.getOutputs().get(SameDiffGraphs.LOSS).getFloat(0);
        Map<String, INDArray> gradients = result.getGradients();
        for (String name : variables) {
            INDArray g = gradients.get(name);
            updaters.get(name).applyUpdater(g, iteration, 0); // g *= lr, in place
            sd.getVariable(name).getArr().subi(g);
        }
        for (Stage stage : batchNorms) {
            BatchNorm b = (BatchNorm) stage.layer();
            double momentum = b.momentum();
            long n = (long) batch.size() * (stage.in().length == 3 ? (long) stage.in()[1] * stage.in()[2] : 1);
            double unbiased = n > 1 ? (double) n / (n - 1) : 1.0;
            INDArray mean = result.getOutputs().get(SameDiffGraphs.batchMean(stage));
            INDArray var = result.getOutputs().get(SameDiffGraphs.batchVar(stage));
            INDArray runningMean = sd.getVariable(stage.param("running_mean").name()).getArr();
            INDArray runningVar = sd.getVariable(stage.param("running_var").name()).getArr();
            runningMean.muli(1 - momentum).addi(mean.mul(momentum));
            runningVar.muli(1 - momentum).addi(var.mul(momentum * unbiased));
        }
        iteration++;
        return loss;
    }

    /**
     * The graph's trainable variables in canonical names and layouts: dense weights are stored [in, out] (x W + b)
     * and are transposed back to [out, in]; conv weights are stored YXIO [kH, kW, in, out] and are permuted back to
     * [out, in, kH, kW]; depthwise weights are stored [kH, kW, C, mult] and go back to [C * mult, 1, kH, kW]; biases,
     * gamma and beta are [n] already.
     */
    @Override
    public Map<String, float[]> parameters() {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (Stage stage : workload.stages()) {
            for (ParamSpec p : stage.params()) {
                if (!p.trainable()) {
                    continue;
                }
                INDArray a = sd.getVariable(p.name()).getArr();
                INDArray canonical;
                if (!p.role().equals("weight")) {
                    canonical = a;
                } else if (stage.layer() instanceof Dense) {
                    canonical = a.transpose();
                } else if (((Conv2d) stage.layer()).groups() == 1) {
                    canonical = a.permute(3, 2, 0, 1);
                } else {
                    canonical = a.permute(2, 3, 0, 1); // [C, mult, kH, kW], the order of [C * mult, 1, kH, kW]
                }
                out.put(p.name(), Arrays4j.toFloats(canonical));
            }
        }
        return out;
    }

    /** For tests: the running statistics (state) of every batchnorm stage, by canonical name. */
    Map<String, float[]> state() {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (Stage stage : batchNorms) {
            for (String role : List.of("running_mean", "running_var")) {
                String name = stage.param(role).name();
                out.put(name, Arrays4j.toFloats(sd.getVariable(name).getArr()));
            }
        }
        return out;
    }

    /** For tests: the graph with its variables. */
    SameDiff graph() {
        return sd;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        // SameDiff has no close(): free the variables' off-heap buffers now rather than at some later GC
        for (String name : variables) {
            INDArray a = sd.getVariable(name).getArr();
            if (a != null && a.closeable()) {
                a.close();
            }
        }
    }
}
