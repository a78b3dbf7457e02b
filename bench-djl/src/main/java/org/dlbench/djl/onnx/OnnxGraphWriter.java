package org.dlbench.djl.onnx;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.dlbench.core.data.Weights;
import org.dlbench.core.workload.ModelInput;
import org.dlbench.core.workload.ParamSpec;
import org.dlbench.core.workload.Stage;
import org.dlbench.core.workload.Workload;
import org.dlbench.core.workload.layer.Activation;
import org.dlbench.core.workload.layer.Add;
import org.dlbench.core.workload.layer.Attention;
import org.dlbench.core.workload.layer.AvgPool2d;
import org.dlbench.core.workload.layer.BatchNorm;
import org.dlbench.core.workload.layer.Concat;
import org.dlbench.core.workload.layer.Conv2d;
import org.dlbench.core.workload.layer.Dense;
import org.dlbench.core.workload.layer.Dot;
import org.dlbench.core.workload.layer.Embedding;
import org.dlbench.core.workload.layer.EmbeddingBag;
import org.dlbench.core.workload.layer.Flatten;
import org.dlbench.core.workload.layer.Gelu;
import org.dlbench.core.workload.layer.GlobalAvgPool;
import org.dlbench.core.workload.layer.Layer;
import org.dlbench.core.workload.layer.LayerNorm;
import org.dlbench.core.workload.layer.Lstm;
import org.dlbench.core.workload.layer.MaxPool2d;
import org.dlbench.core.workload.layer.MeanPool;
import org.dlbench.djl.onnx.proto.AttributeProto;
import org.dlbench.djl.onnx.proto.GraphProto;
import org.dlbench.djl.onnx.proto.ModelProto;
import org.dlbench.djl.onnx.proto.NodeProto;
import org.dlbench.djl.onnx.proto.OperatorSetIdProto;
import org.dlbench.djl.onnx.proto.StringStringEntryProto;
import org.dlbench.djl.onnx.proto.TensorProto;
import org.dlbench.djl.onnx.proto.TensorShapeProto;
import org.dlbench.djl.onnx.proto.TypeProto;
import org.dlbench.djl.onnx.proto.ValueInfoProto;

/**
 * Writes a workload with its shared weights as an ONNX model: one graph input per model input, named as in the
 * workload ({@value #INPUT} for the classic single-input files), {@code [N, ...sample shape]}, float32 or, for ids,
 * int64; one output {@value #OUTPUT} [N, classes] (logits). Parameters are float32 initializers under their canonical
 * names and layouts, except the LSTM's, which are written reordered into ONNX's gate order under
 * {@code <node>.l<l>_W/_R/_B}; above {@link #INLINE_LIMIT} bytes they go to a side file {@value #DATA_FILE_NAME}
 * (ONNX external data). Pure: no engine is touched, so the result can be checked by parsing it back.
 *
 * <p>Translations: dense = {@code Gemm} (on a sequence: {@code Reshape [N*T, in]}, {@code Gemm}, {@code Reshape}
 * back, since Gemm is 2-D); embedding = {@code Gather} (+ {@code Add} position); embeddingbag = {@code Add} int64 table
 * offsets, {@code Gather}, {@code ReduceSum}/{@code ReduceMean}; lstm = one {@code LSTM} node per layer on
 * {@code [T, N, I]} (layout 0); layernorm = {@code LayerNormalization} (opset 17); gelu = {@code Div}, {@code Erf},
 * {@code Add}, {@code Mul}, {@code Mul}; attention = {@code Gemm} projections, {@code Reshape}/{@code Transpose} into
 * heads, {@code MatMul}, {@code Mul} by 1/sqrt(dh), {@code Add} of a constant causal mask, {@code Softmax},
 * {@code MatMul}, back, {@code Gemm}; dot = {@code Concat}, {@code MatMul} with the transpose, {@code Reshape},
 * {@code Gather} of the pairs; concat = {@code Concat}; meanpool = {@code ReduceMean}.
 */
