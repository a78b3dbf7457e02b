package org.dlbench.core.workload;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.dlbench.core.json.JsonErrors;
import org.dlbench.core.workload.layer.Layer;
import org.dlbench.core.workload.layer.LayerException;
import org.dlbench.core.workload.layer.Shapes;

/**
 * A validated workload: the definition plus what follows from it. Immutable; build with {@link #of}.
 */
public final class Workload {
    private final WorkloadSpec spec;
    private final int[] inputShape;
    private final List<Stage> stages;
    private final List<ModelInput> inputs;
    private final Family family;

    private Workload(WorkloadSpec spec, List<ModelInput> inputs, List<Stage> stages, Family family) {
        this.spec = spec;
        this.inputs = inputs;
        this.inputShape = inputs.get(0).shape();
        this.stages = stages;
        this.family = family;
    }

    /** The groups of workloads {@code --workloads} can name. */
    public enum Family {
        /** Image and dense models (mlp, lenet, resnet, mobilenet). */
        CNN,
        /** Token sequences: models with an embedding (lstm, transformer). */
        SEQUENCE,
        /** Sparse features: models with an embedding bag (dlrm). */
        SPARSE;

        /** The lower-case name the format and the command line use. */
        public String json() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        /** The family of a name, or null. */
        public static Family of(String name) {
            for (Family f : values()) {
                if (f.json().equals(name)) {
                    return f;
                }
            }
            return null;
        }
    }

    /** The name nodes use to read the model input. */
    public static final String INPUT = "input";
    /** The largest batch size dlbench measures. */
    public static final int MAX_BATCH = 65536;
    /** The most values one sample may have at any node, and the most elements of one tensor. */
    static final long MAX_VALUES = Integer.MAX_VALUE;

