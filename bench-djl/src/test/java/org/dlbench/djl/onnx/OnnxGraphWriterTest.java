package org.dlbench.djl.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.dlbench.core.data.Weights;
import org.dlbench.core.workload.ParamSpec;
import org.dlbench.core.workload.Workload;
import org.dlbench.core.workload.Workloads;
import org.dlbench.djl.onnx.proto.AttributeProto;
import org.dlbench.djl.onnx.proto.GraphProto;
import org.dlbench.djl.onnx.proto.ModelProto;
import org.dlbench.djl.onnx.proto.NodeProto;
import org.dlbench.djl.onnx.proto.TensorProto;
import org.dlbench.djl.onnx.proto.TensorShapeProto;
import org.dlbench.djl.onnx.proto.ValueInfoProto;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The written .onnx file parses back into the graph the workload defines; the cache reuses and separates files. */
class OnnxGraphWriterTest {

    @ParameterizedTest
    @ValueSource(strings = {"mlp", "lenet"})
    void exportedFileRoundTrips(String name, @TempDir Path dir) throws Exception {
        Workload w = Workloads.resolve(name);
        Weights weights = Weights.initial(w);
        Path file = OnnxGraphWriter.writeCached(new ModelCache(dir), "OnnxRuntime", w, weights);
        ModelProto model = ModelProto.parseFrom(Files.readAllBytes(file));

        assertEquals(8, model.getIrVersion());
        assertEquals(1, model.getOpsetImportCount());
        assertEquals("", model.getOpsetImport(0).getDomain());
        assertEquals(OnnxGraphWriter.OPSET, model.getOpsetImport(0).getVersion());
        assertEquals(17, OnnxGraphWriter.OPSET);
        GraphProto g = model.getGraph();

        // one input [N, sample...], one output [N, classes]; initializers are not graph inputs
        assertEquals(1, g.getInputCount());
        assertEquals("input", g.getInput(0).getName());
        assertEquals(dims("N", w.inputShape()), dims(g.getInput(0)));
        assertEquals(1, g.getOutputCount());
        assertEquals("logits", g.getOutput(0).getName());
        assertEquals(dims("N", new int[] {w.classes()}), dims(g.getOutput(0)));
        assertEquals(TensorProto.DataType.FLOAT_VALUE, g.getInput(0).getType().getTensorType().getElemType());

        // every parameter is an initializer under its canonical name, shape and little-endian values
        List<ParamSpec> params = w.params();
        assertEquals(params.size(), g.getInitializerCount());
        for (int i = 0; i < params.size(); i++) {
            ParamSpec p = params.get(i);
            TensorProto t = g.getInitializer(i);
            assertEquals(p.name(), t.getName());
            assertEquals(TensorProto.DataType.FLOAT_VALUE, t.getDataType());
            assertArrayEquals(java.util.Arrays.stream(p.shape()).asLongStream().toArray(),
                    t.getDimsList().stream().mapToLong(Long::longValue).toArray());
            assertEquals(0, t.getFloatDataCount());
            float[] values = new float[p.size()];
            t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
            assertArrayEquals(weights.get(p.name()), values, p.name());
        }

        // nodes form a chain from the input to the output, each reading what the one before wrote
        String previous = "input";
        for (NodeProto n : g.getNodeList()) {
            assertEquals(previous, n.getInput(0), n.getName());
            previous = n.getOutput(0);
        }
        assertEquals("logits", previous);
        assertEquals(expectedOps(name), g.getNodeList().stream().map(NodeProto::getOpType).toList());
        NodeProto firstGemm = g.getNodeList().stream().filter(n -> n.getOpType().equals("Gemm")).findFirst()
                .orElseThrow();
        assertEquals(1, attr(firstGemm, "transB").getI());
        if (name.equals("lenet")) {
            NodeProto conv = g.getNode(0);
            assertEquals(List.of(5L, 5L), attr(conv, "kernel_shape").getIntsList());
            assertEquals(List.of(1L, 1L), attr(conv, "strides").getIntsList());
            assertEquals(List.of(2L, 2L, 2L, 2L), attr(conv, "pads").getIntsList());
            assertEquals(AttributeProto.AttributeType.INTS, attr(conv, "pads").getType());
            assertEquals(1, attr(g.getNodeList().stream().filter(n -> n.getOpType().equals("Flatten"))
                    .findFirst().orElseThrow(), "axis").getI());
        }
    }

