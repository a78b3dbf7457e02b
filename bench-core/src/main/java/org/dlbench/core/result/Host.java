package org.dlbench.core.result;

import java.util.List;

/**
 * The machine a run was made on, as read at its start.
 *
 * @param cores logical CPUs the JVM may use ({@code availableProcessors}); kept for results written before the
 *     topology fields existed
 * @param calibration the machine's measured single-precision matrix-multiply speed, per engine and thread count;
 *     the best of them is the peak each result's efficiency is measured against
 * @param physicalCores physical cores: distinct (physical package, core) pairs of the online CPUs in the kernel's
 *     topology files; null in results written before it was recorded
 * @param logicalCpus online logical CPUs (hardware threads) from the kernel; null in older results
 * @param topologySource where the two counts came from, e.g. {@code /sys/devices/system/cpu topology} or a
 *     fallback with its reason; null in older results
 */
public record Host(
        String hostname,
        String cpuModel,
        List<String> cpuFlags,
        int cores,
        long memoryBytes,
        String os,
        String kernel,
        String jvm,
        List<String> jvmArgs,
        List<Calibration> calibration,
        Integer physicalCores,
        Integer logicalCpus,
        String topologySource) {

    /** A host without topology facts (as results before they were recorded, and tests). */
    public Host(String hostname, String cpuModel, List<String> cpuFlags, int cores, long memoryBytes, String os,
                String kernel, String jvm, List<String> jvmArgs, List<Calibration> calibration) {
        this(hostname, cpuModel, cpuFlags, cores, memoryBytes, os, kernel, jvm, jvmArgs, calibration, null, null, null);
    }

    /** GFLOP/s of an n x n float32 matrix multiply measured with one engine's BLAS at a thread count. */
    public record Calibration(String engine, int threads, int n, double gflops) {
    }

    public Host withCalibration(List<Calibration> c) {
        return new Host(hostname, cpuModel, cpuFlags, cores, memoryBytes, os, kernel, jvm, jvmArgs, List.copyOf(c),
                physicalCores, logicalCpus, topologySource);
    }

    /** Physical cores when known, else the logical CPU count {@link #cores} (results written before topology). */
    public int physicalCoresOrCores() {
        return physicalCores != null ? physicalCores : cores;
    }

    /** "2 physical cores, 4 logical CPUs", or "N cores" for results without topology. */
    public String coresDescription() {
        if (physicalCores == null || logicalCpus == null) {
            return cores + " cores";
        }
        return physicalCores + " physical core" + (physicalCores == 1 ? "" : "s") + ", " + logicalCpus
                + " logical CPU" + (logicalCpus == 1 ? "" : "s");
    }

    /** The best calibrated GFLOP/s at this thread count, or null when none was measured. */
    public Double peakGflops(int threads) {
        if (calibration == null) {
            return null;
        }
        return calibration.stream().filter(c -> c.threads() == threads).mapToDouble(Calibration::gflops).boxed()
                .max(Double::compare).orElse(null);
    }
}