public final class OnnxGraphWriter {
    /** IR 8 and opset 17: LayerNormalization needs 17; IR 8 carries opsets up to 18. */
    public static final long IR_VERSION = 8;
    public static final long OPSET = 17;
    /** The graph input of a workload with the classic single {@code input}. */
    public static final String INPUT = Workload.INPUT;
    public static final String OUTPUT = "logits";
    /** The symbolic batch dimension, so one file serves every batch size. */
    public static final String BATCH_DIM = "N";
    /** Changes whenever the graph written for the same workload changes; part of the cache key. */
    static final String FORMAT = "dlbench-onnx-3/ir" + IR_VERSION + "/opset" + OPSET;

    /** The file name inside a cached model directory. */
    public static final String FILE_NAME = "model.onnx";
    /** The side file beside {@link #FILE_NAME} holding the parameters of a model too large to inline. */
    public static final String DATA_FILE_NAME = "model.onnx.data";
    /**
     * Parameters above this many bytes together go to {@link #DATA_FILE_NAME} (ONNX external data): one protobuf
     * message cannot exceed 2 GB, and one inline tensor cannot exceed a Java array.
     */
    static final long INLINE_LIMIT = 1L << 30;

    /** ONNX's LSTM gate blocks i, o, f, c as canonical blocks (i, f, g, o). */
    private static final int[] ONNX_GATES = {0, 3, 1, 2};

    private OnnxGraphWriter() {
    }

    /**
     * The model file for this workload and these weights in the cache, written first if it is not there yet; a file
     * under the final name is always complete (atomic rename), so it is reused as is.
     */
    public static Path writeCached(ModelCache cache, String engine, Workload workload, Weights weights)
            throws IOException {
        return writeCached(cache, engine, workload, weights, INLINE_LIMIT);
    }

    /**
     * As {@link #writeCached(ModelCache, String, Workload, Weights)}, with every parameter in the side file when the
     * parameters take more than {@code inlineLimit} bytes; the side file is complete before the model file appears.
     */
    static Path writeCached(ModelCache cache, String engine, Workload workload, Weights weights, long inlineLimit)
            throws IOException {
        String key = ModelCache.key(cacheFormat(workload), workload, weights);
        Path dir = cache.directory(engine, workload, key);
        Path file = dir.resolve(FILE_NAME);
        if (Files.isRegularFile(file)) {
            return file;
        }
        long bytes = workload.params().stream().mapToLong(p -> (long) Float.BYTES * p.size()).sum();
        if (bytes <= inlineLimit) {
            ModelCache.writeAtomically(file, model(workload, weights, key).toByteArray());
            return file;
        }
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + DATA_FILE_NAME, ".tmp");
        try {
            ModelProto model;
            try (TensorData side = TensorData.external(tmp)) {
                model = model(workload, weights, key, side);
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
            ModelCache.publish(tmp, dir.resolve(DATA_FILE_NAME));
            ModelCache.writeAtomically(file, model.toByteArray());
        } finally {
            Files.deleteIfExists(tmp);
        }
        return file;
    }

    /** The format tag plus the model inputs (names and types become graph inputs, which the cache key must see). */
    static String cacheFormat(Workload workload) {
        return FORMAT + " inputs=" + workload.inputs();
    }

    /** The graph's output name: {@value #OUTPUT}, unless a model input already has that name. */
    static String outputName(Workload workload) {
        String out = OUTPUT;
        while (true) {
            String candidate = out;
            if (workload.inputs().stream().noneMatch(i -> i.name().equals(candidate))) {
                return out;
            }
            out = out + "_";
        }
    }

    /** The model with every tensor inline. */
    public static ModelProto model(Workload workload, Weights weights, String cacheKey) {
        return model(workload, weights, cacheKey, TensorData.INLINE);
    }

