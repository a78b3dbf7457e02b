package org.dlbench.paddle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.dlbench.core.data.Weights;
import org.dlbench.core.workload.Workload;
import org.dlbench.core.workload.Workloads;
import org.dlbench.paddle.proto.PaddleFramework.AttrType;
import org.dlbench.paddle.proto.PaddleFramework.BlockDesc;
import org.dlbench.paddle.proto.PaddleFramework.OpDesc;
import org.dlbench.paddle.proto.PaddleFramework.ProgramDesc;
import org.dlbench.paddle.proto.PaddleFramework.VarDesc;
import org.dlbench.paddle.proto.PaddleFramework.VarType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The written files, read back without Paddle: program structure and the combined parameter stream's layout. */
class ModelFilesTest {

    @Test
    void mlpProgramParsesBackAsFeedDenseLayersFetch(@TempDir Path dir) throws IOException {
        Workload w = Workloads.resolve("mlp");
        ModelFiles.write(w, Weights.initial(w), dir);
        ProgramDesc program = ProgramDesc.parseFrom(Files.readAllBytes(dir.resolve(ModelFiles.MODEL_FILE)));
        assertEquals(1, program.getBlocksCount());
        BlockDesc block = program.getBlocks(0);
        assertEquals(0, block.getIdx());
        assertEquals(-1, block.getParentIdx());
        assertEquals(List.of("feed", "matmul_v2", "elementwise_add", "relu", "matmul_v2", "elementwise_add", "relu",
                "matmul_v2", "elementwise_add", "fetch"), opTypes(block));

        Map<String, VarDesc> vars = vars(block);
        assertEquals(VarType.Type.FEED_MINIBATCH, vars.get("feed").getType().getType());
        assertEquals(VarType.Type.FETCH_LIST, vars.get("fetch").getType().getType());
        assertEquals(List.of(-1L, 784L), dims(vars.get("x")));
        // dense weights are [in, out] for matmul_v2; biases [out]
        assertEquals(List.of(784L, 128L), dims(vars.get("layer0.weight")));
        assertEquals(List.of(128L), dims(vars.get("layer0.bias")));
        assertEquals(List.of(64L, 10L), dims(vars.get("layer2.weight")));
        assertEquals(List.of("layer0.bias", "layer0.weight", "layer1.bias", "layer1.weight", "layer2.bias",
                "layer2.weight"), ProgramWriter.persistableParams(program));

        // every operator reads declared variables, and the chain ends in the logits that fetch reads
        for (OpDesc op : block.getOpsList()) {
            for (OpDesc.Var slot : op.getInputsList()) {
                slot.getArgumentsList().forEach(a -> assertTrue(vars.containsKey(a), op.getType() + " reads " + a));
            }
            for (OpDesc.Var slot : op.getOutputsList()) {
                slot.getArgumentsList().forEach(a -> assertTrue(vars.containsKey(a), op.getType() + " writes " + a));
            }
        }
        OpDesc fetch = block.getOps(block.getOpsCount() - 1);
        assertEquals("layer2.linear", fetch.getInputs(0).getArguments(0));
        assertEquals(List.of(-1L, 10L), dims(vars.get("layer2.linear")));
        assertEquals(0, attr(fetch, "col").getI());
        assertEquals(0, attr(block.getOps(0), "col").getI());
        assertEquals(1, attr(block.getOps(2), "axis").getI());
        assertFalse(attr(block.getOps(1), "trans_y").getB());
    }

