package org.dlbench.core.run;

import java.util.List;

/** The parent asks a child JVM which engines its classpath offers and what each supports. */
public record DescribeRequest(List<String> workloads, String device) {

    /**
     * One answer per (engine, workload, mode), with the environment the engine's cells need
     * ({@link org.dlbench.core.adapter.EngineAdapter#environment}; null when none).
     */
    public record Answer(String engine, String workload, String mode, boolean supported, String reason,
                         java.util.Map<String, String> environment) {
        public Answer(String engine, String workload, String mode, boolean supported, String reason) {
            this(engine, workload, mode, supported, reason, null);
        }
    }
}
