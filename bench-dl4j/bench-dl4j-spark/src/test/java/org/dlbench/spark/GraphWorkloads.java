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

    private GraphWorkloads() {
    }

    /** A built-in workload by name, or one of the JSON texts above by its name. */
    static Workload resolve(String name) {
        return switch (name) {
            case "tinyres" -> parse(TINY_RESIDUAL);
            case "grouped" -> parse(GROUPED);
            default -> Workloads.resolve(name);
        };
    }

    static Workload parse(String json) {
        return Workloads.parse(json.getBytes(StandardCharsets.UTF_8), "test workload");
    }
}