    @Test
    void lenetProgramCarriesConvAndPoolAttributes(@TempDir Path dir) throws IOException {
        Workload w = Workloads.resolve("lenet");
        ModelFiles.write(w, Weights.initial(w), dir);
        ProgramDesc program = ProgramDesc.parseFrom(Files.readAllBytes(dir.resolve(ModelFiles.MODEL_FILE)));
        BlockDesc block = program.getBlocks(0);
        assertEquals(List.of("feed", "conv2d", "elementwise_add", "relu", "pool2d", "conv2d", "elementwise_add",
                "relu", "pool2d", "flatten_contiguous_range", "matmul_v2", "elementwise_add", "relu", "matmul_v2",
                "elementwise_add", "relu", "matmul_v2", "elementwise_add", "fetch"), opTypes(block));
        OpDesc conv = block.getOps(1);
        assertEquals(List.of(1, 1), attr(conv, "strides").getIntsList());
        assertEquals(List.of(2, 2), attr(conv, "paddings").getIntsList());
        assertEquals(List.of(1, 1), attr(conv, "dilations").getIntsList());
        assertEquals(1, attr(conv, "groups").getI());
        assertEquals("NCHW", attr(conv, "data_format").getS());
        assertEquals("EXPLICIT", attr(conv, "padding_algorithm").getS());
        assertEquals(AttrType.INTS, attr(conv, "strides").getType());
        OpDesc pool = block.getOps(4);
        assertEquals("max", attr(pool, "pooling_type").getS());
        assertEquals(List.of(2, 2), attr(pool, "ksize").getIntsList());
        assertEquals(List.of(2, 2), attr(pool, "strides").getIntsList());
        assertFalse(attr(pool, "global_pooling").getB());
        assertFalse(attr(pool, "adaptive").getB());
        assertFalse(attr(pool, "ceil_mode").getB());
        OpDesc flatten = block.getOps(9);
        assertEquals(1, attr(flatten, "start_axis").getI());
        assertEquals(-1, attr(flatten, "stop_axis").getI());

        Map<String, VarDesc> vars = vars(block);
        assertEquals(List.of(-1L, 1L, 28L, 28L), dims(vars.get("x")));
        assertEquals(List.of(6L, 1L, 5L, 5L), dims(vars.get("layer0.weight")));
        assertEquals(List.of(-1L, 6L, 28L, 28L), dims(vars.get("layer0.conv2d")));
        assertEquals(List.of(-1L, 16L, 5L, 5L), dims(vars.get("layer3.pool2d")));
        assertEquals(List.of(-1L, 400L), dims(vars.get("layer4.flatten")));
        assertEquals(List.of(400L, 120L), dims(vars.get("layer5.weight")));
    }

    @Test
    void paramsFileHoldsOneRecordPerParameterInSortedOrder(@TempDir Path dir) throws IOException {
        Workload w = Workloads.resolve("lenet");
        Weights weights = Weights.initial(w);
        ModelFiles.write(w, weights, dir);
        ProgramDesc program = ProgramDesc.parseFrom(Files.readAllBytes(dir.resolve(ModelFiles.MODEL_FILE)));
        Map<String, VarDesc> vars = vars(program.getBlocks(0));
        ByteBuffer in = ByteBuffer.wrap(Files.readAllBytes(dir.resolve(ModelFiles.PARAMS_FILE)))
                .order(ByteOrder.LITTLE_ENDIAN);

        long expectedBytes = 0;
        for (String name : ProgramWriter.persistableParams(program)) {
            assertEquals(0, in.getInt(), name + ": LoDTensor version");
            assertEquals(0L, in.getLong(), name + ": LoD levels");
            assertEquals(0, in.getInt(), name + ": tensor version");
            byte[] descBytes = new byte[in.getInt()];
            in.get(descBytes);
            VarType.TensorDesc desc = VarType.TensorDesc.parseFrom(descBytes);
            assertEquals(VarType.Type.FP32, desc.getDataType());
            assertEquals(dims(vars.get(name)), desc.getDimsList(), name + ": dims match the program");
            int count = desc.getDimsList().stream().mapToInt(Long::intValue).reduce(1, (a, b) -> a * b);
            float[] data = new float[count];
            in.asFloatBuffer().get(data);
            in.position(in.position() + count * Float.BYTES);
            assertEquals(weights.spec(name).size(), count, name);
            // conv filters and biases keep the canonical layout, dense weights are transposed to [in, out]
            boolean dense = name.endsWith(".weight") && desc.getDimsCount() == 2;
            assertArrayEquals(dense ? weights.transposed(name) : weights.get(name), data, name);
            expectedBytes += ParamsFile.HEADER_BYTES + descBytes.length + (long) count * Float.BYTES;
        }
        assertFalse(in.hasRemaining(), "no bytes after the last parameter");
        assertEquals(expectedBytes, Files.size(dir.resolve(ModelFiles.PARAMS_FILE)));
        // lenet: 5 layers with weight and bias; besides headers and descs the file is exactly the float32 values
        assertEquals(10, w.params().size());
        assertEquals(4L * w.paramCount() + 10 * ParamsFile.HEADER_BYTES, expectedBytes
                - descBytesTotal(ProgramWriter.persistableParams(program), vars));
    }

