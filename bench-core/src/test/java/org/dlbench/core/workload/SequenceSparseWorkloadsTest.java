package org.dlbench.core.workload;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.dlbench.core.data.Batch;
import org.dlbench.core.data.Feed;
import org.dlbench.core.data.SyntheticData;
import org.junit.jupiter.api.Test;

/** The sequence and sparse built-ins: sizes as documented, integer inputs in the format, seeded learnable ids. */
class SequenceSparseWorkloadsTest {

    @Test
    void builtInSizesAndFlopsAreAsDocumented() {
        Workload lstm = Workloads.resolve("lstm");
        assertEquals(1_544_458, lstm.paramCount());
        assertEquals(33_769_994, lstm.forwardFlops());
        assertEquals(Workload.Family.SEQUENCE, lstm.family());
        assertEquals(64, lstm.tokensPerSample());
        assertEquals(4L * 64 * 128, lstm.lookupBytesPerSample());

        Workload transformer = Workloads.resolve("transformer");
        assertEquals(1_710_986, transformer.paramCount());
        assertEquals(118_967_050, transformer.forwardFlops());
        assertEquals(128, transformer.tokensPerSample());

        Workload dlrm = Workloads.resolve("dlrm");
        assertEquals(12_807_474, dlrm.paramCount());
        assertEquals(Workload.Family.SPARSE, dlrm.family());
        assertEquals(0, dlrm.tokensPerSample());
        assertEquals(4L * 8 * 100_000 * 16, dlrm.embeddingBytes());
        assertEquals(4L * 8 * 4 * 16, dlrm.lookupBytesPerSample());
        assertEquals(2, dlrm.inputs().size());
        assertEquals(Workload.Family.CNN, Workloads.resolve("mlp").family());
    }

    @Test
    void expandedJsonRoundTripsWithInputs() {
        for (String name : new String[] {"lstm", "transformer", "dlrm"}) {
            Workload w = Workloads.resolve(name);
            byte[] json = Workloads.toJson(w);
            Workload again = Workloads.parse(json, name + ".json");
            assertEquals(w.paramCount(), again.paramCount());
            assertEquals(w.forwardFlops(), again.forwardFlops());
            assertEquals(w.stages().size(), again.stages().size());
            assertArrayEquals(Workloads.toJson(w), Workloads.toJson(again), new String(json, StandardCharsets.UTF_8));
        }
    }

    @Test
    void idsAreSeededInRangeAndCarryTheClass() {
        Workload dlrm = Workloads.resolve("dlrm");
        Batch a = new SyntheticData(dlrm).batch(3, 64);
        Batch b = new SyntheticData(dlrm).batch(3, 64);
        assertEquals(2, a.inputs().size());
        Feed.Ids ids = (Feed.Ids) a.inputs().get(1);
        assertArrayEquals(ids.values(), ((Feed.Ids) b.inputs().get(1)).values());
        assertEquals(64 * 8 * 4, ids.values().length);
        for (int id : ids.values()) {
            assertTrue(id >= 0 && id < 100_000, "id " + id);
        }
        // learnable: the frequent ids (the signal ids, 4 per class) each belong to one class
        Workload lstm = Workloads.resolve("lstm");
        Batch t = new SyntheticData(lstm).batch(0, 200);
        int[] tokens = ((Feed.Ids) t.inputs().get(0)).values();
        int[][] counts = new int[10_000][10];
        for (int s = 0; s < 200; s++) {
            for (int j = 0; j < 64; j++) {
                counts[tokens[s * 64 + j]][t.labels()[s]]++;
            }
        }
        int frequent = 0;
        for (int[] c : counts) {
            int total = java.util.Arrays.stream(c).sum();
            int top = java.util.Arrays.stream(c).max().orElse(0);
            if (total >= 20) {
                frequent++;
                assertTrue(top >= 0.9 * total, java.util.Arrays.toString(c));
            }
        }
        assertTrue(frequent >= 30, frequent + " frequent ids");
    }

    @Test
    void singleFloatWorkloadsKeepTheirData() {
        Batch b = new SyntheticData(Workloads.resolve("mlp")).batch(0, 2);
        assertEquals(1, b.inputs().size());
        assertEquals(2 * 784, b.features().length);
        assertArrayEquals(new long[] {2, 784}, b.shape());
    }

