package org.dlbench.core.result;

import java.util.List;

/** The machine a run was made on, as read at its start. */
public record Host(
        String hostname,
        String cpuModel,
        List<String> cpuFlags,
        int cores,
        long memoryBytes,
        String os,
        String kernel,
        String jvm,
        List<String> jvmArgs) {
}