    @Test
    void graphProgramReadsEachStagesInputsByName(@TempDir Path dir) throws IOException {
        Workload w = Workloads.parse(PaddleSessionTest.BRANCHES.getBytes(StandardCharsets.UTF_8), "test");
        ModelFiles.write(w, Weights.initial(w), dir);
        BlockDesc block = ProgramDesc.parseFrom(Files.readAllBytes(dir.resolve(ModelFiles.MODEL_FILE))).getBlocks(0);
        Map<String, VarDesc> vars = vars(block); // also: no name declared twice
        assertEquals(List.of("feed", "conv2d", "elementwise_add", "batch_norm", "relu6", "conv2d", "elementwise_add",
                "conv2d", "elementwise_add", "relu6", "elementwise_add", "elementwise_add", "relu", "pool2d",
                "flatten_contiguous_range", "batch_norm", "tanh", "matmul_v2", "elementwise_add", "fetch"),
                opTypes(block));
        // the node "stem.conv2d" does not take over stem's conv output variable
        assertEquals("x", block.getOps(1).getInputs(0).getArguments(0));
        assertEquals("stem.conv2d", block.getOps(1).getOutputs(0).getArguments(0));
        OpDesc bn = block.getOps(3);
        assertEquals("stem.linear", slot(bn.getInputsList(), "X"));
        assertEquals("stem.conv2d.gamma", slot(bn.getInputsList(), "Scale"));
        assertEquals("stem.conv2d.beta", slot(bn.getInputsList(), "Bias"));
        assertEquals("stem.conv2d.running_mean", slot(bn.getInputsList(), "Mean"));
        assertEquals("stem.conv2d.running_var", slot(bn.getInputsList(), "Variance"));
        assertEquals("stem.conv2d.running_mean", slot(bn.getOutputsList(), "MeanOut"));
        assertEquals("stem.conv2d.running_var", slot(bn.getOutputsList(), "VarianceOut"));
        assertEquals(List.of(4L), dims(vars.get(slot(bn.getOutputsList(), "SavedMean"))));
        assertEquals(List.of(4L), dims(vars.get(slot(bn.getOutputsList(), "SavedVariance"))));
        assertTrue(attr(bn, "is_test").getB());
        assertEquals(0.001f, attr(bn, "epsilon").getF());
        assertEquals(6f, attr(block.getOps(4), "threshold").getF());
        String stemOut = block.getOps(4).getOutputs(0).getArguments(0);
        // dw reads the batchnorm's output, not the conv before it
        assertEquals(stemOut, block.getOps(5).getInputs(0).getArguments(0));
        assertEquals(4, attr(block.getOps(5), "groups").getI());
        assertEquals(2, attr(block.getOps(7), "groups").getI());
        // join = (gc + stem.conv2d) + dw
        OpDesc add1 = block.getOps(10);
        OpDesc add2 = block.getOps(11);
        assertEquals(block.getOps(9).getOutputs(0).getArguments(0), slot(add1.getInputsList(), "X"));
        assertEquals(stemOut, slot(add1.getInputsList(), "Y"));
        assertEquals(add1.getOutputs(0).getArguments(0), slot(add2.getInputsList(), "X"));
        assertEquals("dw.linear", slot(add2.getInputsList(), "Y"));
        assertEquals(-1, attr(add2, "axis").getI());
        OpDesc pool = block.getOps(13);
        assertTrue(attr(pool, "global_pooling").getB());
        assertEquals(List.of(-1L, 4L, 1L, 1L), dims(vars.get(pool.getOutputs(0).getArguments(0))));
        assertEquals(List.of(-1L, 4L), dims(vars.get(block.getOps(14).getOutputs(0).getArguments(0))));
        assertEquals(List.of(-1L, 4L), dims(vars.get(slot(block.getOps(15).getInputsList(), "X"))));
        assertEquals(List.of("dw.bias", "dw.weight", "fc.bias", "fc.weight", "flatbn.beta", "flatbn.gamma",
                "flatbn.running_mean", "flatbn.running_var", "gc.bias", "gc.weight", "stem.bias",
                "stem.conv2d.beta", "stem.conv2d.gamma", "stem.conv2d.running_mean", "stem.conv2d.running_var",
                "stem.weight"), ProgramWriter.persistableParams(ProgramDesc.newBuilder().addBlocks(block).build()));
    }

