package org.dlbench.djl.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.dlbench.core.adapter.Device;
import org.dlbench.core.adapter.Mode;
import org.dlbench.core.adapter.Session;
import org.dlbench.core.adapter.Support;
import org.dlbench.core.testkit.AdapterConformanceTest;
import org.dlbench.core.workload.Workload;
import org.dlbench.core.workload.Workloads;
import org.dlbench.core.data.Batch;
import org.dlbench.core.data.SyntheticData;
import org.dlbench.core.data.Weights;
import org.dlbench.core.reference.ReferenceModel;
import org.dlbench.core.reference.Tolerance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The shared acceptance test for ONNX Runtime (inference only), plus what this adapter records and refuses. */
class OnnxRuntimeConformanceTest extends AdapterConformanceTest {

    @Override
    protected String engine() {
        return "OnnxRuntime";
    }

    @Override
    protected boolean trains() {
        return false;
    }

    @Test
    void recordsTheSettingsItApplied() throws Exception {
        Workload w = Workloads.resolve("mlp");
        try (Session s = open(w, 4, Mode.INFER)) {
            Map<String, String> settings = s.settings();
            assertEquals(s.engineVersion(), settings.get("ort_version"));
            assertTrue(s.engineVersion().matches("\\d+\\.\\d+\\.\\d+.*"), s.engineVersion());
            assertEquals("1", settings.get("intra_op_threads_requested"));
            assertEquals("1", settings.get("inter_op_threads_requested"));
            assertEquals("ALL_OPT", settings.get("ort_opt_level_requested"));
            // read back from the session's options
            assertEquals("1", settings.get("ort_allow_spinning"));
            assertTrue(settings.get("threads_read_back").startsWith("none: "), settings.toString());
            assertEquals(java.util.List.of(), org.dlbench.core.result.ThreadFlags.problems(settings, 1));
            assertEquals("CPU", settings.get("execution_provider"));
            // ORT ran on its own: no PyTorch or MXNet natives were loaded as DJL's helper engine
            assertEquals("none", settings.get("helper_engine"));
        }
    }

    @Test
    void refusesTrainingAndGpuInItsOwnTerms() {
        Workload w = Workloads.resolve("mlp");
        Support train = adapter().supports(w, Mode.TRAIN, Device.CPU);
        assertFalse(train.supported());
        assertTrue(train.reason().contains("inference only"), train.reason());
        if (!OnnxRuntimeAdapter.cudaProviderOnClasspath()) {
            Support gpu = adapter().supports(w, Mode.INFER, new Device("gpu", 0));
            assertFalse(gpu.supported());
            assertTrue(gpu.reason().contains("CPU build"), gpu.reason());
        }
    }

    /**
     * Small user files with what the built-ins leave out: int32 ids, unequal tables, a single bag of [bag] ids, mean
     * bags, a self dot over three inputs, concat on the feature axis of a sequence, dense with an activation on a
     * sequence, a sequence-output and a stacked LSTM, causal attention with several heads.
     */
    static final Map<String, String> USER_FILES = Map.of(
            "sparse-mean", """
                    {"name": "sparse-mean", "classes": 3,
                     "inputs": [{"name": "dense", "shape": [5]},
                                {"name": "ids", "shape": [3, 2], "type": "int32", "vocabulary": [7, 3, 11]}],
                     "nodes": [
                       {"name": "bot", "type": "dense", "units": 4, "activation": "relu", "inputs": ["dense"]},
                       {"name": "emb", "type": "embeddingbag", "dim": 4, "mode": "mean", "inputs": ["ids"]},
                       {"name": "side", "type": "dense", "units": 4, "inputs": ["dense"]},
                       {"name": "inter", "type": "dot", "self": true, "inputs": ["emb", "bot", "side"]},
                       {"name": "cat", "type": "concat", "inputs": ["bot", "inter"]},
                       {"name": "out", "type": "dense", "units": 3}]}""",
            "one-bag", """
                    {"name": "one-bag", "classes": 2,
                     "inputs": [{"name": "ids", "shape": [6], "type": "int64", "vocabulary": 20}],
                     "nodes": [
                       {"name": "emb", "type": "embeddingbag", "dim": 5},
                       {"name": "out", "type": "dense", "units": 2}]}""",
            "seq-mix", """
                    {"name": "seq-mix", "classes": 3,
                     "inputs": [{"name": "tokens", "shape": [6], "type": "int64", "vocabulary": 30}],
                     "nodes": [
                       {"name": "emb", "type": "embedding", "dim": 8, "positional": true},
                       {"name": "ln", "type": "layernorm", "epsilon": 0.001},
                       {"name": "ff", "type": "dense", "units": 12, "activation": "sigmoid"},
                       {"name": "act", "type": "gelu"},
                       {"name": "ff2", "type": "dense", "units": 8},
                       {"name": "cat", "type": "concat", "axis": 1, "inputs": ["ff2", "emb"]},
                       {"name": "pool", "type": "meanpool"},
                       {"name": "out", "type": "dense", "units": 3}]}""",
            "lstm-seq", """
                    {"name": "lstm-seq", "classes": 2,
                     "inputs": [{"name": "tokens", "shape": [5], "type": "int64", "vocabulary": 17}],
                     "nodes": [
                       {"name": "emb", "type": "embedding", "dim": 6},
                       {"name": "rnn", "type": "lstm", "hidden": 4, "layers": 2, "output": "sequence"},
                       {"name": "rnn2", "type": "lstm", "hidden": 3},
                       {"name": "out", "type": "dense", "units": 2}]}""",
            "causal", """
                    {"name": "causal", "classes": 3,
                     "inputs": [{"name": "tokens", "shape": [7], "type": "int64", "vocabulary": 13}],
                     "nodes": [
                       {"name": "emb", "type": "embedding", "dim": 8, "positional": true},
                       {"name": "attn", "type": "attention", "heads": 4, "causal": true},
                       {"name": "res", "type": "add", "inputs": ["emb", "attn"]},
                       {"name": "pool", "type": "meanpool"},
                       {"name": "out", "type": "dense", "units": 3}]}""");

    static Workload userFile(String name) {
        return org.dlbench.core.workload.Workloads.parse(USER_FILES.get(name).getBytes(StandardCharsets.UTF_8), name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sparse-mean", "one-bag", "seq-mix", "lstm-seq", "causal"})
    void smallUserFilesMatchTheReference(String name) throws Exception {
        Workload w = userFile(name);
        assertTrue(adapter().supports(w, Mode.INFER, Device.CPU).supported());
        for (int batch : new int[] {1, 5}) {
            Batch fixed = new SyntheticData(w).batch(7, batch);
            float[] expected = new ReferenceModel(w, Weights.initial(w)).forward(fixed);
            try (Session s = open(w, batch, Mode.INFER)) {
                Tolerance.Outcome o = Tolerance.DEFAULT.compare(s.infer(fixed), expected);
                assertTrue(o.passed(), name + " batch " + batch + ": " + o.detail());
            }
        }
    }
}
