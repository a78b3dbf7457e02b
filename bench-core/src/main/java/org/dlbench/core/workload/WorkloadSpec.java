package org.dlbench.core.workload;

import java.util.List;

/**
 * A workload as its file defines it, with its blocks expanded into plain {@link Node}s (a chain file's layers become
 * nodes {@code layer0, layer1, ...}, each reading the one before). {@link Workload#of} validates it and derives
 * everything else (shapes, parameters, FLOPs).
 *
 * @param input sample shape of the model input without the batch dimension: [features] or [channels, height, width]
 * @param inputType element type of the model input; {@code float32} is the only one today
 * @param nodes the graph in file order; every node reads earlier nodes or the input; the last node is the output
 * @param batchSizes batch sizes the default run measures
 */
public record WorkloadSpec(
        String name,
        String description,
        List<Integer> input,
        String inputType,
        Integer classes,
        List<Node> nodes,
        List<Integer> batchSizes,
        Training training) {

    public WorkloadSpec {
        description = description == null ? "" : description;
        inputType = inputType == null ? "float32" : inputType;
        // a null element is kept for Workload.of to name (List.copyOf would fail without saying where)
        batchSizes = batchSizes == null || batchSizes.isEmpty() ? List.of(32)
                : java.util.Collections.unmodifiableList(new java.util.ArrayList<>(batchSizes));
        training = training == null ? Training.defaults() : training;
    }
}
