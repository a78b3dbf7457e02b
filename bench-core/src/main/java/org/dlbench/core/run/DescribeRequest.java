package org.dlbench.core.run;

import java.util.List;

/** The parent asks a child JVM which engines its classpath offers and what each supports. */
public record DescribeRequest(List<String> workloads, String device) {

    /**
     * One answer per (engine, workload, mode), with the environment the engine's cells need
     * ({@link org.dlbench.core.adapter.EngineAdapter#environment}; null when none) and its declared variants
     * ({@link org.dlbench.core.adapter.EngineAdapter#variants}; null for an engine without a JVM runtime), and the
     * environment its cells of several instances need ({@link org.dlbench.core.adapter.EngineAdapter#instancesEnvironment}).
     */
    public record Answer(String engine, String workload, String mode, boolean supported, String reason,
                         java.util.Map<String, String> environment,
                         java.util.List<org.dlbench.core.variant.Variant> variants,
                         java.util.Map<String, String> instancesEnvironment) {
        public Answer(String engine, String workload, String mode, boolean supported, String reason) {
            this(engine, workload, mode, supported, reason, null, null, null);
        }

        public Answer(String engine, String workload, String mode, boolean supported, String reason,
                      java.util.Map<String, String> environment, java.util.List<org.dlbench.core.variant.Variant> variants) {
            this(engine, workload, mode, supported, reason, environment, variants, null);
        }
    }
}
