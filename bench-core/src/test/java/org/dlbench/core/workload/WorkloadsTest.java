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
        assertEquals(List.of("mlp", "lenet"), Workloads.builtInNames());
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
        "unknown layer; {\"name\":\"x\",\"input\":[4],\"classes\":2,\"layers\":[{\"type\":\"lstm\",\"units\":2}]};"
                + "layers[0].type: unknown layer type 'lstm' (known: dense, conv2d",
        "unknown field; {\"name\":\"x\",\"input\":[4],\"classes\":2,\"layers\":[{\"type\":\"dense\",\"unit\":2}]};"
                + "layers[0].unit: unknown field (known: activation, units)",
        "kernel too big; {\"name\":\"x\",\"input\":[1,4,4],\"classes\":2,\"layers\":[{\"type\":\"conv2d\",\"filters\":2,"
                + "\"kernel\":5},{\"type\":\"flatten\"},{\"type\":\"dense\",\"units\":2}]};"
                + "layers[0].kernel: 5 is larger than its input 4 (impossible shape)",
        "missing flatten; {\"name\":\"x\",\"input\":[1,4,4],\"classes\":2,\"layers\":[{\"type\":\"dense\",\"units\":2}]};"
                + "layers[0]: dense needs a flat input but gets [1, 4, 4]; put a flatten layer before it",
        "wrong classes; {\"name\":\"x\",\"input\":[4],\"classes\":3,\"layers\":[{\"type\":\"dense\",\"units\":2}]};"
                + "layers[0]: the last layer outputs [2] but classes is 3",
        "bad activation; {\"name\":\"x\",\"input\":[4],\"classes\":2,\"layers\":[{\"type\":\"dense\",\"units\":2,"
                + "\"activation\":\"gelu\"}]};unknown activation 'gelu' (known: none, relu, tanh, sigmoid)",
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
        WorkloadException e = assertThrows(WorkloadException.class, () -> Workloads.resolve("resnet"));
        assertEquals("unknown workload 'resnet' (built-in: mlp, lenet; or give the path of a workload .json file)",
                e.getMessage());
    }

    @Test
    void missingFileSaysSo() {
        WorkloadException e = assertThrows(WorkloadException.class, () -> Workloads.resolve("/nonexistent/w.json"));
        assertEquals("/nonexistent/w.json: cannot read: no such file", e.getMessage());
    }
}
