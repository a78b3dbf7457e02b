package org.dlbench.core.run;

import java.util.List;

/** The parent asks a child JVM which engines its classpath offers and what each supports. */
public record DescribeRequest(List<String> workloads, String device) {

    /** One answer per (engine, workload, mode). */
    public record Answer(String engine, String workload, String mode, boolean supported, String reason) {
    }
}