    @Test
    void cacheReusesTheFileAndSeparatesOtherWeights(@TempDir Path dir) throws Exception {
        Workload w = Workloads.resolve("mlp");
        ModelCache cache = new ModelCache(dir);
        Path first = OnnxGraphWriter.writeCached(cache, "OnnxRuntime", w, Weights.initial(w));
        assertTrue(first.startsWith(dir.resolve("OnnxRuntime")), first.toString());
        assertTrue(first.getParent().getFileName().toString().startsWith("mlp-"), first.toString());
        FileTime written = FileTime.fromMillis(1_000_000L);
        Files.setLastModifiedTime(first, written);

        Path again = OnnxGraphWriter.writeCached(cache, "OnnxRuntime", w, Weights.initial(w));
        assertEquals(first, again);
        assertEquals(written, Files.getLastModifiedTime(again), "an existing file is reused, not rewritten");

        Path otherSeed = OnnxGraphWriter.writeCached(cache, "OnnxRuntime", w, Weights.initial(w, 7));
        assertNotEquals(first, otherSeed);
        Workload lenet = Workloads.resolve("lenet");
        assertNotEquals(ModelCache.key(OnnxGraphWriter.FORMAT, w, Weights.initial(w)),
                ModelCache.key(OnnxGraphWriter.FORMAT, lenet, Weights.initial(lenet)));
        try (Stream<Path> files = Files.walk(dir)) {
            assertEquals(List.of(), files.filter(p -> p.toString().endsWith(".tmp")).toList(), "no temporary left");
        }
    }

    /** Every node reads only graph inputs, initializers and values written by earlier nodes; one output at the end. */
    @ParameterizedTest
    @ValueSource(strings = {"mlp", "lenet", "lstm", "transformer", "dlrm"})
    void everyBuiltInIsAWellFormedGraph(String name) {
        Workload w = Workloads.resolve(name);
        GraphProto g = OnnxGraphWriter.model(w, Weights.initial(w), "k").getGraph();
        java.util.Set<String> known = new java.util.HashSet<>();
        g.getInputList().forEach(v -> known.add(v.getName()));
        g.getInitializerList().forEach(t -> assertTrue(known.add(t.getName()), "initializer twice: " + t.getName()));
        for (NodeProto n : g.getNodeList()) {
            for (String in : n.getInputList()) {
                assertTrue(in.isEmpty() || known.contains(in), n.getName() + " reads " + in + " before it exists");
            }
            for (String out : n.getOutputList()) {
                assertTrue(out.isEmpty() || known.add(out), n.getName() + " writes " + out + " twice");
            }
        }
        assertEquals(List.of("logits"), g.getOutputList().stream().map(ValueInfoProto::getName).toList());
        assertTrue(g.getNode(g.getNodeCount() - 1).getOutputList().contains("logits"));
        // one graph input per model input, ids as int64
        assertEquals(w.inputs().size(), g.getInputCount());
        for (int k = 0; k < w.inputs().size(); k++) {
            var in = w.inputs().get(k);
            assertEquals(in.name(), g.getInput(k).getName());
            assertEquals(dims("N", in.shape()), dims(g.getInput(k)));
            assertEquals(in.type().ids() ? TensorProto.DataType.INT64_VALUE : TensorProto.DataType.FLOAT_VALUE,
                    g.getInput(k).getType().getTensorType().getElemType());
        }
    }