    private static ModelProto model(Workload workload, Weights weights, String cacheKey, TensorData data) {
        GraphProto.Builder graph = GraphProto.newBuilder().setName(workload.name());
        for (ModelInput input : workload.inputs()) {
            int type = input.type().ids() ? TensorProto.DataType.INT64_VALUE : TensorProto.DataType.FLOAT_VALUE;
            graph.addInput(valueInfo(input.name(), type, input.shape()));
        }
        List<Stage> stages = workload.stages();
        String[] outputs = new String[stages.size()];
        String x = null;
        for (Stage stage : stages) {
            List<String> in = stage.inputs().stream()
                    .map(i -> i < 0 ? workload.input(i).name() : outputs[i]).toList();
            x = addStage(graph, stage, in, weights, data);
            outputs[stage.index()] = x;
            if (!(stage.layer() instanceof Lstm)) {
                // the LSTM writes its own tensors, reordered into ONNX's gate order
                for (ParamSpec p : stage.params()) {
                    graph.addInitializer(data.floats(p.name(), p.shape(), weights.get(p.name())));
                }
            }
        }
        String output = outputName(workload);
        graph.addOutput(valueInfo(output, TensorProto.DataType.FLOAT_VALUE, new int[] {workload.classes()}));
        // the last node writes the graph output directly, so no Identity node sits in the timed path
        renameLastOutput(graph, x, output);
        return ModelProto.newBuilder()
                .setIrVersion(IR_VERSION)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .setProducerName("dlbench")
                .setProducerVersion(FORMAT)
                .setDocString(workload.description())
                .setGraph(graph)
                .addMetadataProps(entry("dlbench.workload", workload.name()))
                .addMetadataProps(entry("dlbench.key", cacheKey))
                .build();
    }

