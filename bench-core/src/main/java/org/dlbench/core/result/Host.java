package org.dlbench.core.result;

import java.util.List;

/**
 * The machine a run was made on, as read at its start.
 *
 * @param calibration the machine's measured single-precision matrix-multiply speed, per engine and thread count;
 *     the best of them is the peak each result's efficiency is measured against
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
        List<Calibration> calibration) {

    /** GFLOP/s of an n x n float32 matrix multiply measured with one engine's BLAS at a thread count. */
    public record Calibration(String engine, int threads, int n, double gflops) {
    }

    public Host withCalibration(List<Calibration> c) {
        return new Host(hostname, cpuModel, cpuFlags, cores, memoryBytes, os, kernel, jvm, jvmArgs, List.copyOf(c));
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
