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
 * @param inputs the model inputs when the file lists several or integer ones ({@code "inputs"}); null when it uses
 *               {@code input}/{@code inputType} (one float32 input named {@code input})
 * @param family {@code cnn}, {@code sequence} or {@code sparse}; null to derive it from the layers
 */
public record WorkloadSpec(
        String name,
        String description,
        List<Integer> input,
        String inputType,
        Integer classes,
        List<Node> nodes,
        List<Integer> batchSizes,
        Training training,
        List<InputDef> inputs,
        String family) {

    /** A spec with one float32 input, as before {@code inputs} existed. */
    public WorkloadSpec(String name, String description, List<Integer> input, String inputType, Integer classes,
                        List<Node> nodes, List<Integer> batchSizes, Training training) {
        this(name, description, input, inputType, classes, nodes, batchSizes, training, null, null);
    }

    public WorkloadSpec {
        inputs = inputs == null ? null : java.util.Collections.unmodifiableList(new java.util.ArrayList<>(inputs));
        description = description == null ? "" : description;
        inputType = inputType == null && inputs == null ? "float32" : inputType;
        // a null element is kept for Workload.of to name (List.copyOf would fail without saying where)
        batchSizes = batchSizes == null || batchSizes.isEmpty() ? List.of(32)
                : java.util.Collections.unmodifiableList(new java.util.ArrayList<>(batchSizes));
        training = training == null ? Training.defaults() : training;
    }
}
