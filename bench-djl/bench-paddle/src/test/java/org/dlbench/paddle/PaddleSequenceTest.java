package org.dlbench.paddle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.dlbench.core.adapter.Device;
import org.dlbench.core.adapter.Mode;
import org.dlbench.core.adapter.Session;
import org.dlbench.core.adapter.SessionSpec;
import org.dlbench.core.data.Batch;
import org.dlbench.core.data.SyntheticData;
import org.dlbench.core.data.Weights;
import org.dlbench.core.reference.ReferenceModel;
import org.dlbench.core.reference.Tolerance;
import org.dlbench.core.workload.Workload;
import org.dlbench.core.workload.Workloads;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The sequence and sparse layers at small sizes the built-ins do not use, with IR optimisation on and off (its passes
 * rewrite matmul_v2 + elementwise_add into fc and fold scales into matmuls; both programs must compute the reference).
 */
class PaddleSequenceTest {
    /**
     * Ids fed before the float input (feed {@code col} order), unequal tables with a mean bag, a one-table bag, a dot
     * with self pairs over a stack, a vector and a one-row stack, concat.
     */
    static final String SPARSE = """
            {"name": "paddle-sparse", "classes": 3, "inputs": [
              {"name": "ids", "shape": [3, 2], "type": "int64", "vocabulary": [7, 11, 5]},
              {"name": "dense", "shape": [5]},
              {"name": "one", "shape": [3], "type": "int64", "vocabulary": 9}
            ], "nodes": [
              {"name": "bot", "type": "dense", "units": 4, "activation": "relu", "inputs": ["dense"]},
              {"name": "emb", "type": "embeddingbag", "dim": 4, "mode": "mean", "inputs": ["ids"]},
              {"name": "single", "type": "embeddingbag", "dim": 4, "inputs": ["one"]},
              {"name": "inter", "type": "dot", "self": true, "inputs": ["emb", "bot", "single"]},
              {"name": "cat", "type": "concat", "inputs": ["bot", "inter"]},
              {"name": "out", "type": "dense", "units": 3}
            ]}""";

    /** Positional embedding, layernorm, dense on a sequence, gelu, residual, concat on the feature axis, mean pool. */
    static final String SEQUENCE = """
            {"name": "paddle-seq", "classes": 3, "inputs": [
              {"name": "tokens", "shape": [6], "type": "int64", "vocabulary": 50}
            ], "nodes": [
              {"name": "emb", "type": "embedding", "dim": 8, "positional": true},
              {"name": "ln", "type": "layernorm", "epsilon": 0.001},
              {"name": "ff1", "type": "dense", "units": 16},
              {"name": "act", "type": "gelu"},
              {"name": "ff2", "type": "dense", "units": 8, "activation": "tanh"},
              {"name": "res", "type": "add", "inputs": ["ln", "ff2"]},
              {"name": "cat", "type": "concat", "axis": 1, "inputs": ["res", "ln"]},
              {"name": "pool", "type": "meanpool"},
              {"name": "out", "type": "dense", "units": 3}
            ]}""";

    /** Causal attention with two heads, then plain attention with four, on a short sequence. */
    static final String ATTENTION = """
            {"name": "paddle-attn", "classes": 3, "inputs": [
              {"name": "tokens", "shape": [5], "type": "int64", "vocabulary": 20}
            ], "nodes": [
              {"name": "emb", "type": "embedding", "dim": 8},
              {"name": "causal", "type": "attention", "heads": 2, "causal": true},
              {"name": "full", "type": "attention", "heads": 4},
              {"name": "pool", "type": "meanpool"},
              {"name": "out", "type": "dense", "units": 3}
            ]}""";

    /** A two-layer lstm giving its sequence, then a one-layer lstm giving its last state. */
    static final String LSTM = """
            {"name": "paddle-lstm", "classes": 3, "inputs": [
              {"name": "tokens", "shape": [7], "type": "int64", "vocabulary": 30}
            ], "nodes": [
              {"name": "emb", "type": "embedding", "dim": 6},
              {"name": "seq", "type": "lstm", "hidden": 5, "layers": 2, "output": "sequence"},
              {"name": "last", "type": "lstm", "hidden": 4},
              {"name": "out", "type": "dense", "units": 3}
            ]}""";

    static List<String> cases() {
        return List.of("SPARSE", "SEQUENCE", "ATTENTION", "LSTM");
    }

    @AfterEach
    void clearProperties() {
        System.clearProperty(PaddleOptions.IR_OPTIM);
    }

    @ParameterizedTest
    @MethodSource("cases")
    void matchesTheReferenceWithIrOnAndOff(String name) throws Exception {
        String json = switch (name) {
            case "SPARSE" -> SPARSE;
            case "SEQUENCE" -> SEQUENCE;
            case "ATTENTION" -> ATTENTION;
            case "LSTM" -> LSTM;
            default -> throw new IllegalArgumentException(name);
        };
        Workload w = Workloads.parse(json.getBytes(StandardCharsets.UTF_8), "test");
        Weights weights = Weights.initial(w);
        int batch = 3;
        Batch data = new SyntheticData(w).batch(7, batch);
        float[] expected = new ReferenceModel(w, weights).forward(data);
        PaddleAdapter adapter = new PaddleAdapter();
        for (String ir : List.of("true", "false")) {
            System.setProperty(PaddleOptions.IR_OPTIM, ir);
            try (Session s = adapter.open(new SessionSpec(w, weights, batch, 1, Device.CPU, Mode.INFER))) {
                float[] actual = s.infer(data);
                assertEquals(expected.length, actual.length);
                Tolerance.Outcome o = Tolerance.DEFAULT.compare(actual, expected);
                assertTrue(o.passed(), name + " ir_optim " + ir + ": " + o.detail());
            }
        }
    }
}