    /** Adds the nodes of one stage reading the values {@code in}; returns the name of its output value. */
    private static String addStage(GraphProto.Builder graph, Stage stage, List<String> in, Weights weights,
                                   TensorData data) {
        String base = stage.name();
        String x = in.get(0);
        int[] sample = stage.in();
        return stage.layer().accept(new Layer.Visitor<String>() {
            @Override
            public String embedding(Embedding layer) {
                // ids [N, T] int64 -> rows [N, T, dim]
                String y = node(graph, base, "Gather", base + ".gather", List.of(base + ".weight", x),
                        intAttr("axis", 0));
                if (!layer.positional()) {
                    return y;
                }
                return node(graph, base + ".position", "Add", base + ".positioned", List.of(y, base + ".position"));
            }

            @Override
            public String embeddingBag(EmbeddingBag layer) {
                // ids [N, tables, bag] (or [N, bag]) + each table's first row -> rows of the one weight
                int tables = EmbeddingBag.tables(sample);
                int[] offsets = layer.offsets();
                String ids = x;
                if (tables > 1 || offsets[0] != 0) {
                    long[] o = new long[tables];
                    for (int k = 0; k < tables; k++) {
                        o[k] = offsets[k];
                    }
                    graph.addInitializer(longTensor(base + ".offsets", new int[] {tables, 1}, o));
                    ids = node(graph, base + ".offset", "Add", base + ".rows", List.of(x, base + ".offsets"));
                }
                String rows = node(graph, base, "Gather", base + ".gather", List.of(base + ".weight", ids),
                        intAttr("axis", 0));
                // rows [N, tables, bag, dim]: reduce the bag axis
                long bagAxis = sample.length == 2 ? 2 : 1;
                if (layer.mean()) {
                    return node(graph, base + ".mean", "ReduceMean", base + ".bag", List.of(rows),
                            intsAttr("axes", bagAxis), intAttr("keepdims", 0));
                }
                graph.addInitializer(longTensor(base + ".axes", new int[] {1}, new long[] {bagAxis}));
                return node(graph, base + ".sum", "ReduceSum", base + ".bag", List.of(rows, base + ".axes"),
                        intAttr("keepdims", 0));
            }

            @Override
            public String lstm(Lstm layer) {
                int h = layer.hidden();
                String axis0 = constAxes(graph, base + ".axis0", 0);
                String axis1 = constAxes(graph, base + ".axis1", 1);
                // [N, T, I] -> [T, N, I]: ORT's CPU LSTM takes layout 0 only
                String seq = node(graph, base + ".to_time_major", "Transpose", base + ".tni", List.of(x),
                        intsAttr("perm", 1, 0, 2));
                for (int l = 0; l < layer.layers(); l++) {
                    int inputs = l == 0 ? sample[1] : h;
                    String w = base + "." + Lstm.role(l, "W");
                    String r = base + "." + Lstm.role(l, "R");
                    String b = base + "." + Lstm.role(l, "B");
                    graph.addInitializer(data.floats(w, new int[] {1, 4 * h, inputs},
                            onnxGates(weights.get(base + "." + Lstm.role(l, "weight_ih")), h, inputs)));
                    graph.addInitializer(data.floats(r, new int[] {1, 4 * h, h},
                            onnxGates(weights.get(base + "." + Lstm.role(l, "weight_hh")), h, h)));
                    // B = (input biases, recurrence biases): the one canonical bias, then zeros
                    float[] bias = new float[8 * h];
                    System.arraycopy(onnxGates(weights.get(base + "." + Lstm.role(l, "bias")), h, 1), 0, bias, 0,
                            4 * h);
                    graph.addInitializer(data.floats(b, new int[] {1, 8 * h}, bias));
                    boolean top = l == layer.layers() - 1;
                    String name = base + ".l" + l;
                    // Y [T, 1, N, H] feeds the next layer or the sequence output; Y_h [1, N, H] is the last state
                    String y = top && !layer.sequence() ? "" : name + ".y";
                    NodeProto.Builder n = graph.addNodeBuilder().setName(name).setOpType("LSTM")
                            .addInput(seq).addInput(w).addInput(r).addInput(b)
                            .addOutput(y)
                            .addAttribute(intAttr("hidden_size", h));
                    if (top && !layer.sequence()) {
                        n.addOutput(name + ".y_h");
                        return node(graph, name + ".last", "Squeeze", base + ".last", List.of(name + ".y_h", axis0));
                    }
                    seq = node(graph, name + ".squeeze", "Squeeze", name + ".tnh", List.of(y, axis1));
                }
                return node(graph, base + ".to_batch_major", "Transpose", base + ".nth", List.of(seq),
                        intsAttr("perm", 1, 0, 2));
            }

            @Override
            public String layerNorm(LayerNorm layer) {
                return node(graph, base, "LayerNormalization", base + ".ln",
                        List.of(x, base + ".gamma", base + ".beta"),
                        intAttr("axis", -1), floatAttr("epsilon", layer.epsilon().floatValue()));
            }

            @Override
            public String gelu(Gelu layer) {
                // x * 0.5 * (1 + erf(x / sqrt 2)), the pattern ORT's Gelu fusion looks for
                graph.addInitializer(floatTensor(base + ".sqrt2", new int[0], new float[] {(float) Math.sqrt(2)}));
                graph.addInitializer(floatTensor(base + ".one", new int[0], new float[] {1f}));
                graph.addInitializer(floatTensor(base + ".half", new int[0], new float[] {0.5f}));
                String d = node(graph, base + ".div", "Div", base + ".scaled", List.of(x, base + ".sqrt2"));
                String e = node(graph, base + ".erf", "Erf", base + ".erf", List.of(d));
                String a = node(graph, base + ".add", "Add", base + ".phi2", List.of(e, base + ".one"));
                String m = node(graph, base + ".mul", "Mul", base + ".xphi2", List.of(x, a));
                return node(graph, base + ".half", "Mul", base + ".gelu", List.of(m, base + ".half"));
            }

            @Override
            public String attention(Attention layer) {
                int t = sample[0];
                int d = sample[1];
                int heads = layer.heads();
                int dh = d / heads;
                String rows = constShape(graph, base + ".rows_shape", -1, d);
                String split = constShape(graph, base + ".heads_shape", -1, t, heads, dh);
                String back = constShape(graph, base + ".seq_shape", -1, t, d);
                // x [N, T, D] as rows [N*T, D]: the projections are then plain Gemms on the [out, in] weights
                String flat = node(graph, base + ".flatten", "Reshape", base + ".x_rows", List.of(x, rows));
                String q = projection(graph, base, "q", flat);
                String k = projection(graph, base, "k", flat);
                String v = projection(graph, base, "v", flat);
                // heads are contiguous column blocks: [N*T, D] -> [N, T, h, dh] -> [N, h, T, dh] (K: [N, h, dh, T])
                String qh = node(graph, base + ".q_heads", "Transpose", base + ".qh",
                        List.of(node(graph, base + ".q_split", "Reshape", base + ".q4", List.of(q, split))),
                        intsAttr("perm", 0, 2, 1, 3));
                String kt = node(graph, base + ".k_heads", "Transpose", base + ".kt",
                        List.of(node(graph, base + ".k_split", "Reshape", base + ".k4", List.of(k, split))),
                        intsAttr("perm", 0, 2, 3, 1));
                String vh = node(graph, base + ".v_heads", "Transpose", base + ".vh",
                        List.of(node(graph, base + ".v_split", "Reshape", base + ".v4", List.of(v, split))),
                        intsAttr("perm", 0, 2, 1, 3));
                String scores = node(graph, base + ".scores", "MatMul", base + ".qk", List.of(qh, kt));
                graph.addInitializer(floatTensor(base + ".scale", new int[0],
                        new float[] {(float) (1 / Math.sqrt(dh))}));
                String s = node(graph, base + ".scale", "Mul", base + ".s", List.of(scores, base + ".scale"));
                if (layer.causal()) {
                    float[] mask = new float[t * t];
                    for (int i = 0; i < t; i++) {
                        for (int j = i + 1; j < t; j++) {
                            mask[i * t + j] = (float) Attention.MASK;
                        }
                    }
                    graph.addInitializer(floatTensor(base + ".mask", new int[] {t, t}, mask));
                    s = node(graph, base + ".mask", "Add", base + ".masked", List.of(s, base + ".mask"));
                }
                String a = node(graph, base + ".softmax", "Softmax", base + ".a", List.of(s), intAttr("axis", -1));
                String o = node(graph, base + ".mix", "MatMul", base + ".av", List.of(a, vh));
                // [N, h, T, dh] -> [N, T, h, dh] -> rows [N*T, D], then the output projection, then [N, T, D]
                String joined = node(graph, base + ".o_join", "Transpose", base + ".ot", List.of(o),
                        intsAttr("perm", 0, 2, 1, 3));
                String orows = node(graph, base + ".o_rows", "Reshape", base + ".o_rows", List.of(joined, rows));
                String y = projection(graph, base, "o", orows);
                return node(graph, base + ".unflatten", "Reshape", base + ".y", List.of(y, back));
            }

            @Override
            public String dot(Dot layer) {
                // stack the inputs into z [N, F, d]; a flat [N, d] input is one vector
                List<String> parts = new ArrayList<>();
                for (int i = 0; i < in.size(); i++) {
                    if (stage.ins().get(i).length == 1) {
                        String axes = constAxes(graph, base + ".unsqueeze_axes", 1);
                        parts.add(node(graph, base + ".unsqueeze" + i, "Unsqueeze", base + ".vec" + i,
                                List.of(in.get(i), axes)));
                    } else {
                        parts.add(in.get(i));
                    }
                }
                int f = Dot.vectors(stage.ins());
                String z = parts.size() == 1 ? parts.get(0)
                        : node(graph, base + ".stack", "Concat", base + ".z", parts, intAttr("axis", 1));
                String zt = node(graph, base + ".transpose", "Transpose", base + ".zt", List.of(z),
                        intsAttr("perm", 0, 2, 1));
                String gram = node(graph, base + ".gram", "MatMul", base + ".gram", List.of(z, zt));
                String flat = node(graph, base + ".flatten", "Reshape", base + ".gram_flat",
                        List.of(gram, constShape(graph, base + ".gram_shape", -1, (long) f * f)));
                int[][] pairs = layer.pairs(f);
                long[] index = new long[pairs.length];
                for (int p = 0; p < pairs.length; p++) {
                    index[p] = (long) pairs[p][0] * f + pairs[p][1];
                }
                graph.addInitializer(longTensor(base + ".pairs", new int[] {pairs.length}, index));
                return node(graph, base, "Gather", base + ".dots", List.of(flat, base + ".pairs"),
                        intAttr("axis", 1));
            }

            @Override
            public String concat(Concat layer) {
                return node(graph, base, "Concat", base + ".cat", in, intAttr("axis", layer.axis() + 1));
            }

            @Override
            public String meanPool(MeanPool layer) {
                return node(graph, base, "ReduceMean", base + ".mean", List.of(x), intsAttr("axes", 1),
                        intAttr("keepdims", 0));
            }

            @Override
            public String dense(Dense d) {
                if (Dense.onSequence(stage.shapes())) {
                    // Gemm is 2-D: steps become rows [N*T, in], and [N*T, units] goes back to [N, T, units]
                    String rows = node(graph, base + ".flatten", "Reshape", base + ".x_rows",
                            List.of(x, constShape(graph, base + ".rows_shape", -1, sample[1])));
                    String y = node(graph, base, "Gemm", base + ".linear",
                            List.of(rows, base + ".weight", base + ".bias"), intAttr("transB", 1));
                    String seq = node(graph, base + ".unflatten", "Reshape", base + ".seq",
                            List.of(y, constShape(graph, base + ".seq_shape", -1, sample[0], d.units())));
                    return activation(graph, base, d.activation(), seq);
                }
                // weights stay [out, in] as shared; Gemm transposes B itself
                String y = graph.addNodeBuilder().setName(base).setOpType("Gemm")
                        .addInput(x).addInput(base + ".weight").addInput(base + ".bias").addOutput(base + ".linear")
                        .addAttribute(intAttr("transB", 1))
                        .getOutput(0);
                return activation(graph, base, d.activation(), y);
            }

            @Override
            public String conv2d(Conv2d c) {
                int p = c.padding();
                // weight [filters, in / groups, k, k] is ONNX's own layout for a grouped Conv
                String y = graph.addNodeBuilder().setName(base).setOpType("Conv")
                        .addInput(x).addInput(base + ".weight").addInput(base + ".bias").addOutput(base + ".conv")
                        .addAttribute(intsAttr("kernel_shape", c.kernel(), c.kernel()))
                        .addAttribute(intsAttr("strides", c.stride(), c.stride()))
                        .addAttribute(intsAttr("pads", p, p, p, p))
                        .addAttribute(intAttr("group", c.groups()))
                        .getOutput(0);
                return activation(graph, base, c.activation(), y);
            }

            @Override
            public String maxPool2d(MaxPool2d pool) {
                return poolNode(graph, base, "MaxPool", pool.kernel(), pool.stride(), x);
            }

            @Override
            public String avgPool2d(AvgPool2d pool) {
                return poolNode(graph, base, "AveragePool", pool.kernel(), pool.stride(), x);
            }

            @Override
            public String flatten(Flatten f) {
                // axis 1 keeps the batch and flattens C, H, W row-major, as the shared dense weights expect
                return flattenNode(graph, base, x);
            }

            @Override
            public String globalAvgPool(GlobalAvgPool g) {
                // GlobalAveragePool keeps [N, C, 1, 1]; the workload's output is [N, C]
                String pooled = graph.addNodeBuilder().setName(base).setOpType("GlobalAveragePool").addInput(x)
                        .addOutput(base + ".pool").getOutput(0);
                return flattenNode(graph, base + ".flatten", pooled);
            }

            @Override
            public String batchNorm(BatchNorm b) {
                // inference form: running statistics; works on [N, C, H, W] and on [N, C]
                String y = graph.addNodeBuilder().setName(base).setOpType("BatchNormalization")
                        .addInput(x).addInput(base + ".gamma").addInput(base + ".beta")
                        .addInput(base + ".running_mean").addInput(base + ".running_var").addOutput(base + ".bn")
                        .addAttribute(floatAttr("epsilon", b.epsilon().floatValue()))
                        .getOutput(0);
                return activation(graph, base, b.activation(), y);
            }

            @Override
            public String add(Add a) {
                String sum = x;
                for (int i = 1; i < in.size(); i++) {
                    sum = graph.addNodeBuilder().setName(base + ".add" + i).setOpType("Add").addInput(sum)
                            .addInput(in.get(i)).addOutput(base + ".sum" + i).getOutput(0);
                }
                return activation(graph, base, a.activation(), sum);
            }
        });
    }