    @Test
    void sparseProgramFeedsEachInputByColAndStoresItsConstants(@TempDir Path dir) throws IOException {
        Workload w = Workloads.parse(PaddleSequenceTest.SPARSE.getBytes(StandardCharsets.UTF_8), "test");
        Weights weights = Weights.initial(w);
        ModelFiles.write(w, weights, dir);
        ProgramDesc program = ProgramDesc.parseFrom(Files.readAllBytes(dir.resolve(ModelFiles.MODEL_FILE)));
        BlockDesc block = program.getBlocks(0);
        Map<String, VarDesc> vars = vars(block);
        // one feed per model input, col = input index; ids are int64
        List<OpDesc> feeds = block.getOpsList().stream().filter(o -> o.getType().equals("feed")).toList();
        assertEquals(3, feeds.size());
        for (int k = 0; k < 3; k++) {
            assertEquals(k, attr(feeds.get(k), "col").getI());
            assertEquals(ProgramWriter.inputVar(k), slot(feeds.get(k).getOutputsList(), "Out"));
        }
        assertEquals(VarType.Type.INT64, vars.get("x").getType().getLodTensor().getTensor().getDataType());
        assertEquals(List.of(-1L, 3L, 2L), dims(vars.get("x")));
        assertEquals(VarType.Type.FP32, vars.get("x1").getType().getLodTensor().getTensor().getDataType());
        assertEquals(VarType.Type.INT64, vars.get("x2").getType().getLodTensor().getTensor().getDataType());
        // table k's ids are shifted by its first row (0, 7, 18); the one-table bag needs no shift
        assertEquals(List.of("emb.offsets", "emb.weight", "inter.pairs", "single.weight"),
                ProgramWriter.persistableParams(program).stream().filter(n -> !n.startsWith("bot.")
                        && !n.startsWith("out.")).toList());
        assertEquals(VarType.Type.INT64, vars.get("emb.offsets").getType().getLodTensor().getTensor().getDataType());
        assertEquals(List.of(3L, 1L), dims(vars.get("emb.offsets")));
        // F = 3 + 1 + 1 vectors, self pairs: 15
        assertEquals(List.of(15L), dims(vars.get("inter.pairs")));

        ByteBuffer in = ByteBuffer.wrap(Files.readAllBytes(dir.resolve(ModelFiles.PARAMS_FILE)))
                .order(ByteOrder.LITTLE_ENDIAN);
        Map<String, long[]> longs = new HashMap<>();
        for (String name : ProgramWriter.persistableParams(program)) {
            in.position(in.position() + 4 + 8 + 4);
            byte[] descBytes = new byte[in.getInt()];
            in.get(descBytes);
            VarType.TensorDesc desc = VarType.TensorDesc.parseFrom(descBytes);
            assertEquals(dims(vars.get(name)), desc.getDimsList(), name);
            assertEquals(vars.get(name).getType().getLodTensor().getTensor().getDataType(), desc.getDataType(), name);
            int count = desc.getDimsList().stream().mapToInt(Long::intValue).reduce(1, (a, b) -> a * b);
            if (desc.getDataType() == VarType.Type.INT64) {
                long[] values = new long[count];
                in.asLongBuffer().get(values);
                longs.put(name, values);
                in.position(in.position() + count * Long.BYTES);
            } else {
                in.position(in.position() + count * Float.BYTES);
            }
        }
        assertFalse(in.hasRemaining(), "no bytes after the last tensor");
        assertArrayEquals(new long[] {0, 7, 18}, longs.get("emb.offsets"));
        assertArrayEquals(new long[] {0, 1, 2, 3, 4, 6, 7, 8, 9, 12, 13, 14, 18, 19, 24}, longs.get("inter.pairs"));
    }

