package org.dlbench.core.workload;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A workload exactly as written in its JSON file. {@link Workload#of} validates it and derives
 * everything else (shapes, parameters, FLOPs).
 *
 * @param input sample shape without the batch dimension: [features] or [channels, height, width]
 * @param batchSizes batch sizes the default run measures
 */
public record WorkloadSpec(
        String name,
        String description,
        List<Integer> input,
        Integer classes,
        List<Layer> layers,
        List<Integer> batchSizes,
        Training training) {

    public WorkloadSpec {
        description = description == null ? "" : description;
        // a null element is kept for Workload.of to name (List.copyOf would fail without saying where)
        batchSizes = batchSizes == null || batchSizes.isEmpty() ? List.of(32)
                : Collections.unmodifiableList(new ArrayList<>(batchSizes));
        training = training == null ? Training.defaults() : training;
    }
}
