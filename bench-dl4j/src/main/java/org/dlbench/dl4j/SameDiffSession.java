package org.dlbench.dl4j;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.dlbench.core.adapter.Session;
import org.dlbench.core.adapter.SessionSpec;
import org.dlbench.core.data.Batch;
import org.dlbench.core.data.Feed;
import org.dlbench.core.workload.ModelInput;
import org.dlbench.core.workload.ParamSpec;
import org.dlbench.core.workload.Stage;
import org.dlbench.core.workload.Workload;
import org.dlbench.core.workload.layer.Attention;
import org.dlbench.core.workload.layer.BatchNorm;
import org.dlbench.core.workload.layer.Conv2d;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.api.OutAndGrad;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.Sgd;

/**
 * A workload as a SameDiff graph: inference is {@code output(placeholders, "logits")}; a training step computes the
 * loss and all gradients in one pass with {@code calculateGradientsAndOutputs} and applies ND4J's {@link Sgd}
 * updater to each variable, the same two calls SameDiff's own {@code fit()} makes per variable. Embedding tables get
 * their gradient from the same pass as the gradient of the looked-up rows, added into a dense table-sized gradient
 * with {@code scatter_add} (see {@link SameDiffGraphs}: SameDiff's own gather gradient is wrong), then the same
 * updater.
 *
 * <p>Why not {@code fit()}: in 1.0.0-M2.1 its backward pass only needs the loss gradient, so the loss op never runs
 * and the reported loss is 0.0 ({@code fit(DataSet)} also returns no loss curve). Asking for the loss as an output of
 * the same pass is the public way to get the loss before the update without a second forward pass.
 */
final class SameDiffSession implements Session {
    /** Input and label arrays reused by every call, refilled in place (see {@link Arrays4j.Reused}). */
    private final List<Feeds> inputs = new ArrayList<>();
    private final Arrays4j.Reused labels = new Arrays4j.Reused();
    private final Workload workload;
    private final SameDiff sd;
    private final SameDiffGraphs.Graph graph;
    /** The trainable tensors autodiff gives a gradient for: all but the embedding tables (graph constants). */
    private final List<String> variables;
    /** What a training step asks autodiff for: {@link #variables} and the looked-up rows of every lookup. */
    private final List<String> gradientsOf;
    /** One dense gradient per embedding table, zeroed and filled by each step. */
    private final Map<String, INDArray> tableGradients = new LinkedHashMap<>();
    /** The batchnorm stages, whose running statistics each training step updates. */
    private final List<Stage> batchNorms;
    /** What a training step asks the graph for: the loss, then each batchnorm's batch mean and variance. */
    private final List<String> outputs;
    private final Map<String, GradientUpdater> updaters;
    private final Map<String, String> settings;
    private final NativeGarbage garbage = new NativeGarbage();
    private int iteration;
    private boolean closed;

    private SameDiffSession(Workload workload, SameDiffGraphs.Graph graph, Map<String, String> settings) {
        this.workload = workload;
        this.graph = graph;
        this.sd = graph.sd();
        this.settings = settings;
        this.variables = new ArrayList<>();
        this.updaters = new LinkedHashMap<>();
        this.batchNorms = workload.stages().stream().filter(st -> st.layer() instanceof BatchNorm).toList();
        this.outputs = new ArrayList<>(List.of(SameDiffGraphs.LOSS));
        for (Stage st : batchNorms) {
            outputs.add(SameDiffGraphs.batchMean(st));
            outputs.add(SameDiffGraphs.batchVar(st));
        }
        this.gradientsOf = new ArrayList<>();
        for (SameDiffGraphs.Lookup l : graph.lookups()) {
            outputs.add(l.rows());
            gradientsOf.add(l.values());
            tableGradients.put(l.table(), null); // allocated on the first step (training sessions only)
        }
        for (int k = 0; k < workload.inputs().size(); k++) {
            inputs.add(new Feeds());
        }
        Sgd sgd = new Sgd(workload.learningRate());
        for (ParamSpec p : workload.trainableParams()) {
            updaters.put(p.name(), sgd.instantiate((INDArray) null, true)); // plain SGD keeps no state
            if (!tableGradients.containsKey(p.name())) {
                variables.add(p.name());
            }
        }
        gradientsOf.addAll(0, variables);
    }

