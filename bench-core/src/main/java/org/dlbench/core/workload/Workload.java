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

    private Workload(WorkloadSpec spec, int[] inputShape, List<Stage> stages) {
        this.spec = spec;
        this.inputShape = inputShape;
        this.stages = stages;
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
        if (spec.input() == null || spec.input().isEmpty()) {
            throw new WorkloadException("input: missing (give [features] or [channels, height, width])");
        }
        if (spec.input().size() != 1 && spec.input().size() != 3) {
            throw new WorkloadException("input: must be [features] or [channels, height, width], got " + spec.input());
        }
        for (int i = 0; i < spec.input().size(); i++) {
            element(spec.input().get(i), "input[" + i + "]");
        }
        if (!"float32".equals(spec.inputType())) {
            throw new WorkloadException("inputType: '" + spec.inputType() + "' is not supported (known: float32)");
        }
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

        int[] inputShape = spec.input().stream().mapToInt(Integer::intValue).toArray();
        values(inputShape, "input");
        List<Stage> stages = new ArrayList<>();
        Map<String, Integer> index = new HashMap<>();
        List<Boolean> needsGradient = new ArrayList<>(); // a stage whose output depends on some trainable tensor
        for (int i = 0; i < spec.nodes().size(); i++) {
            Node node = spec.nodes().get(i);
            if (node == null || node.layer() == null) {
                throw new WorkloadException((node == null ? "nodes[" + i + "]" : node.origin()) + ": null");
            }
            String at = node.origin();
            String context = node.context().isEmpty() ? "" : " (" + node.context() + ")";
            if (node.name() == null || node.name().isBlank() || node.name().equals(INPUT)
                    || !node.name().matches("[A-Za-z0-9_.]+")) {
                throw new WorkloadException(at + ".name: must be letters, digits, '_' or '.' and not '" + INPUT
                        + "', got '" + node.name() + "'" + context);
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
            List<Integer> inputs = new ArrayList<>();
            List<int[]> ins = new ArrayList<>();
            boolean inputGradient = false;
            for (String from : node.inputs()) {
                if (from == null) {
                    throw new WorkloadException(at + ".inputs: holds null" + context);
                }
                if (from.equals(INPUT)) {
                    inputs.add(-1);
                    ins.add(inputShape.clone());
                    continue;
                }
                Integer source = index.get(from);
                if (source == null) {
                    throw new WorkloadException(at + ".inputs: '" + from + "' is not '" + INPUT
                            + "' or an earlier node" + context);
                }
                inputs.add(source);
                ins.add(stages.get(source).out());
                inputGradient |= needsGradient.get(source);
            }
            int[] out;
            try {
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
            stages.add(new Stage(i, node.name(), layer, List.copyOf(inputs), List.copyOf(ins), out, params,
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
        return new Workload(spec, inputShape, Collections.unmodifiableList(stages));
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

    /** Sample shape without the batch dimension. */
    public int[] inputShape() {
        return inputShape.clone();
    }

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
