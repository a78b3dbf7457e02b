package org.dlbench.djl.block;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.dlbench.core.adapter.Adapters;
import org.dlbench.core.adapter.Device;
import org.dlbench.core.adapter.Mode;
import org.dlbench.core.adapter.Session;
import org.dlbench.core.adapter.SessionSpec;
import org.dlbench.core.check.CorrectnessChecks;
import org.dlbench.core.data.Batch;
import org.dlbench.core.data.SyntheticData;
import org.dlbench.core.data.Weights;
import org.dlbench.core.reference.ReferenceModel;
import org.dlbench.core.reference.Tolerance;
import org.dlbench.core.result.Check;
import org.dlbench.core.workload.Workload;
import org.dlbench.core.workload.Workloads;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The sequence and sparse layers on both DJL engines, on small user-style files with other sizes and the options the
 * built-ins leave out (several id inputs, unequal tables, mean bags, a one-table bag, dot with self, concat on an
 * inner axis, a sequence-output LSTM, causal attention): forward and first SGD step match the reference, and the loss
 * falls. The LSTM's second (h2h) bias stays zero through training.
 */
class SequenceLayersTest {
    private static final String TRAINING = "\"training\": {\"optimizer\": \"sgd\", \"learningRate\": 0.1,"
            + " \"loss\": \"softmax_cross_entropy\"}";

    /** Embedding with positions, layernorm, dense on a sequence, gelu, residual add, mean pool. */
    private static final String SEQUENCE = """
            {"name": "seqmix", "classes": 3,
             "inputs": [{"name": "tokens", "shape": [6], "type": "int64", "vocabulary": 50}],
             "nodes": [{"name": "emb", "type": "embedding", "dim": 8, "positional": true},
                       {"name": "ln", "type": "layernorm", "epsilon": 1e-3},
                       {"name": "ff", "type": "dense", "units": 12},
                       {"name": "act", "type": "gelu"},
                       {"name": "ff2", "type": "dense", "units": 8, "activation": "tanh"},
                       {"name": "res", "type": "add", "inputs": ["ln", "ff2"]},
                       {"name": "pool", "type": "meanpool"},
                       {"name": "out", "type": "dense", "units": 3}],
             %s}""";

    /** A float input and two id inputs: unequal tables with mean bags, one [bag] table, dot with self, concats. */
    private static final String SPARSE = """
            {"name": "sparsemix", "classes": 2,
             "inputs": [{"name": "ids", "shape": [3, 2], "type": "int64", "vocabulary": [7, 11, 5]},
                        {"name": "dense", "shape": [5]},
                        {"name": "one", "shape": [4], "type": "int64", "vocabulary": 9}],
             "nodes": [{"name": "bot", "type": "dense", "units": 4, "activation": "relu", "inputs": ["dense"]},
                       {"name": "emb", "type": "embeddingbag", "dim": 4, "mode": "mean", "inputs": ["ids"]},
                       {"name": "emb1", "type": "embeddingbag", "dim": 4, "inputs": ["one"]},
                       {"name": "inter", "type": "dot", "self": true, "inputs": ["emb", "bot", "emb1"]},
                       {"name": "wide", "type": "concat", "axis": 1, "inputs": ["emb", "emb"]},
                       {"name": "flat", "type": "flatten", "inputs": ["wide"]},
                       {"name": "cat", "type": "concat", "inputs": ["bot", "inter", "flat"]},
                       {"name": "top", "type": "dense", "units": 6, "activation": "relu"},
                       {"name": "out", "type": "dense", "units": 2}],
             %s}""";

    /** Two stacked LSTM layers with sequence output. */
    private static final String LSTM = """
            {"name": "tinylstm", "classes": 3,
             "inputs": [{"name": "tokens", "shape": [5], "type": "int64", "vocabulary": 20}],
             "nodes": [{"name": "emb", "type": "embedding", "dim": 6},
                       {"name": "rnn", "type": "lstm", "hidden": 4, "layers": 2, "output": "sequence"},
                       {"name": "pool", "type": "meanpool"},
                       {"name": "out", "type": "dense", "units": 3}],
             %s}""";