    /** {@code rows W^T + b} for one of the attention's projections ({@code q}, {@code k}, {@code v}, {@code o}). */
    private static String projection(GraphProto.Builder graph, String base, String which, String rows) {
        return node(graph, base + "." + which, "Gemm", base + "." + which + "_proj",
                List.of(rows, base + "." + which + "_weight", base + "." + which + "_bias"), intAttr("transB", 1));
    }

    /** Adds one node with one output; returns the output's name. */
    private static String node(GraphProto.Builder graph, String name, String op, String output, List<String> inputs,
                               AttributeProto... attributes) {
        NodeProto.Builder n = graph.addNodeBuilder().setName(name).setOpType(op).addAllInput(inputs).addOutput(output);
        for (AttributeProto a : attributes) {
            n.addAttribute(a);
        }
        return output;
    }

    /** An int64 shape initializer for Reshape; returns its name. */
    private static String constShape(GraphProto.Builder graph, String name, long... dims) {
        graph.addInitializer(longTensor(name, new int[] {dims.length}, dims));
        return name;
    }

    /** An int64 axes initializer (Squeeze, Unsqueeze, ReduceSum take axes as an input); added once per name. */
    private static String constAxes(GraphProto.Builder graph, String name, long... axes) {
        if (graph.getInitializerList().stream().noneMatch(t -> t.getName().equals(name))) {
            graph.addInitializer(longTensor(name, new int[] {axes.length}, axes));
        }
        return name;
    }