    /**
     * Validates a definition; a {@link WorkloadException} names the field by its JSON path and the reason, e.g.
     * {@code layers[2].units: must be a positive integer, got 0}, or for a node inside a block
     * {@code blocks.basic.nodes[0].groups: ... (in nodes[2] 'stage1' #0)}.
     */
    public static Workload of(WorkloadSpec spec) {
        if (spec == null) {
            throw new WorkloadException(JsonErrors.TOP + ": null; a workload is an object with name, input, classes "
                    + "and layers (or nodes)");
        }
        if (spec.name() == null || spec.name().isBlank()) {
            throw new WorkloadException("name: missing");
        }
        if (!spec.name().matches("[A-Za-z0-9_.-]+")) {
            throw new WorkloadException("name: may only hold letters, digits, '_', '.' and '-', got '" + spec.name()
                    + "'");
        }
        List<ModelInput> inputs = spec.inputs() == null ? List.of(singleInput(spec)) : modelInputs(spec.inputs());
        if (spec.classes() == null) {
            throw new WorkloadException("classes: missing");
        }
        if (spec.classes() < 2) {
            throw new WorkloadException("classes: must be at least 2, got " + spec.classes());
        }
        if (spec.nodes() == null || spec.nodes().isEmpty()) {
            throw new WorkloadException("layers: missing or empty (give 'layers', a chain, or 'nodes', a graph)");
        }
        for (int i = 0; i < spec.batchSizes().size(); i++) {
            Integer b = spec.batchSizes().get(i);
            element(b, "batchSizes[" + i + "]");
            if (b > MAX_BATCH) {
                throw new WorkloadException("batchSizes[" + i + "]: " + b + " is larger than dlbench allows ("
                        + MAX_BATCH + ")");
            }
        }
        if (!"sgd".equals(spec.training().optimizer())) {
            throw new WorkloadException("training.optimizer: '" + spec.training().optimizer()
                    + "' is not supported (known: sgd)");
        }
        if (!"softmax_cross_entropy".equals(spec.training().loss())) {
            throw new WorkloadException("training.loss: '" + spec.training().loss()
                    + "' is not supported (known: softmax_cross_entropy)");
        }
        double lr = spec.training().learningRate();
        if (!(lr > 0) || Double.isInfinite(lr)) {
            throw new WorkloadException("training.learningRate: must be a positive finite number, got " + lr);
        }

        List<Stage> stages = new ArrayList<>();
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> inputIndex = new HashMap<>();
        for (int k = 0; k < inputs.size(); k++) {
            inputIndex.put(inputs.get(k).name(), k);
        }
        boolean[] inputUsed = new boolean[inputs.size()];
        List<Boolean> needsGradient = new ArrayList<>(); // a stage whose output depends on some trainable tensor
        for (int i = 0; i < spec.nodes().size(); i++) {
            Node node = spec.nodes().get(i);
            if (node == null || node.layer() == null) {
                throw new WorkloadException((node == null ? "nodes[" + i + "]" : node.origin()) + ": null");
            }
            String at = node.origin();
            String context = node.context().isEmpty() ? "" : " (" + node.context() + ")";
            if (node.name() == null || node.name().isBlank() || node.name().equals(INPUT)
                    || inputIndex.containsKey(node.name()) || !node.name().matches("[A-Za-z0-9_.]+")) {
                throw new WorkloadException(at + ".name: must be letters, digits, '_' or '.' and not '" + INPUT
                        + "' or a model input's name, got '" + node.name() + "'" + context);
            }
            if (index.containsKey(node.name())) {
                throw new WorkloadException(at + ".name: another node is already called '" + node.name() + "'"
                        + context);
            }
            Layer layer = node.layer();
            if (node.inputs().size() < layer.minInputs() || node.inputs().size() > layer.maxInputs()) {
                throw new WorkloadException(at + ".inputs: " + layer.type() + " needs " + (layer.maxInputs()
                        == layer.minInputs() ? String.valueOf(layer.minInputs()) : layer.minInputs() + " or more")
                        + " input" + (layer.maxInputs() == 1 ? "" : "s") + ", got " + node.inputs() + context);
            }
            List<Integer> wired = new ArrayList<>();
            List<int[]> ins = new ArrayList<>();
            boolean inputGradient = false;
            for (String from : node.inputs()) {
                if (from == null) {
                    throw new WorkloadException(at + ".inputs: holds null" + context);
                }
                Integer model = inputIndex.get(from);
                if (model != null) {
                    ModelInput mi = inputs.get(model);
                    if (mi.type().ids() != layer.readsIds()) {
                        throw new WorkloadException(at + ".inputs: '" + from + "' is " + mi.type().json() + "; "
                                + (mi.type().ids() ? "only embedding and embeddingbag read ids"
                                : layer.type() + " reads integer ids (an int64 or int32 model input)") + context);
                    }
                    inputUsed[model] = true;
                    wired.add(-1 - model);
                    ins.add(mi.shape().clone());
                    continue;
                }
                Integer source = index.get(from);
                if (source == null) {
                    throw new WorkloadException(at + ".inputs: '" + from + "' is not "
                            + (inputs.size() == 1 && inputs.get(0).name().equals(INPUT) ? "'" + INPUT + "'"
                            : "a model input") + " or an earlier node" + context);
                }
                if (layer.readsIds()) {
                    throw new WorkloadException(at + ".inputs: " + layer.type() + " reads integer ids from a model "
                            + "input (int64 or int32), not the output of node '" + from + "'" + context);
                }
                wired.add(source);
                ins.add(stages.get(source).out());
                inputGradient |= needsGradient.get(source);
            }
            int[] out;
            try {
                layer = withVocabulary(layer, wired, inputs);
                out = layer.outputShape(ins);
            } catch (LayerException e) {
                throw new WorkloadException((e.field() == null ? at + ": " + layer.type() + " "
                        : at + "." + e.field() + ": ") + e.getMessage() + context, e);
            }
            values(out, at);
            Shapes shapes = new Shapes(List.copyOf(ins), out);
            List<ParamSpec> params = layer.params(shapes).stream()
                    .map(p -> new ParamSpec(Stage.paramName(node.name(), p.role()), p.role(), p.shape(), p.init(),
                            p.trainable()))
                    .toList();
            for (ParamSpec p : params) {
                long n = 1;
                for (int d : p.shape()) {
                    n *= d;
                }
                if (n > MAX_VALUES) {
                    throw new WorkloadException(at + ": the " + p.role() + " tensor would hold " + n
                            + " values, more than dlbench allows (" + MAX_VALUES + ")" + context);
                }
            }
            boolean trainable = params.stream().anyMatch(ParamSpec::trainable);
            stages.add(new Stage(i, node.name(), layer, List.copyOf(wired), List.copyOf(ins), out, params,
                    layer.forwardFlops(shapes), layer.backwardFlops(shapes, inputGradient)));
            needsGradient.add(inputGradient || trainable);
            index.put(node.name(), i);
        }
        boolean[] used = new boolean[stages.size()];
        used[stages.size() - 1] = true;
        for (int i = stages.size() - 1; i >= 0; i--) {
            if (!used[i]) {
                Node node = spec.nodes().get(i);
                throw new WorkloadException(node.origin() + ": node '" + node.name() + "' is not used: no path leads "
                        + "from it to the output (the last node, '" + stages.get(stages.size() - 1).name() + "')"
                        + (node.context().isEmpty() ? "" : " (" + node.context() + ")"));
            }
            for (int from : stages.get(i).inputs()) {
                if (from >= 0) {
                    used[from] = true;
                }
            }
        }
        int[] shape = stages.get(stages.size() - 1).out();
        if (shape.length != 1 || shape[0] != spec.classes()) {
            Node last = spec.nodes().get(spec.nodes().size() - 1);
            throw new WorkloadException(last.origin() + ": the last node outputs " + Arrays.toString(shape)
                    + " but classes is " + spec.classes() + "; end with a dense layer of " + spec.classes() + " units");
        }
        for (int k = 0; k < inputs.size(); k++) {
            if (!inputUsed[k]) {
                throw new WorkloadException("inputs[" + k + "]: no node reads input '" + inputs.get(k).name() + "'");
            }
        }
        Family family;
        if (spec.family() == null) {
            family = stages.stream().anyMatch(s -> s.layer() instanceof org.dlbench.core.workload.layer.EmbeddingBag)
                    ? Family.SPARSE
                    : stages.stream().anyMatch(s -> s.layer() instanceof org.dlbench.core.workload.layer.Embedding)
                    ? Family.SEQUENCE : Family.CNN;
        } else {
            family = Family.of(spec.family());
            if (family == null) {
                throw new WorkloadException("family: '" + spec.family() + "' is not known (known: cnn, sequence, "
                        + "sparse)");
            }
        }
        return new Workload(spec, List.copyOf(inputs), Collections.unmodifiableList(stages), family);
    }

