package org.dlbench.core.adapter;

import org.dlbench.core.workload.Workload;

/**
 * Turns a workload definition into a real model of one engine. Implementations are registered in
 * {@code META-INF/services/org.dlbench.core.adapter.EngineAdapter} and must be cheap to construct: no engine is
 * loaded until {@link #open}.
 */
public interface EngineAdapter {

    /** Unique engine name used on the command line and in results, e.g. {@code PyTorch}. */
    String name();

    /** Whether this engine can run the workload in this mode on this device, and if not, why. */
    Support supports(Workload workload, Mode mode, Device device);

    /** Builds the model and loads the shared weights; the thread count is applied before the engine starts. */
    Session open(SessionSpec spec) throws Exception;
}
