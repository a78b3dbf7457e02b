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