    /** The one float32 input of a file that uses {@code input} and {@code inputType}. */
    private static ModelInput singleInput(WorkloadSpec spec) {
        if (spec.input() == null || spec.input().isEmpty()) {
            throw new WorkloadException("input: missing (give [features] or [channels, height, width], or 'inputs')");
        }
        if (spec.input().size() != 1 && spec.input().size() != 3) {
            throw new WorkloadException("input: must be [features] or [channels, height, width], got " + spec.input());
        }
        for (int i = 0; i < spec.input().size(); i++) {
            element(spec.input().get(i), "input[" + i + "]");
        }
        if (!"float32".equals(spec.inputType())) {
            throw new WorkloadException("inputType: '" + spec.inputType() + "' is not supported (known: float32; "
                    + "integer inputs are given in 'inputs')");
        }
        int[] shape = spec.input().stream().mapToInt(Integer::intValue).toArray();
        values(shape, "input");
        return new ModelInput(INPUT, shape, ModelInput.Type.FLOAT32, new int[0], 0);
    }

    /** The validated {@code inputs} list. */
    private static List<ModelInput> modelInputs(List<InputDef> defs) {
        if (defs.isEmpty()) {
            throw new WorkloadException("inputs: empty; give at least one model input");
        }
        List<ModelInput> out = new ArrayList<>();
        java.util.Set<String> names = new java.util.HashSet<>();
        for (int k = 0; k < defs.size(); k++) {
            InputDef d = defs.get(k);
            String at = "inputs[" + k + "]";
            if (d == null) {
                throw new WorkloadException(at + ": null");
            }
            if (d.name() == null || !d.name().matches("[A-Za-z0-9_]+")) {
                throw new WorkloadException(at + ".name: must be letters, digits or '_', got "
                        + (d.name() == null ? "nothing" : "'" + d.name() + "'"));
            }
            if (!names.add(d.name())) {
                throw new WorkloadException(at + ".name: another input is already called '" + d.name() + "'");
            }
            if (d.shape() == null || d.shape().isEmpty() || d.shape().size() > 3) {
                throw new WorkloadException(at + ".shape: must list 1 to 3 positive dimensions, got " + d.shape());
            }
            for (int i = 0; i < d.shape().size(); i++) {
                element(d.shape().get(i), at + ".shape[" + i + "]");
            }
            int[] shape = d.shape().stream().mapToInt(Integer::intValue).toArray();
            values(shape, at + ".shape");
            ModelInput.Type type = null;
            String t = d.type() == null ? "float32" : d.type();
            for (ModelInput.Type c : ModelInput.Type.values()) {
                if (c.json().equals(t)) {
                    type = c;
                }
            }
            if (type == null) {
                throw new WorkloadException(at + ".type: '" + t + "' is not known (known: float32, int64, int32)");
            }
            int[] vocabulary = new int[0];
            double signal = 0;
            if (type.ids()) {
                int rows = shape.length == 2 ? shape[0] : 1;
                List<Integer> v = d.vocabulary();
                if (v == null || v.isEmpty() || (v.size() != 1 && v.size() != rows) || v.contains(null)
                        || v.stream().anyMatch(x -> x <= 0)) {
                    throw new WorkloadException(at + ".vocabulary: must be a positive integer"
                            + (rows > 1 ? " or a list of " + rows + " (shape[0]) positive integers" : "") + ", got "
                            + (v == null ? "nothing" : v.size() == 1 ? v.get(0) : v));
                }
                vocabulary = v.stream().mapToInt(Integer::intValue).toArray();
                signal = d.signal() == null ? 0.25 : d.signal();
                if (!(signal >= 0 && signal <= 1)) {
                    throw new WorkloadException(at + ".signal: must lie in [0, 1], got " + d.signal());
                }
            } else {
                if (d.vocabulary() != null) {
                    throw new WorkloadException(at + ".vocabulary: only integer inputs (int64, int32) have one");
                }
                if (d.signal() != null) {
                    throw new WorkloadException(at + ".signal: only integer inputs (int64, int32) have one");
                }
            }
            out.add(new ModelInput(d.name(), shape, type, vocabulary, signal));
        }
        return out;
    }