    static SameDiffSession open(SessionSpec spec) {
        Dl4jRuntime.start(spec);
        Workload w = spec.workload();
        SameDiffGraphs.Graph graph = SameDiffGraphs.build(w, spec.weights());
        Map<String, String> s = new LinkedHashMap<>(Dl4jRuntime.settings());
        s.put("network", "SameDiff");
        s.put("conv_weights_format", "YXIO");
        s.put("dense_op", "mmul+bias_add");
        if (!graph.lookups().isEmpty()) {
            s.put("ids", "int64 placeholders, gather");
            s.put("embedding_gradient", "dense: autodiff gradient of the looked-up rows, scatter_add into a zeroed"
                    + " table-sized gradient (SameDiff's gather gradient is wrong in 1.0.0-M2.1)");
        }
        if (graph.lstmOp() != null) {
            s.put("lstm_op", graph.lstmOp());
        }
        if (w.stages().stream().anyMatch(st -> st.layer() instanceof Attention)) {
            s.put("attention_op", "mmul on [N*heads, T, dh], softmax, constant causal mask");
        }
        s.put("loss", "softmaxCrossEntropy(mean)");
        if (SameDiffGraphs.hasBatchNorm(w)) {
            s.put("batchnorm", "infer: nn.batchNorm on running statistics; train: batch mean/variance ops, running"
                    + " statistics updated after each step");
        }
        s.put("train_step", "calculateGradientsAndOutputs+Sgd(" + w.learningRate() + ")");
        s.put("native_gc", NativeGarbage.setting());
        return new SameDiffSession(w, graph, Collections.unmodifiableMap(s));
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
        if (!workload.singleFloatInput()) {
            throw new IllegalStateException(workload.name() + " has inputs " + workload.inputs() + ": call infer(Batch)");
        }
        INDArray x = inputs.get(0).floats.features(workload, features);
        ModelInput in = workload.inputs().get(0);
        return logits(Map.of(SameDiffGraphs.placeholder(in), x));
    }

    @Override
    public float[] infer(Batch batch) {
        return logits(feed(batch));
    }

    private float[] logits(Map<String, INDArray> placeholders) {
        INDArray out = sd.output(placeholders, SameDiffGraphs.LOGITS).get(SameDiffGraphs.LOGITS);
        float[] logits = Arrays4j.toFloats(out);
        garbage.afterCall();
        return logits;
    }

    /** Every model input of the batch in its reused array, by placeholder name. */
    private Map<String, INDArray> feed(Batch batch) {
        Map<String, INDArray> out = new HashMap<>();
        for (int k = 0; k < workload.inputs().size(); k++) {
            Feeds reused = inputs.get(k);
            long[] shape = batch.shape(k);
            Feed f = batch.inputs().get(k);
            // Feed is sealed: Floats or Ids
            INDArray a = f instanceof Feed.Ids ids ? reused.ids(ids, shape)
                    : reused.floats.fill(((Feed.Floats) f).values(), shape);
            out.put(SameDiffGraphs.placeholder(workload.inputs().get(k)), a);
        }
        return out;
    }

