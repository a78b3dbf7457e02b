package org.dlbench.core.adapter;

import org.dlbench.core.data.Weights;
import org.dlbench.core.workload.Workload;

/**
 * Everything an adapter needs to build a model: the workload, the shared initial weights, the batch size, the
 * intra-op thread count it must apply, the device and what the session will be used for.
 */
public record SessionSpec(Workload workload, Weights weights, int batchSize, int threads, Device device, Mode mode) {
    public SessionSpec {
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
        }
        if (threads <= 0) {
            throw new IllegalArgumentException("threads must be positive, got " + threads);
        }
    }
}