    @Test
    void badInputsAreNamed() {
        assertEquals("x.json: inputs[0].vocabulary: must be a positive integer, got nothing", message("""
                {"name": "x", "classes": 2, "inputs": [{"name": "t", "shape": [4], "type": "int64"}],
                 "nodes": [{"name": "e", "type": "embedding", "dim": 2}, {"name": "m", "type": "meanpool"},
                           {"name": "o", "type": "dense", "units": 2}]}"""));
        assertEquals("x.json: nodes[0].inputs: 't' is int64; only embedding and embeddingbag read ids", message("""
                {"name": "x", "classes": 2, "inputs": [{"name": "t", "shape": [4], "type": "int64", "vocabulary": 9}],
                 "nodes": [{"name": "o", "type": "dense", "units": 2}]}"""));
        assertEquals("x.json: nodes[0].inputs: 't' is float32; embedding reads integer ids (an int64 or int32 model input)", message("""
                {"name": "x", "classes": 2, "inputs": [{"name": "t", "shape": [4]}],
                 "nodes": [{"name": "e", "type": "embedding", "dim": 2}, {"name": "m", "type": "meanpool"},
                           {"name": "o", "type": "dense", "units": 2}]}"""));
        assertEquals("x.json: inputs[0].vocabulary: must be a positive integer or a list of 3 (shape[0]) positive "
                + "integers, got [5, 6]", message("""
                {"name": "x", "classes": 2, "inputs": [{"name": "t", "shape": [3, 2], "type": "int64",
                 "vocabulary": [5, 6]}],
                 "nodes": [{"name": "e", "type": "embeddingbag", "dim": 2}, {"name": "f", "type": "dot"},
                           {"name": "o", "type": "dense", "units": 2}]}"""));
        assertEquals("x.json: inputs: give 'inputs' or 'input' (with 'inputType'), not both", message("""
                {"name": "x", "classes": 2, "input": [3], "inputs": [{"name": "t", "shape": [4]}],
                 "nodes": [{"name": "o", "type": "dense", "units": 2}]}"""));
    }

    @Test
    void userSizesRunWithoutCodeChanges() {
        Workload w = Workloads.parse("""
                {"name": "small", "classes": 3, "inputs": [{"name": "d", "shape": [5]},
                  {"name": "ids", "shape": [3, 2], "type": "int64", "vocabulary": [50, 70, 90]}],
                 "nodes": [{"name": "b", "type": "dense", "units": 4, "inputs": ["d"]},
                           {"name": "e", "type": "embeddingbag", "dim": 4, "mode": "mean", "inputs": ["ids"]},
                           {"name": "i", "type": "dot", "inputs": ["e", "b"], "self": true},
                           {"name": "c", "type": "concat", "inputs": ["b", "i"]},
                           {"name": "o", "type": "dense", "units": 3}]}""".getBytes(StandardCharsets.UTF_8),
                "small.json");
        assertEquals((50 + 70 + 90) * 4 + 5 * 4 + 4 + (4 + 10) * 3 + 3, w.paramCount());
        assertArrayEquals(new int[] {10}, w.stages().get(2).out());
    }

    @Test
    void familiesExpandInIndexOrder() {
        assertEquals(java.util.List.of("lstm", "transformer", "mlp", "dlrm"),
                Workloads.expandFamilies(java.util.List.of("sequence", "mlp", "sparse", "lstm")));
        assertEquals(Workloads.builtInNames(), Workloads.expandFamilies(java.util.List.of("all")));
        assertEquals(java.util.List.of("mlp", "lenet", "resnet", "mobilenet"),
                Workloads.expandFamilies(java.util.List.of("cnn")));
    }

    @Test
    void theConformanceTestsSmallFilesAreValid() throws Exception {
        for (String name : new String[] {"small-lstm", "small-transformer", "small-dlrm"}) {
            try (java.io.InputStream in = getClass().getResourceAsStream("/org/dlbench/core/testkit/zoo/" + name
                    + ".json")) {
                Workload w = Workloads.parse(in.readAllBytes(), name + ".json");
                assertTrue(w.paramCount() > 0 && w.forwardFlops() > 0, name);
            }
        }
    }

    private static String message(String json) {
        return assertThrows(WorkloadException.class,
                () -> Workloads.parse(json.getBytes(StandardCharsets.UTF_8), "x.json")).getMessage();
    }
}
