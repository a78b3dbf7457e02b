package org.dlbench.core.workload;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WorkloadsTest {

    @Test
    void builtInsParseWithDerivedShapesAndCounts() {
        assertEquals(List.of("mlp", "lenet", "resnet", "mobilenet", "lstm", "transformer", "dlrm"),
                Workloads.builtInNames());
        Workload mlp = Workloads.resolve("mlp");
        // 784*128+128 + 128*64+64 + 64*10+10
        assertEquals(109_386, mlp.paramCount());
        // per layer: 2*in*out + bias + relu
        assertEquals((2L * 784 * 128 + 128 + 128) + (2L * 128 * 64 + 64 + 64) + (2L * 64 * 10 + 10),
                mlp.forwardFlops());

        Workload lenet = Workloads.resolve("lenet");
        assertArrayEquals(new int[] {1, 28, 28}, lenet.inputShape());
        assertArrayEquals(new int[] {6, 28, 28}, lenet.stages().get(0).out());
        assertArrayEquals(new int[] {6, 14, 14}, lenet.stages().get(1).out());
        assertArrayEquals(new int[] {16, 10, 10}, lenet.stages().get(2).out());
        assertArrayEquals(new int[] {16, 5, 5}, lenet.stages().get(3).out());
        assertArrayEquals(new int[] {400}, lenet.stages().get(4).out());
        assertEquals(156 + 2_416 + 48_120 + 10_164 + 850, lenet.paramCount());
        long conv1 = 2L * 6 * 28 * 28 * 25 + 6 * 28 * 28 * 2; // MACs*2 + bias + relu
        assertEquals(conv1, lenet.stages().get(0).forwardFlops());
        assertEquals(6L * 14 * 14 * 4, lenet.stages().get(1).forwardFlops());
    }

    @Test
    void trainingFlopsCountBackwardWithoutInputGradientOfFirstLayer() {
        Workload mlp = Workloads.resolve("mlp");
        Stage first = mlp.stages().get(0);
        Stage second = mlp.stages().get(1);
        // first layer: weight gradient + bias + relu, no input gradient
        assertEquals(2L * 784 * 128 + 128 + 128, first.backwardFlops());
        // later layers also propagate the gradient to their input
        assertEquals(2L * 128 * 64 + 64 + 64 + 2L * 128 * 64, second.backwardFlops());
        double expected = mlp.forwardFlops() + 5.0 * 10
                + mlp.stages().stream().mapToLong(Stage::backwardFlops).sum() + 2.0 * mlp.paramCount() / 32;
        assertEquals(expected, mlp.trainFlopsPerSample(32), 1e-6);
    }

    @Test
    void aNewShapeNeedsNoCode(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("wide.json");
        Files.writeString(file, """
                {"name": "wide", "input": [3, 16, 16], "classes": 5,
                 "layers": [{"type": "conv2d", "filters": 4, "kernel": 3, "stride": 2, "padding": 1, "activation": "tanh"},
                            {"type": "avgpool2d", "kernel": 2},
                            {"type": "flatten"},
                            {"type": "dense", "units": 5}],
                 "batchSizes": [8, 64]}""");
        Workload w = Workloads.resolve(file.toString());
        assertEquals("wide", w.name());
        assertArrayEquals(new int[] {4, 8, 8}, w.stages().get(0).out());
        assertArrayEquals(new int[] {4, 4, 4}, w.stages().get(1).out());
        assertEquals(List.of(8, 64), w.defaultBatchSizes());
        assertEquals(4 * 3 * 9 + 4 + 64 * 5 + 5, w.paramCount());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', value = {
        "unknown layer; {\"name\":\"x\",\"input\":[4],\"classes\":2,\"layers\":[{\"type\":\"gru\",\"units\":2}]};"
                + "layers[0].type: unknown layer type 'gru' (known: dense, conv2d",
        "unknown field; {\"name\":\"x\",\"input\":[4],\"classes\":2,\"layers\":[{\"type\":\"dense\",\"unit\":2}]};"
                + "layers[0].unit: unknown field",
        "kernel too big; {\"name\":\"x\",\"input\":[1,4,4],\"classes\":2,\"layers\":[{\"type\":\"conv2d\",\"filters\":2,"
                + "\"kernel\":5},{\"type\":\"flatten\"},{\"type\":\"dense\",\"units\":2}]};"
                + "layers[0].kernel: 5 is larger than its input 4 (impossible shape)",
        "missing flatten; {\"name\":\"x\",\"input\":[1,4,4],\"classes\":2,\"layers\":[{\"type\":\"dense\",\"units\":2}]};"
                + "layers[0]: dense needs a flat input (or a sequence [steps, features]) but gets [1, 4, 4]; put a flatten",
        "wrong classes; {\"name\":\"x\",\"input\":[4],\"classes\":3,\"layers\":[{\"type\":\"dense\",\"units\":2}]};"
                + "layers[0]: the last node outputs [2] but classes is 3",
        "bad activation; {\"name\":\"x\",\"input\":[4],\"classes\":2,\"layers\":[{\"type\":\"dense\",\"units\":2,"
                + "\"activation\":\"gelu\"}]};layers[0].activation: unknown activation 'gelu' (known: none, relu, relu6, tanh,",
        "zero units; {\"name\":\"x\",\"input\":[4],\"classes\":2,\"layers\":[{\"type\":\"dense\",\"units\":0}]};"
                + "layers[0].units: must be a positive integer, got 0",
        "no input; {\"name\":\"x\",\"classes\":2,\"layers\":[{\"type\":\"dense\",\"units\":2}]};input: missing",
        "bad batch; {\"name\":\"x\",\"input\":[4],\"classes\":2,\"batchSizes\":[0],\"layers\":[{\"type\":\"dense\","
                + "\"units\":2}]};batchSizes[0]: must be a positive integer, got 0",
        "not json; {\"name\": ;name: not valid JSON at line 1",
    })
    void badDefinitionsFailWithAClearMessage(String what, String json, String expected) {
        WorkloadException e = assertThrows(WorkloadException.class,
                () -> Workloads.parse(json.getBytes(StandardCharsets.UTF_8), "test.json"));
        assertTrue(e.getMessage().startsWith("test.json: "), e.getMessage());
        assertTrue(e.getMessage().contains(expected), what + ": " + e.getMessage());
    }

    @Test
    void unknownNameListsTheBuiltIns() {
        WorkloadException e = assertThrows(WorkloadException.class, () -> Workloads.resolve("vgg"));
        assertEquals("unknown workload 'vgg' (built-in: mlp, lenet, resnet, mobilenet, lstm, transformer, dlrm; or give the path of a workload .json file)",
                e.getMessage());
    }

    @Test
    void missingFileSaysSo() {
        WorkloadException e = assertThrows(WorkloadException.class, () -> Workloads.resolve("/nonexistent/w.json"));
        assertEquals("/nonexistent/w.json: cannot read: no such file", e.getMessage());
    }

    @Test
    void resnetExpandsItsBlocksIntoNamedNodes() {
        Workload r = Workloads.resolve("resnet");
        assertEquals(false, r.isChain());
        // stem 2 + 3 x 5 + (7 + 2 x 5) x 2 + pool + fc
        assertEquals(2 + 15 + 34 + 2, r.stages().size());
        Stage proj = r.stages().stream().filter(s -> s.name().equals("stage2down.proj")).findFirst().orElseThrow();
        assertArrayEquals(new int[] {32, 16, 1, 1}, proj.param("weight").shape());
        assertArrayEquals(new int[] {32, 16, 16}, proj.out());
        Stage join = r.stages().stream().filter(s -> s.name().equals("stage1.2.out")).findFirst().orElseThrow();
        assertEquals(2, join.inputs().size());
        assertEquals("stage1.1.out", r.stages().get(join.inputs().get(1)).name());
        assertArrayEquals(new int[] {64}, r.stages().get(r.stages().size() - 2).out());
        // conv weights 270,256 + conv biases 784 + batchnorm gamma and beta 1,568 + dense 650 (ResNet-20 has 0.27M)
        assertEquals(273_258, r.paramCount());
        assertEquals(4 * 784 / 2, r.params().stream().filter(p -> !p.trainable()).mapToInt(ParamSpec::size).sum());
    }

    @Test
    void mobilenetHasDepthwiseConvolutions() {
        Workload m = Workloads.resolve("mobilenet");
        Stage dw = m.stages().stream().filter(s -> s.name().equals("sep2.dw")).findFirst().orElseThrow();
        assertArrayEquals(new int[] {32, 1, 3, 3}, dw.param("weight").shape());
        assertArrayEquals(new int[] {32, 16, 16}, dw.out());
        assertArrayEquals(new int[] {256, 4, 4}, m.stages().get(m.stages().size() - 3).out());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', value = {
        "unknown input; {\"name\":\"g\",\"input\":[4],\"classes\":2,\"nodes\":[{\"name\":\"a\",\"type\":\"dense\","
                + "\"units\":2,\"inputs\":[\"b\"]}]};nodes[0].inputs[0]: 'b' is not 'input' or an earlier node",
        "unused node; {\"name\":\"g\",\"input\":[4],\"classes\":2,\"nodes\":[{\"name\":\"a\",\"type\":\"dense\","
                + "\"units\":3},{\"name\":\"b\",\"type\":\"dense\",\"units\":2,\"inputs\":[\"input\"]}]};"
                + "node 'a' is not used",
        "duplicate; {\"name\":\"g\",\"input\":[4],\"classes\":2,\"nodes\":[{\"name\":\"a\",\"type\":\"dense\","
                + "\"units\":2},{\"name\":\"a\",\"type\":\"dense\",\"units\":2}]};another node is already called 'a'",
        "add shapes; {\"name\":\"g\",\"input\":[4],\"classes\":2,\"nodes\":[{\"name\":\"a\",\"type\":\"dense\","
                + "\"units\":2},{\"name\":\"s\",\"type\":\"add\",\"inputs\":[\"a\",\"input\"]}]};"
                + "nodes[1].inputs: needs inputs of one shape but gets [[2], [4]]",
        "add arity; {\"name\":\"g\",\"input\":[4],\"classes\":2,\"nodes\":[{\"name\":\"s\",\"type\":\"add\"}]};"
                + "nodes[0].inputs: add needs 2 or more inputs",
        "unknown block; {\"name\":\"g\",\"input\":[4],\"classes\":2,\"nodes\":[{\"name\":\"s\",\"block\":\"x\"}]};"
                + "nodes[0].block: unknown block 'x' (defined: none)",
        "missing arg; {\"name\":\"g\",\"input\":[4],\"classes\":2,\"blocks\":{\"b\":{\"args\":[\"u\"],\"nodes\":"
                + "[{\"type\":\"dense\",\"units\":\"$u\"}]}},\"nodes\":[{\"name\":\"s\",\"block\":\"b\"}]};"
                + "nodes[0].args.u: missing",
        "unknown arg; {\"name\":\"g\",\"input\":[4],\"classes\":2,\"blocks\":{\"b\":{\"nodes\":"
                + "[{\"type\":\"dense\",\"units\":\"$u\"}]}},\"nodes\":[{\"name\":\"s\",\"block\":\"b\"}]};"
                + "'$u' names no argument of the enclosing block",
        "bad groups; {\"name\":\"g\",\"input\":[3,4,4],\"classes\":2,\"nodes\":[{\"name\":\"c\",\"type\":\"conv2d\","
                + "\"filters\":4,\"kernel\":1,\"groups\":2},{\"type\":\"globalavgpool\"},{\"type\":\"dense\",\"units\":2}]};"
                + "nodes[0].groups: 2 must divide both the input channels (3)",
        "both formats; {\"name\":\"g\",\"input\":[4],\"classes\":2,\"layers\":[],\"nodes\":[]};"
                + "nodes: give 'layers' (a chain) or 'nodes' (a graph), not both",
        "null; null;top level: null",
        "array; [1];top level: expected a workload object",
    })
    void badGraphsFailWithTheNodeAndField(String what, String json, String expected) {
        WorkloadException e = assertThrows(WorkloadException.class,
                () -> Workloads.parse(json.getBytes(StandardCharsets.UTF_8), "g.json"));
        assertTrue(e.getMessage().startsWith("g.json: "), e.getMessage());
        assertTrue(e.getMessage().contains(expected), what + ": " + e.getMessage());
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"mlp", "lenet", "resnet", "mobilenet"})
    void toJsonRoundTripsEveryBuiltIn(String name) {
        Workload w = Workloads.resolve(name);
        byte[] json = Workloads.toJson(w);
        Workload back = Workloads.parse(json, "round trip");
        assertArrayEquals(json, Workloads.toJson(back));
        assertEquals(w.params().stream().map(ParamSpec::toString).toList(),
                back.params().stream().map(ParamSpec::toString).toList());
        assertEquals(w.forwardFlops(), back.forwardFlops());
        for (int i = 0; i < w.stages().size(); i++) {
            assertEquals(w.stages().get(i).layer(), back.stages().get(i).layer());
            assertEquals(w.stages().get(i).inputs(), back.stages().get(i).inputs());
        }
    }
}
