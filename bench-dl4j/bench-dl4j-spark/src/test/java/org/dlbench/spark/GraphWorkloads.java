package org.dlbench.spark;

import java.nio.charset.StandardCharsets;
import org.dlbench.core.workload.Workload;
import org.dlbench.core.workload.Workloads;

/** Small graph workloads for the tests: every layer type DL4J-Spark translates, at a size that trains in seconds. */
final class GraphWorkloads {
    /**
     * A residual block on 3x8x8 with every graph layer type: conv2d, batchnorm (relu, relu6 and none), a depthwise
     * conv2d with depth multiplier 2 (groups = input channels, filters = 2 x groups), a strided 1x1 projection
     * shortcut, add with relu, globalavgpool, dense output.
     */
    static final String TINY_RESIDUAL = """
            {"name": "tinyres", "description": "one residual block with a depthwise convolution on 3x8x8",
             "input": [3, 8, 8], "classes": 10,
             "nodes": [
               {"name": "stem", "type": "conv2d", "filters": 4, "kernel": 3, "padding": 1},
               {"name": "stembn", "type": "batchnorm", "activation": "relu"},
               {"name": "dw", "type": "conv2d", "filters": 8, "groups": 4, "kernel": 3, "stride": 2, "padding": 1},
               {"name": "dwbn", "type": "batchnorm", "activation": "relu6"},
               {"name": "pw", "type": "conv2d", "filters": 8, "kernel": 1, "activation": "relu6"},
               {"name": "pwbn", "type": "batchnorm", "momentum": 0.2, "epsilon": 0.001},
               {"name": "proj", "type": "conv2d", "inputs": ["stembn"], "filters": 8, "kernel": 1, "stride": 2},
               {"name": "out", "type": "add", "inputs": ["pwbn", "proj"], "activation": "relu"},
               {"name": "pool", "type": "globalavgpool"},
               {"name": "fc", "type": "dense", "units": 10}
             ],
             "batchSizes": [4],
             "training": {"optimizer": "sgd", "learningRate": 0.05, "loss": "softmax_cross_entropy"}}
            """;

    /** A convolution with 2 groups over 4 channels: neither ungrouped nor depthwise. */
    static final String GROUPED = """
            {"name": "grouped", "description": "a grouped convolution DL4J has no layer for",
             "input": [4, 6, 6], "classes": 10,
             "nodes": [
               {"name": "g", "type": "conv2d", "filters": 4, "groups": 2, "kernel": 3},
               {"name": "pool", "type": "globalavgpool"},
               {"name": "fc", "type": "dense", "units": 10}
             ],
             "batchSizes": [4],
             "training": {"optimizer": "sgd", "learningRate": 0.05, "loss": "softmax_cross_entropy"}}
            """;

    /**
     * A small DLRM: a dense input and three embedding-bag tables of unequal sizes (mean bags of 2), the dot interaction
     * of the three table vectors with the bottom MLP's output, concat, top MLP.
     */
    static final String TINY_DLRM = """
            {"name": "tinydlrm", "description": "two inputs, unequal tables, mean bags, dot, concat",
             "inputs": [
               {"name": "dense", "shape": [5]},
               {"name": "ids", "shape": [3, 2], "type": "int64", "vocabulary": [7, 11, 5], "signal": 0.5}
             ],
             "classes": 2,
             "nodes": [
               {"name": "bot1", "type": "dense", "units": 8, "activation": "relu", "inputs": ["dense"]},
               {"name": "bot2", "type": "dense", "units": 4, "activation": "relu"},
               {"name": "emb", "type": "embeddingbag", "dim": 4, "mode": "mean", "inputs": ["ids"]},
               {"name": "inter", "type": "dot", "inputs": ["emb", "bot2"]},
               {"name": "cat", "type": "concat", "inputs": ["bot2", "inter"]},
               {"name": "top1", "type": "dense", "units": 6, "activation": "relu"},
               {"name": "out", "type": "dense", "units": 2}
             ],
             "batchSizes": [4],
             "training": {"optimizer": "sgd", "learningRate": 0.05, "loss": "softmax_cross_entropy"}}
            """;

