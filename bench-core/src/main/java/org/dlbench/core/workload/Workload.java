package org.dlbench.core.workload;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.dlbench.core.json.JsonErrors;

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

    /** The largest batch size dlbench measures. */
    public static final int MAX_BATCH = 65536;
    /** The most values one sample may have at any layer, and the most elements of one parameter tensor. */
    static final long MAX_VALUES = Integer.MAX_VALUE;

    /**
     * Validates a definition; a {@link WorkloadException} names the field by its JSON path (e.g.
     * {@code layers[2].units: must be a positive integer, got 0}) and the reason.
     */
    public static Workload of(WorkloadSpec spec) {
        if (spec == null) {
            throw new WorkloadException(JsonErrors.TOP + ": null; a workload is an object with name, input, classes "
                    + "and layers");
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
            throw new WorkloadException("input: must be [features] or [channels, height, width], got "
                    + spec.input());
        }
        for (int i = 0; i < spec.input().size(); i++) {
            element(spec.input().get(i), "input[" + i + "]");
        }
        if (spec.classes() == null) {
            throw new WorkloadException("classes: missing");
        }
        if (spec.classes() < 2) {
            throw new WorkloadException("classes: must be at least 2, got " + spec.classes());
        }
        if (spec.layers() == null || spec.layers().isEmpty()) {
            throw new WorkloadException("layers: missing or empty");
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

        int[] shape = spec.input().stream().mapToInt(Integer::intValue).toArray();
        values(shape, "input");
        int[] inputShape = shape.clone();
        List<Stage> stages = new ArrayList<>();
        boolean gradientNeeded = false; // no input gradient until the first trainable layer
        for (int i = 0; i < spec.layers().size(); i++) {
            Layer layer = spec.layers().get(i);
            String at = "layers[" + i + "]";
            if (layer == null) {
                throw new WorkloadException(at + ": null");
            }
            Stage stage = place(i, layer, shape, gradientNeeded, at);
            gradientNeeded |= !stage.params().isEmpty();
            values(stage.out(), at);
            stages.add(stage);
            shape = stage.out();
        }
        if (shape.length != 1 || shape[0] != spec.classes()) {
            throw new WorkloadException("layers[" + (spec.layers().size() - 1) + "]: the last layer outputs "
                    + Arrays.toString(shape) + " but classes is " + spec.classes() + "; end with a dense layer of "
                    + spec.classes() + " units");
        }
        return new Workload(spec, inputShape, Collections.unmodifiableList(stages));
    }

    private static Stage place(int i, Layer layer, int[] in, boolean gradientNeeded, String at) {
        if (layer instanceof Layer.Dense d) {
                if (in.length != 1) {
                    throw new WorkloadException(at + ": dense needs a flat input but gets " + Arrays.toString(in)
                            + "; put a flatten layer before it");
                }
                positive(d.units(), at + ".units");
                long n = in[0];
                long m = d.units();
                tensor(m * n, at + ".units");
                long fwd = 2 * n * m + m + actFlops(d.activation(), m);
                long bwd = 2 * n * m + m + actFlops(d.activation(), m) + (gradientNeeded ? 2 * n * m : 0);
                return new Stage(i, layer, in, new int[] {d.units()},
                        List.of(new ParamSpec(Stage.paramName(i, "weight"), new int[] {d.units(), in[0]}),
                                new ParamSpec(Stage.paramName(i, "bias"), new int[] {d.units()})),
                        fwd, bwd);
        }
        if (layer instanceof Layer.Conv2d c) {
                needImage(in, at, "conv2d");
                positive(c.filters(), at + ".filters");
                positive(c.kernel(), at + ".kernel");
                positive(c.stride(), at + ".stride");
                if (c.padding() < 0) {
                    throw new WorkloadException(at + ".padding: must be 0 or more, got " + c.padding());
                }
                int oh = outSize(in[1], c.kernel(), c.stride(), c.padding(), at);
                int ow = outSize(in[2], c.kernel(), c.stride(), c.padding(), at);
                tensor((long) c.filters() * in[0] * c.kernel() * c.kernel(), at + ".filters");
                long outputs = (long) c.filters() * oh * ow;
                long macs = outputs * in[0] * c.kernel() * c.kernel();
                long fwd = 2 * macs + outputs + actFlops(c.activation(), outputs);
                long bwd = 2 * macs + outputs + actFlops(c.activation(), outputs) + (gradientNeeded ? 2 * macs : 0);
                return new Stage(i, layer, in, new int[] {c.filters(), oh, ow},
                        List.of(new ParamSpec(Stage.paramName(i, "weight"),
                                        new int[] {c.filters(), in[0], c.kernel(), c.kernel()}),
                                new ParamSpec(Stage.paramName(i, "bias"), new int[] {c.filters()})),
                        fwd, bwd);
        }
        if (layer instanceof Layer.Pool p) {
            return pool(i, layer, p, in, gradientNeeded, at);
        }
        int size = Arrays.stream(in).reduce(1, (a, b) -> a * b);
        return new Stage(i, layer, in, new int[] {size}, List.of(), 0, 0);
    }

    private static Stage pool(int i, Layer layer, Layer.Pool p, int[] in, boolean gradientNeeded, String at) {
        needImage(in, at, layer.type());
        positive(p.kernel(), at + ".kernel");
        positive(p.stride(), at + ".stride");
        int oh = outSize(in[1], p.kernel(), p.stride(), 0, at);
        int ow = outSize(in[2], p.kernel(), p.stride(), 0, at);
        long flops = (long) in[0] * oh * ow * p.kernel() * p.kernel();
        return new Stage(i, layer, in, new int[] {in[0], oh, ow}, List.of(), flops, gradientNeeded ? flops : 0);
    }

    private static long actFlops(Activation a, long n) {
        return a == Activation.NONE ? 0 : n;
    }

    private static void needImage(int[] in, String at, String type) {
        if (in.length != 3) {
            throw new WorkloadException(at + ": " + type + " needs a [channels, height, width] input but gets "
                    + Arrays.toString(in));
        }
    }

    private static void positive(Integer v, String path) {
        if (v == null) {
            throw new WorkloadException(path + ": missing");
        }
        if (v <= 0) {
            throw new WorkloadException(path + ": must be a positive integer, got " + v);
        }
    }

    private static void element(Integer v, String path) {
        if (v == null) {
            throw new WorkloadException(path + ": null");
        }
        positive(v, path);
    }

    /** The values of one sample at a layer must be countable with an int, as every engine indexes them. */
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

    private static void tensor(long elements, String path) {
        if (elements > MAX_VALUES) {
            throw new WorkloadException(path + ": the weight tensor would hold " + elements
                    + " values, more than dlbench allows (" + MAX_VALUES + ")");
        }
    }

    private static int outSize(int size, int kernel, int stride, int padding, String at) {
        long span = size + 2L * padding - kernel;
        if (span < 0) {
            throw new WorkloadException(at + ".kernel: " + kernel + " is larger than its input " + size
                    + (padding > 0 ? " plus padding " + padding : "") + " (impossible shape)");
        }
        long out = span / stride + 1;
        if (out > MAX_VALUES) {
            throw new WorkloadException(at + ".padding: " + padding + " makes an output larger than dlbench allows");
        }
        return (int) out;
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

    public List<Layer> layers() {
        return spec.layers();
    }

    public List<Integer> defaultBatchSizes() {
        return spec.batchSizes();
    }

    public double learningRate() {
        return spec.training().learningRate();
    }

    public List<ParamSpec> params() {
        return stages.stream().flatMap(s -> s.params().stream()).toList();
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
     * gradients where a trainable layer lies before) and the SGD update, which is spread over the batch.
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