    /**
     * A canonical LSTM tensor ({@code [4H, cols]}, gate blocks i, f, g, o) with its blocks in ONNX's order i, o, f, c.
     */
    static float[] onnxGates(float[] canonical, int hidden, int cols) {
        float[] out = new float[canonical.length];
        int block = hidden * cols;
        for (int b = 0; b < 4; b++) {
            System.arraycopy(canonical, ONNX_GATES[b] * block, out, b * block, block);
        }
        return out;
    }

    private static String poolNode(GraphProto.Builder graph, String base, String op, int kernel, int stride, String x) {
        return graph.addNodeBuilder().setName(base).setOpType(op).addInput(x).addOutput(base + ".pool")
                .addAttribute(intsAttr("kernel_shape", kernel, kernel))
                .addAttribute(intsAttr("strides", stride, stride))
                .getOutput(0);
    }

    private static String flattenNode(GraphProto.Builder graph, String base, String x) {
        return graph.addNodeBuilder().setName(base).setOpType("Flatten").addInput(x).addOutput(base + ".flat")
                .addAttribute(intAttr("axis", 1))
                .getOutput(0);
    }

    private static String activation(GraphProto.Builder graph, String base, Activation a, String x) {
        String op = switch (a) {
            case NONE -> null;
            case RELU -> "Relu";
            case RELU6 -> "Clip";
            case TANH -> "Tanh";
            case SIGMOID -> "Sigmoid";
        };
        if (op == null) {
            return x;
        }
        if (a == Activation.RELU6) {
            // Clip takes its bounds as inputs from opset 11 on: two scalar initializers per use
            graph.addInitializer(floatTensor(base + ".relu6_min", new int[0], new float[] {0f}));
            graph.addInitializer(floatTensor(base + ".relu6_max", new int[0], new float[] {6f}));
            return graph.addNodeBuilder().setName(base + ".relu6").setOpType(op).addInput(x)
                    .addInput(base + ".relu6_min").addInput(base + ".relu6_max").addOutput(base + ".relu6")
                    .getOutput(0);
        }
        return graph.addNodeBuilder().setName(base + "." + a.jsonName()).setOpType(op).addInput(x)
                .addOutput(base + "." + a.jsonName()).getOutput(0);
    }