    /**
     * A sequence model without attention or lstm: token + position embedding, layernorm, a dense layer on the sequence,
     * erf GELU, a residual add, a second layernorm, a concat along time, mean pool joined with a flattened sequence,
     * tanh pooler.
     */
    static final String TINY_SEQUENCE = """
            {"name": "tinyseq", "description": "embedding, layernorm, dense on steps, gelu, add, concat, meanpool",
             "inputs": [{"name": "tokens", "shape": [5], "type": "int64", "vocabulary": 30, "signal": 0.5}],
             "classes": 3,
             "nodes": [
               {"name": "emb", "type": "embedding", "dim": 8, "positional": true},
               {"name": "ln0", "type": "layernorm"},
               {"name": "ff1", "type": "dense", "units": 12},
               {"name": "act", "type": "gelu"},
               {"name": "ff2", "type": "dense", "units": 8},
               {"name": "res", "type": "add", "inputs": ["ln0", "ff2"]},
               {"name": "ln1", "type": "layernorm", "epsilon": 0.001},
               {"name": "both", "type": "concat", "inputs": ["ln1", "ln0"]},
               {"name": "pool", "type": "meanpool"},
               {"name": "flat", "type": "flatten", "inputs": ["ln1"]},
               {"name": "joined", "type": "concat", "inputs": ["pool", "flat"]},
               {"name": "pooler", "type": "dense", "units": 8, "activation": "tanh"},
               {"name": "out", "type": "dense", "units": 3}
             ],
             "batchSizes": [4],
             "training": {"optimizer": "sgd", "learningRate": 0.05, "loss": "softmax_cross_entropy"}}
            """;

    /** Token embedding into a 2-layer LSTM whose every hidden state is kept (output sequence), mean pool, dense. */
    static final String TINY_LSTM = """
            {"name": "tinylstm", "description": "embedding, 2-layer lstm with sequence output, meanpool",
             "inputs": [{"name": "tokens", "shape": [4], "type": "int64", "vocabulary": 9, "signal": 0.5}],
             "classes": 3,
             "nodes": [
               {"name": "emb", "type": "embedding", "dim": 3},
               {"name": "rnn", "type": "lstm", "hidden": 5, "layers": 2, "output": "sequence"},
               {"name": "pool", "type": "meanpool"},
               {"name": "out", "type": "dense", "units": 3}
             ],
             "batchSizes": [4],
             "training": {"optimizer": "sgd", "learningRate": 0.05, "loss": "softmax_cross_entropy"}}
            """;

    /** A causal 2-head attention encoder layer on a short sequence, last-state lstm on top. */
    static final String TINY_ATTENTION = """
            {"name": "tinyattn", "description": "causal attention, residual, layernorm, last-state lstm",
             "inputs": [{"name": "tokens", "shape": [5], "type": "int64", "vocabulary": 20, "signal": 0.5}],
             "classes": 3,
             "nodes": [
               {"name": "emb", "type": "embedding", "dim": 8, "positional": true},
               {"name": "attn", "type": "attention", "heads": 2, "causal": true},
               {"name": "res", "type": "add", "inputs": ["emb", "attn"]},
               {"name": "ln", "type": "layernorm"},
               {"name": "rnn", "type": "lstm", "hidden": 6},
               {"name": "out", "type": "dense", "units": 3}
             ],
             "batchSizes": [4],
             "training": {"optimizer": "sgd", "learningRate": 0.05, "loss": "softmax_cross_entropy"}}
            """;

    private GraphWorkloads() {
    }

    /** A built-in workload by name, or one of the JSON texts above by its name. */
    static Workload resolve(String name) {
        return switch (name) {
            case "tinyres" -> parse(TINY_RESIDUAL);
            case "grouped" -> parse(GROUPED);
            case "tinydlrm" -> parse(TINY_DLRM);
            case "tinyseq" -> parse(TINY_SEQUENCE);
            case "tinylstm" -> parse(TINY_LSTM);
            case "tinyattn" -> parse(TINY_ATTENTION);
            default -> Workloads.resolve(name);
        };
    }

    static Workload parse(String json) {
        return Workloads.parse(json.getBytes(StandardCharsets.UTF_8), "test workload");
    }
}