    /**
     * One forward and backward pass, then {@code w -= lr * dL/dw} for every variable; returns the mean loss before.
     * An embedding table's dL/dw is the gradient of its looked-up rows added up per table row. Batchnorm's running
     * statistics then move towards the batch's as {@link BatchNorm} defines (momentum = weight of the batch; the
     * unbiased batch variance for {@code running_var}), from the batch statistics the same pass output.
     */
    @Override
    public float trainStep(Batch batch) {
        Map<String, INDArray> placeholders = feed(batch);
        placeholders.put(SameDiffGraphs.LABELS,
                labels.fill(batch.oneHot(), new long[] {batch.size(), batch.classes()}));
        OutAndGrad result = sd.calculateGradientsAndOutputs(placeholders, outputs, gradientsOf);
        float loss = result.getOutputs().get(SameDiffGraphs.LOSS).getFloat(0);
        Map<String, INDArray> gradients = result.getGradients();
        for (String name : variables) {
            INDArray g = gradients.get(name);
            updaters.get(name).applyUpdater(g, iteration, 0); // g *= lr, in place
            sd.getVariable(name).getArr().subi(g);
        }
        if (!tableGradients.isEmpty()) {
            updateTables(result);
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
        garbage.afterCall();
        return loss;
    }

    /**
     * Each table's gradient: zero, then every lookup of it adds the gradient of each looked-up row [dim] to the
     * table row it came from (repeated rows add up); then the SGD update over the whole table, as for any variable.
     */
    private void updateTables(OutAndGrad result) {
        for (Map.Entry<String, INDArray> e : tableGradients.entrySet()) {
            if (e.getValue() == null) {
                e.setValue(Nd4j.zerosLike(sd.getVariable(e.getKey()).getArr()));
            } else {
                e.getValue().assign(0);
            }
        }
        for (SameDiffGraphs.Lookup l : graph.lookups()) {
            INDArray table = tableGradients.get(l.table());
            INDArray rows = result.getOutputs().get(l.rows()).reshape(-1);
            // scatter_add reads its updates as [rows, dim] in row-major order: a dense 'c' copy
            INDArray values = result.getGradients().get(l.values()).dup('c').reshape(-1, l.dim());
            Nd4j.exec(DynamicCustomOp.builder("scatter_add").addInputs(table, rows, values).addOutputs(table).build());
        }
        for (Map.Entry<String, INDArray> e : tableGradients.entrySet()) {
            updaters.get(e.getKey()).applyUpdater(e.getValue(), iteration, 0);
            sd.getVariable(e.getKey()).getArr().subi(e.getValue());
        }
    }

    /**
     * The graph's trainable variables in canonical names and layouts: weights of dense layers, LSTM layers and
     * attention projections are stored [in, out] ({@code x W}) and are transposed back to [out, in]; conv weights are
     * stored YXIO [kH, kW, in, out] and are permuted back to [out, in, kH, kW]; depthwise weights are stored
     * [kH, kW, C, mult] and go back to [C * mult, 1, kH, kW]; embedding tables, position tables, biases, gamma and
     * beta are canonical already.
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
                if (graph.transposed().contains(p.name())) {
                    canonical = a.transpose();
                } else if (stage.layer() instanceof Conv2d c && p.role().equals("weight")) {
                    // [C, mult, kH, kW] is the order of [C * mult, 1, kH, kW]
                    canonical = c.groups() == 1 ? a.permute(3, 2, 0, 1) : a.permute(2, 3, 0, 1);
                } else {
                    canonical = a;
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

    /**
     * One model input's reused array: float features through {@link Arrays4j.Reused}, ids as int64 refilled in place
     * (widened from the feed's ints).
     */
    private static final class Feeds {
        private final Arrays4j.Reused floats = new Arrays4j.Reused();
        private INDArray ids;
        private long[] widened;

        INDArray ids(Feed.Ids feed, long[] shape) {
            int[] values = feed.values();
            if (widened == null || widened.length != values.length) {
                widened = new long[values.length];
            }
            for (int i = 0; i < values.length; i++) {
                widened[i] = values[i];
            }
            if (ids == null || !java.util.Arrays.equals(ids.shape(), shape)) {
                ids = Nd4j.createFromArray(widened).reshape(shape);
            } else {
                ids.data().setData(widened);
            }
            return ids;
        }
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
        for (String name : updaters.keySet()) {
            INDArray a = sd.getVariable(name).getArr();
            if (a != null && a.closeable()) {
                a.close();
            }
        }
    }
}