    @Test
    void lstmIsOneOnnxLstmPerLayerInOnnxGateOrder() {
        Workload w = Workloads.resolve("lstm");
        Weights weights = Weights.initial(w);
        GraphProto g = OnnxGraphWriter.model(w, weights, "k").getGraph();
        assertEquals(List.of("Gather", "Transpose", "LSTM", "Squeeze", "LSTM", "Squeeze", "Gemm"),
                g.getNodeList().stream().map(NodeProto::getOpType).toList());
        NodeProto first = g.getNode(2);
        assertEquals(128, attr(first, "hidden_size").getI());
        assertEquals(List.of("rnn.l0_W", "rnn.l0_R", "rnn.l0_B"), first.getInputList().subList(1, 4));
        // the top layer only gives its last state: Y is left out
        NodeProto top = g.getNode(4);
        assertEquals("", top.getOutput(0));
        int h = 128;
        float[] canonical = weights.get("rnn.l0_weight_ih");
        float[] onnx = floats(initializer(g, "rnn.l0_W"));
        int block = h * 128;
        int[] order = {0, 3, 1, 2};
        for (int b = 0; b < 4; b++) {
            assertArrayEquals(java.util.Arrays.copyOfRange(canonical, order[b] * block, order[b] * block + block),
                    java.util.Arrays.copyOfRange(onnx, b * block, b * block + block), "gate block " + b);
        }
        float[] bias = floats(initializer(g, "rnn.l1_B"));
        assertEquals(8 * h, bias.length);
        assertArrayEquals(new float[4 * h], java.util.Arrays.copyOfRange(bias, 4 * h, 8 * h), "recurrence bias zero");
        assertEquals(weights.get("rnn.l1_bias")[3 * h], bias[h], "block 1 is the output gate");
        assertEquals(List.of(1L, 512L, 128L), initializer(g, "rnn.l1_R").getDimsList());
    }

    @Test
    void dlrmGathersOffsetRowsAndThePairsOfTheInteraction() {
        Workload w = Workloads.resolve("dlrm");
        GraphProto g = OnnxGraphWriter.model(w, Weights.initial(w), "k").getGraph();
        TensorProto offsets = initializer(g, "emb.offsets");
        assertEquals(TensorProto.DataType.INT64_VALUE, offsets.getDataType());
        assertEquals(List.of(8L, 1L), offsets.getDimsList());
        long[] o = longs(offsets);
        for (int k = 0; k < 8; k++) {
            assertEquals(100_000L * k, o[k]);
        }
        long[] pairs = longs(initializer(g, "inter.pairs"));
        assertEquals(36, pairs.length);
        assertEquals(1, pairs[0]);
        assertEquals(9 * 7 + 8, pairs[35]);
        List<String> ops = g.getNodeList().stream().map(NodeProto::getOpType).toList();
        assertTrue(ops.containsAll(List.of("Add", "Gather", "ReduceSum", "Unsqueeze", "Concat", "MatMul")), ops.toString());
    }

    @Test
    void transformerUsesLayerNormalizationErfAndSoftmaxWithoutAMask() {
        Workload w = Workloads.resolve("transformer");
        GraphProto g = OnnxGraphWriter.model(w, Weights.initial(w), "k").getGraph();
        java.util.Map<String, Long> ops = g.getNodeList().stream().collect(java.util.stream.Collectors.groupingBy(
                NodeProto::getOpType, java.util.stream.Collectors.counting()));
        assertEquals(5L, ops.get("LayerNormalization"));
        assertEquals(2L, ops.get("Erf"));
        assertEquals(2L, ops.get("Softmax"));
        assertEquals(1L, ops.get("ReduceMean"));
        assertTrue(g.getInitializerList().stream().noneMatch(t -> t.getName().endsWith(".mask")), "not causal");
        NodeProto ln = g.getNodeList().stream().filter(n -> n.getOpType().equals("LayerNormalization")).findFirst()
                .orElseThrow();
        assertEquals(-1, attr(ln, "axis").getI());
        assertEquals(1e-5f, attr(ln, "epsilon").getF());
    }

    /**
     * Above the inline limit every parameter goes to the side file (ONNX external data), which ONNX Runtime loads
     * beside the model: forced here with a limit of 0 on small files, run through ORT's own API against the reference.
     */
    @ParameterizedTest
    @ValueSource(strings = {"sparse-mean", "lstm-seq"})
    void parametersAboveTheLimitLiveInTheSideFileAndStillRun(String name, @TempDir Path dir) throws Exception {
        Workload w = OnnxRuntimeConformanceTest.userFile(name);
        Weights weights = Weights.initial(w);
        Path file = OnnxGraphWriter.writeCached(new ModelCache(dir), "OnnxRuntime", w, weights, 0);
        Path side = file.resolveSibling(OnnxGraphWriter.DATA_FILE_NAME);
        assertTrue(Files.isRegularFile(side), side.toString());
        GraphProto g = ModelProto.parseFrom(Files.readAllBytes(file)).getGraph();
        long external = 0;
        for (TensorProto t : g.getInitializerList()) {
            if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
                external++;
                assertTrue(t.getRawData().isEmpty(), t.getName());
                java.util.Map<String, String> e = new java.util.HashMap<>();
                t.getExternalDataList().forEach(kv -> e.put(kv.getKey(), kv.getValue()));
                assertEquals(OnnxGraphWriter.DATA_FILE_NAME, e.get("location"));
                assertEquals(0, Long.parseLong(e.get("offset")) % 4096, t.getName());
                long values = t.getDimsList().stream().mapToLong(Long::longValue).reduce(1, (a, b) -> a * b);
                assertEquals(4 * values, Long.parseLong(e.get("length")), t.getName());
            } else {
                // only the writer's own constants (offsets, shapes, axes, pair indices) stay inline
                assertTrue(w.params().stream().noneMatch(p -> p.name().equals(t.getName())), t.getName());
            }
        }
        assertTrue(external > 0);

