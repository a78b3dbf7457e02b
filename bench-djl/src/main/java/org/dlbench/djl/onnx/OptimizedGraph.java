package org.dlbench.djl.onnx;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.dlbench.djl.onnx.proto.ModelProto;
import org.dlbench.djl.onnx.proto.NodeProto;

/**
 * The graph ONNX Runtime wrote after optimising a model ({@code SessionOptions.setOptimizedModelFilePath}), read
 * with the harness's own ONNX protobuf classes: its node count and operator types show what the requested
 * optimisation level did (fusions such as {@code com.microsoft:FusedGemm}, {@code FusedConv}, NCHWc reorders), which
 * ORT's API offers no getter for.
 *
 * @param nodes the number of nodes of the main graph
 * @param ops how many nodes of each operator type, {@code domain:op} for operators outside the default domain
 */
record OptimizedGraph(int nodes, Map<String, Integer> ops) {

    /** Reads the file ORT wrote; a missing or unreadable file gives an explanation instead of numbers. */
    static Result read(Path file) {
        try {
            if (!Files.isRegularFile(file) || Files.size(file) == 0) {
                return new Result(null, "ONNX Runtime wrote no optimised model to " + file);
            }
            ModelProto model;
            try (InputStream in = Files.newInputStream(file)) {
                model = ModelProto.parseFrom(in);
            }
            Map<String, Integer> ops = new TreeMap<>();
            for (NodeProto node : model.getGraph().getNodeList()) {
                String domain = node.getDomain();
                String op = domain.isEmpty() || domain.equals("ai.onnx") ? node.getOpType()
                        : domain + ":" + node.getOpType();
                ops.merge(op, 1, Integer::sum);
            }
            return new Result(new OptimizedGraph(model.getGraph().getNodeCount(), ops), null);
        } catch (IOException | RuntimeException e) {
            return new Result(null, "cannot read the optimised model ONNX Runtime wrote: " + e);
        }
    }

    /** {@code Gemm:2,Relu:1} style, in operator order. */
    String opsText() {
        return ops.entrySet().stream().map(e -> e.getKey() + ":" + e.getValue()).collect(Collectors.joining(","));
    }

    /** The graph, or why it could not be read. */
    record Result(OptimizedGraph graph, String problem) {
        /** The settings keys: {@code ort_optimized_nodes} and {@code ort_optimized_ops}, or the problem. */
        Map<String, String> settings() {
            Map<String, String> s = new LinkedHashMap<>();
            if (graph == null) {
                s.put("ort_optimized_nodes", "unknown: " + problem);
            } else {
                s.put("ort_optimized_nodes", Integer.toString(graph.nodes()));
                s.put("ort_optimized_ops", graph.opsText());
            }
            return s;
        }
    }
}