    private static String slot(List<OpDesc.Var> slots, String parameter) {
        return slots.stream().filter(v -> v.getParameter().equals(parameter)).findFirst()
                .orElseThrow(() -> new AssertionError("no slot " + parameter)).getArguments(0);
    }

    @Test
    void cacheKeyFollowsDefinitionAndWeights() throws IOException {
        Workload mlp = Workloads.resolve("mlp");
        String key = ModelFiles.key(mlp, Weights.initial(mlp));
        assertEquals(key, ModelFiles.key(mlp, Weights.initial(mlp)));
        assertNotEquals(key, ModelFiles.key(mlp, Weights.initial(mlp, 43)));
        Workload other = Workloads.parse(("{\"name\":\"mlp\",\"input\":[784],\"classes\":10,\"layers\":["
                + "{\"type\":\"dense\",\"units\":128,\"activation\":\"tanh\"},{\"type\":\"dense\",\"units\":64,"
                + "\"activation\":\"relu\"},{\"type\":\"dense\",\"units\":10}]}").getBytes(StandardCharsets.UTF_8),
                "test");
        assertNotEquals(key, ModelFiles.key(other, Weights.initial(other)));
    }

    @Test
    void preparedModelIsReusedFromTheCache(@TempDir Path cache) throws IOException {
        String before = System.getProperty("dlbench.model.cache");
        System.setProperty("dlbench.model.cache", cache.toString());
        try {
            Workload w = Workloads.resolve("mlp");
            Path dir = ModelFiles.prepare(w, Weights.initial(w));
            assertTrue(dir.startsWith(cache.resolve(PaddleAdapter.NAME)), dir.toString());
            long written = Files.getLastModifiedTime(dir.resolve(ModelFiles.PARAMS_FILE)).toMillis();
            assertEquals(dir, ModelFiles.prepare(w, Weights.initial(w)));
            assertEquals(written, Files.getLastModifiedTime(dir.resolve(ModelFiles.PARAMS_FILE)).toMillis());
            try (var siblings = Files.list(dir.getParent())) {
                assertEquals(List.of(dir), siblings.toList(), "no temporary folders left behind");
            }
        } finally {
            if (before == null) {
                System.clearProperty("dlbench.model.cache");
            } else {
                System.setProperty("dlbench.model.cache", before);
            }
        }
    }

    private static long descBytesTotal(List<String> names, Map<String, VarDesc> vars) {
        long total = 0;
        for (String name : names) {
            long[] dims = dims(vars.get(name)).stream().mapToLong(Long::longValue).toArray();
            total += ParamsFile.tensorDesc(dims).length;
        }
        return total;
    }

    private static List<String> opTypes(BlockDesc block) {
        return block.getOpsList().stream().map(OpDesc::getType).collect(Collectors.toList());
    }

    private static Map<String, VarDesc> vars(BlockDesc block) {
        Map<String, VarDesc> map = new HashMap<>();
        for (VarDesc v : block.getVarsList()) {
            assertFalse(map.containsKey(v.getName()), "declared twice: " + v.getName());
            map.put(v.getName(), v);
        }
        return map;
    }

    private static List<Long> dims(VarDesc var) {
        return new ArrayList<>(var.getType().getLodTensor().getTensor().getDimsList());
    }

    private static OpDesc.Attr attr(OpDesc op, String name) {
        return op.getAttrsList().stream().filter(a -> a.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError(op.getType() + " has no attribute " + name));
    }
}