    /** An embedding layer that reads a model input, with the vocabulary of that input filled in (or checked). */
    private static Layer withVocabulary(Layer layer, List<Integer> wired, List<ModelInput> inputs) {
        if (!layer.readsIds() || wired.isEmpty() || wired.get(0) >= 0) {
            return layer;
        }
        ModelInput in = inputs.get(-1 - wired.get(0));
        if (layer instanceof org.dlbench.core.workload.layer.Embedding e) {
            int v = in.vocabulary(0);
            for (int r = 1; r < in.rows(); r++) {
                v = Math.max(v, in.vocabulary(r));
            }
            if (e.vocabulary() == null) {
                return e.withVocabulary(v);
            }
            if (e.vocabulary() < v) {
                throw new LayerException("vocabulary", e.vocabulary() + " is smaller than input '" + in.name()
                        + "' needs (" + v + ")");
            }
            return e;
        }
        if (layer instanceof org.dlbench.core.workload.layer.EmbeddingBag b) {
            List<Integer> rows = new ArrayList<>();
            for (int r = 0; r < in.rows(); r++) {
                rows.add(in.vocabulary(r));
            }
            if (b.rows() == null) {
                return b.withRows(rows);
            }
            if (b.rows().size() == rows.size()) {
                for (int r = 0; r < rows.size(); r++) {
                    if (b.rows().get(r) != null && b.rows().get(r) < rows.get(r)) {
                        throw new LayerException("rows", "table " + r + " has " + b.rows().get(r) + " rows but input '"
                                + in.name() + "' draws ids below " + rows.get(r));
                    }
                }
            }
            return b;
        }
        return layer;
    }

    private static void element(Integer v, String path) {
        if (v == null) {
            throw new WorkloadException(path + ": null");
        }
        if (v <= 0) {
            throw new WorkloadException(path + ": must be a positive integer, got " + v);
        }
    }