        int batch = 3;
        org.dlbench.core.data.Batch fixed = new org.dlbench.core.data.SyntheticData(w).batch(5, batch);
        float[] expected = new org.dlbench.core.reference.ReferenceModel(w, weights).forward(fixed);
        ai.onnxruntime.OrtEnvironment env = ai.onnxruntime.OrtEnvironment.getEnvironment();
        java.util.Map<String, ai.onnxruntime.OnnxTensor> feeds = new java.util.LinkedHashMap<>();
        try (ai.onnxruntime.OrtSession.SessionOptions options = new ai.onnxruntime.OrtSession.SessionOptions();
             ai.onnxruntime.OrtSession session = env.createSession(file.toString(), options)) {
            for (int k = 0; k < w.inputs().size(); k++) {
                org.dlbench.core.data.Feed f = fixed.inputs().get(k);
                long[] shape = fixed.shape(k);
                feeds.put(w.inputs().get(k).name(), f instanceof org.dlbench.core.data.Feed.Ids ids
                        ? ai.onnxruntime.OnnxTensor.createTensor(env, java.nio.LongBuffer.wrap(ids.asLongs()), shape)
                        : ai.onnxruntime.OnnxTensor.createTensor(env, java.nio.FloatBuffer.wrap(
                                ((org.dlbench.core.data.Feed.Floats) f).values()), shape));
            }
            try (ai.onnxruntime.OrtSession.Result r = session.run(feeds)) {
                java.nio.FloatBuffer out = ((ai.onnxruntime.OnnxTensor) r.get(0)).getFloatBuffer();
                float[] actual = new float[out.remaining()];
                out.get(actual);
                var o = org.dlbench.core.reference.Tolerance.DEFAULT.compare(actual, expected);
                assertTrue(o.passed(), name + ": " + o.detail());
            }
        } finally {
            feeds.values().forEach(ai.onnxruntime.OnnxTensor::close);
        }
    }

    private static TensorProto initializer(GraphProto g, String name) {
        return g.getInitializerList().stream().filter(t -> t.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no initializer " + name));
    }

    private static float[] floats(TensorProto t) {
        java.nio.FloatBuffer b = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        float[] out = new float[b.remaining()];
        b.get(out);
        return out;
    }

    private static long[] longs(TensorProto t) {
        java.nio.LongBuffer b = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asLongBuffer();
        long[] out = new long[b.remaining()];
        b.get(out);
        return out;
    }

    private static List<String> expectedOps(String workload) {
        return switch (workload) {
            case "mlp" -> List.of("Gemm", "Relu", "Gemm", "Relu", "Gemm");
            case "lenet" -> List.of("Conv", "Relu", "MaxPool", "Conv", "Relu", "MaxPool", "Flatten",
                    "Gemm", "Relu", "Gemm", "Relu", "Gemm");
            default -> throw new IllegalArgumentException(workload);
        };
    }

    private static AttributeProto attr(NodeProto node, String name) {
        return node.getAttributeList().stream().filter(a -> a.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError(node.getName() + " has no attribute " + name));
    }

    private static List<String> dims(String batch, int[] sample) {
        List<String> out = new ArrayList<>();
        out.add(batch);
        for (int d : sample) {
            out.add(Integer.toString(d));
        }
        return out;
    }

    private static List<String> dims(ValueInfoProto v) {
        List<String> out = new ArrayList<>();
        for (TensorShapeProto.Dimension d : v.getType().getTensorType().getShape().getDimList()) {
            out.add(d.hasDimParam() ? d.getDimParam() : Long.toString(d.getDimValue()));
        }
        return out;
    }
}