    private static void renameLastOutput(GraphProto.Builder graph, String from, String to) {
        NodeProto.Builder last = graph.getNodeBuilder(graph.getNodeCount() - 1);
        int slot = last.getOutputList().indexOf(from);
        if (slot < 0) {
            throw new IllegalStateException("last node writes " + last.getOutputList() + ", expected " + from);
        }
        last.setOutput(slot, to);
    }

    static TensorProto floatTensor(String name, int[] shape, float[] values) {
        ByteBuffer raw = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        raw.asFloatBuffer().put(values);
        return tensor(name, TensorProto.DataType.FLOAT_VALUE, shape, raw);
    }

    static TensorProto longTensor(String name, int[] shape, long[] values) {
        ByteBuffer raw = ByteBuffer.allocate(values.length * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        raw.asLongBuffer().put(values);
        return tensor(name, TensorProto.DataType.INT64_VALUE, shape, raw);
    }

    private static TensorProto tensor(String name, int type, int[] shape, ByteBuffer raw) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(type)
                .setRawData(ByteString.copyFrom(raw.array()));
        for (int d : shape) {
            t.addDims(d);
        }
        return t.build();
    }

    /** A tensor value [N, ...sample shape] of an element type, with the symbolic batch dimension first. */
    private static ValueInfoProto valueInfo(String name, int elemType, int[] sampleShape) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        shape.addDimBuilder().setDimParam(BATCH_DIM);
        for (int d : sampleShape) {
            shape.addDimBuilder().setDimValue(d);
        }
        return ValueInfoProto.newBuilder().setName(name)
                .setType(TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder()
                        .setElemType(elemType).setShape(shape)))
                .build();
    }

    private static AttributeProto intAttr(String name, long value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
    }

    private static AttributeProto floatAttr(String name, float value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT).setF(value).build();
    }

    private static AttributeProto intsAttr(String name, long... values) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long v : values) {
            a.addInts(v);
        }
        return a.build();
    }

    /**
     * Where the parameters' bytes go: inline ({@code raw_data}) or appended to a side file, each tensor at a
     * 4 KiB-aligned offset, referenced by location, offset and length (ONNX external data).
     */
    private static final class TensorData implements java.io.Closeable {
        static final TensorData INLINE = new TensorData(null);
        private static final int ALIGN = 4096;
        private final java.nio.channels.FileChannel side;
        private final ByteBuffer chunk;
        private long end;

        private TensorData(java.nio.channels.FileChannel side) {
            this.side = side;
            this.chunk = side == null ? null : ByteBuffer.allocateDirect(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
        }

        static TensorData external(Path file) throws IOException {
            return new TensorData(java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE,
                    java.nio.file.StandardOpenOption.TRUNCATE_EXISTING));
        }

        TensorProto floats(String name, int[] shape, float[] values) {
            if (side == null) {
                return floatTensor(name, shape, values);
            }
            long start = (end + ALIGN - 1) / ALIGN * ALIGN;
            long at = start;
            try {
                for (int i = 0; i < values.length; ) {
                    int n = Math.min(chunk.capacity() / Float.BYTES, values.length - i);
                    chunk.clear();
                    chunk.asFloatBuffer().put(values, i, n);
                    chunk.limit(n * Float.BYTES);
                    while (chunk.hasRemaining()) {
                        at += side.write(chunk, at);
                    }
                    i += n;
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            end = at;
            TensorProto.Builder t = TensorProto.newBuilder().setName(name)
                    .setDataType(TensorProto.DataType.FLOAT_VALUE)
                    .setDataLocation(TensorProto.DataLocation.EXTERNAL)
                    .addExternalData(entry("location", DATA_FILE_NAME))
                    .addExternalData(entry("offset", Long.toString(start)))
                    .addExternalData(entry("length", Long.toString(at - start)));
            for (int d : shape) {
                t.addDims(d);
            }
            return t.build();
        }

        @Override
        public void close() throws IOException {
            if (side != null) {
                side.force(false);
                side.close();
            }
        }
    }

    private static StringStringEntryProto entry(String key, String value) {
        return StringStringEntryProto.newBuilder().setKey(key).setValue(value).build();
    }
}