    /** The values of one sample at a node must be countable with an int, as every engine indexes them. */
    private static void values(int[] shape, String path) {
        long n = 1;
        for (int d : shape) {
            n *= d;
            if (n > MAX_VALUES) {
                throw new WorkloadException(path + ": " + Arrays.toString(shape) + " holds more values per sample "
                        + "than dlbench allows (" + MAX_VALUES + ")");
            }
        }
    }

    public String name() {
        return spec.name();
    }

    public String description() {
        return spec.description();
    }

    public WorkloadSpec spec() {
        return spec;
    }

    /** The first model input's sample shape, without the batch dimension (the only input of most workloads). */
    public int[] inputShape() {
        return inputShape.clone();
    }

    /** The model inputs, in file order; stage index {@code -1 - k} reads input {@code k}. */
    public List<ModelInput> inputs() {
        return inputs;
    }

    /** The model input a negative stage index stands for. */
    public ModelInput input(int stageIndex) {
        if (stageIndex >= 0) {
            throw new IllegalArgumentException(stageIndex + " is a stage, not a model input");
        }
        return inputs.get(-1 - stageIndex);
    }

    /** The stage index that stands for model input {@code k}. */
    public static int inputIndex(int k) {
        return -1 - k;
    }

    /** True when the workload has exactly one model input, of float32 (every image and dense workload). */
    public boolean singleFloatInput() {
        return inputs.size() == 1 && !inputs.get(0).type().ids();
    }

    /** The workload's group: from the file's {@code family}, else derived from its layers. */
    public Family family() {
        return family;
    }

    /** Tokens one sample holds (the ids an {@code embedding} reads), 0 for workloads without token sequences. */
    public long tokensPerSample() {
        long n = 0;
        for (Stage s : stages) {
            if (s.layer() instanceof org.dlbench.core.workload.layer.Embedding) {
                n += Arrays.stream(s.in()).asLongStream().reduce(1, (a, b) -> a * b);
            }
        }
        return n;
    }

    /** Bytes one sample's forward pass reads by table lookup (counted apart from FLOPs). */
    public long lookupBytesPerSample() {
        return stages.stream().mapToLong(s -> s.layer().lookupBytes(s.shapes())).sum();
    }

    /** Bytes of every embedding table in float32 (the memory a sparse model's tables take). */
    public long embeddingBytes() {
        long n = 0;
        for (Stage s : stages) {
            if (s.layer().readsIds()) {
                n += 4 * s.params().stream().filter(p -> p.role().equals("weight")).mapToLong(ParamSpec::size).sum();
            }
        }
        return n;
    }

    /** Values per sample of the first model input. */
    public int inputSize() {
        return Arrays.stream(inputShape).reduce(1, (a, b) -> a * b);
    }

    public int classes() {
        return spec.classes();
    }

    public List<Stage> stages() {
        return stages;
    }

    /** True when every stage reads only the stage before it (or the input, for the first): a plain chain. */
    public boolean isChain() {
        for (Stage s : stages) {
            if (s.inputs().size() != 1 || s.inputs().get(0) != s.index() - 1) {
                return false;
            }
        }
        return true;
    }

    public List<Integer> defaultBatchSizes() {
        return spec.batchSizes();
    }

    public double learningRate() {
        return spec.training().learningRate();
    }

    /** Every tensor of the workload: trainable ones and state (batchnorm running statistics), in stage order. */
    public List<ParamSpec> params() {
        return stages.stream().flatMap(s -> s.params().stream()).toList();
    }

    /** The tensors SGD trains, in stage order. */
    public List<ParamSpec> trainableParams() {
        return params().stream().filter(ParamSpec::trainable).toList();
    }

    public long paramCount() {
        return stages.stream().mapToLong(Stage::paramCount).sum();
    }

    /** FLOPs of one sample's forward pass. */
    public long forwardFlops() {
        return stages.stream().mapToLong(Stage::forwardFlops).sum();
    }

    /**
     * FLOPs of one sample's training step: forward, softmax cross-entropy, backward (weight gradients and input
     * gradients where a trainable layer lies before) and the SGD update of the trainable tensors, spread over the batch.
     */
    public double trainFlopsPerSample(int batch) {
        long loss = 5L * classes();
        long backward = stages.stream().mapToLong(Stage::backwardFlops).sum();
        return forwardFlops() + loss + backward + 2.0 * paramCount() / batch;
    }

    @Override
    public String toString() {
        return name();
    }
}