    /** Causal attention with two heads in a post-LN block. */
    private static final String ATTENTION = """
            {"name": "tinyattn", "classes": 3,
             "inputs": [{"name": "tokens", "shape": [5], "type": "int64", "vocabulary": 20}],
             "nodes": [{"name": "emb", "type": "embedding", "dim": 8, "positional": true},
                       {"name": "attn", "type": "attention", "heads": 2, "causal": true},
                       {"name": "res", "type": "add", "inputs": ["emb", "attn"]},
                       {"name": "ln", "type": "layernorm"},
                       {"name": "pool", "type": "meanpool"},
                       {"name": "out", "type": "dense", "units": 3}],
             %s}""";

    private static Workload workload(String name) {
        String json = switch (name) {
            case "seqmix" -> SEQUENCE;
            case "sparsemix" -> SPARSE;
            case "tinylstm" -> LSTM;
            case "tinyattn" -> ATTENTION;
            default -> throw new IllegalArgumentException(name);
        };
        return Workloads.parse(json.formatted(TRAINING).getBytes(StandardCharsets.UTF_8), name + ".json");
    }

    private static Session open(String engine, Workload w, int batch, Mode mode) throws Exception {
        return Adapters.byName(engine).open(new SessionSpec(w, Weights.initial(w), batch, 1, Device.CPU, mode));
    }

    @ParameterizedTest
    @CsvSource({"PyTorch, seqmix", "PyTorch, sparsemix", "PyTorch, tinylstm", "PyTorch, tinyattn",
                "MXNet, seqmix", "MXNet, sparsemix", "MXNet, tinylstm", "MXNet, tinyattn"})
    void forwardStepAndLossMatchTheReference(String engine, String name) throws Exception {
        Workload w = workload(name);
        Batch fixed = new SyntheticData(w).batch(7, 4);
        float[] expected = new ReferenceModel(w, Weights.initial(w)).forward(fixed);
        try (Session s = open(engine, w, 4, Mode.INFER)) {
            Tolerance.Outcome o = Tolerance.DEFAULT.compare(s.infer(fixed), expected);
            assertTrue(o.passed(), engine + " " + name + " forward: " + o.detail());
        }
        try (Session s = open(engine, w, 4, Mode.TRAIN)) {
            // the training session answers inference too (outside the gradient recorder: MXNet's LSTM insists)
            Tolerance.Outcome o = Tolerance.DEFAULT.compare(s.infer(fixed), expected);
            assertTrue(o.passed(), engine + " " + name + " forward in a training session: " + o.detail());
            Check step = CorrectnessChecks.trainingStep(s, w, Weights.initial(w), 4);
            assertTrue(step.passed(), engine + " " + name + " first step: " + step.detail());
        }
        try (Session s = open(engine, w, 16, Mode.TRAIN)) {
            Check falls = CorrectnessChecks.training(s, w, 16);
            System.out.println(engine + " " + name + " " + falls.detail());
            assertTrue(falls.passed(), engine + " " + name + " loss: " + falls.detail());
        }
    }

    /**
     * DJL's LSTM has two biases per layer; the canonical one is i2h and h2h must stay zero: it is frozen, so neither
     * engine's trainer updates it.
     */
    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void secondLstmBiasStaysZeroWhileTraining(String engine) throws Exception {
        Workload w = workload("tinylstm");
        SyntheticData data = new SyntheticData(w);
        try (Session s = open(engine, w, 8, Mode.TRAIN)) {
            BlockSession block = (BlockSession) s;
            assertEquals(2, block.frozenParameters().size(), "one frozen h2h bias per layer: "
                    + block.frozenParameters().keySet());
            float[] before = s.parameters().get("rnn.l1_bias");
            for (int step = 0; step < 5; step++) {
                s.trainStep(data.batch(step, 8));
            }
            for (Map.Entry<String, float[]> e : block.frozenParameters().entrySet()) {
                for (float v : e.getValue()) {
                    assertEquals(0f, v, 0f, engine + " " + e.getKey() + " moved");
                }
            }
            // while the canonical bias does train
            float[] after = s.parameters().get("rnn.l1_bias");
            double moved = 0;
            for (int i = 0; i < after.length; i++) {
                moved += Math.abs(after[i] - before[i]);
            }
            assertTrue(moved > 0, engine + ": rnn.l1_bias did not train");
        }
    }
}
