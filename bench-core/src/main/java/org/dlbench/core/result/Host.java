package org.dlbench.core.result;

import static org.dlbench.core.json.FieldError.at;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import org.dlbench.core.json.FieldError;

/**
 * The machine a run was made on, as read at its start.
 *
 * @param cores logical CPUs the JVM may use ({@code availableProcessors}); kept for results written before the
 *     topology fields existed
 * @param calibration the machine's measured single-precision matrix-multiply speed, per engine and thread count;
 *     each result's efficiency is measured against its own engine's library (see {@link #peakFor}), and the best
 *     of them is shown beside it
 * @param physicalCores physical cores: distinct (physical package, core) pairs of the online CPUs in the kernel's
 *     topology files; null in results written before it was recorded
 * @param logicalCpus online logical CPUs (hardware threads) from the kernel; null in older results
 * @param topologySource where the two counts came from, e.g. {@code /sys/devices/system/cpu topology} or a
 *     fallback with its reason; null in older results
 */
public record Host(
        @JsonProperty(required = true) String hostname,
        @JsonProperty(required = true) String cpuModel,
        List<String> cpuFlags,
        @JsonProperty(required = true) int cores,
        @JsonProperty(required = true) long memoryBytes,
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

    /**
     * GFLOP/s of an n x n float32 matrix multiply measured with one engine's BLAS at a thread count: the median of
     * several samples, with their spread.
     *
     * @param engine the engine that measured it
     * @param gflops the median of {@code samples}
     * @param minGflops the slowest sample
     * @param maxGflops the fastest sample
     * @param samples GFLOP/s of every sample, in the order measured
     * @param usedBy every engine whose % of peak is measured against this calibration: {@code engine} itself and
     *     the engines that compute with the same library
     */
    public record Calibration(@JsonProperty(required = true) String engine,
                              @JsonProperty(required = true) int threads,
                              @JsonProperty(required = true) int n,
                              @JsonProperty(required = true) double gflops,
                              Double minGflops, Double maxGflops, List<Double> samples, List<String> usedBy) {
        public Calibration {
            // null elements are kept for validation to name (List.copyOf would fail without saying where)
            samples = samples == null ? List.of() : java.util.Collections.unmodifiableList(new java.util.ArrayList<>(samples));
            usedBy = usedBy == null || usedBy.isEmpty() ? (engine == null ? List.of() : List.of(engine))
                    : java.util.Collections.unmodifiableList(new java.util.ArrayList<>(usedBy));
        }

        /** A single reading (no spread known). */
        public Calibration(String engine, int threads, int n, double gflops) {
            this(engine, threads, n, gflops, gflops, gflops, List.of(gflops), List.of(engine));
        }

        /** The median and spread of the samples. */
        public static Calibration of(String engine, int threads, int n, List<Double> samples) {
            if (samples == null || samples.isEmpty()) {
                throw new IllegalArgumentException("a calibration needs at least one sample");
            }
            return new Calibration(engine, threads, n, median(samples),
                    samples.stream().mapToDouble(Double::doubleValue).min().orElseThrow(),
                    samples.stream().mapToDouble(Double::doubleValue).max().orElseThrow(), samples, List.of(engine));
        }

        /** The same calibration, also standing for {@code other}'s % of peak. */
        public Calibration alsoUsedBy(String other) {
            if (usedBy.contains(other)) {
                return this;
            }
            List<String> users = new java.util.ArrayList<>(usedBy);
            users.add(other);
            return new Calibration(engine, threads, n, gflops, minGflops, maxGflops, samples, users);
        }

        /** Whether an engine's % of peak is measured against this calibration. */
        public boolean isUsedBy(String e) {
            return engine.equals(e) || usedBy.contains(e);
        }
    }

    /** Checks a host read from a file; {@code path} is where it sits, e.g. {@code host}. */
    void validate(String path) {
        FieldError.required(hostname, at(path, "hostname"));
        FieldError.required(cpuModel, at(path, "cpu_model"));
        FieldError.atLeast(cores, 1, at(path, "cores"));
        FieldError.atLeast(memoryBytes, 0, at(path, "memory_bytes"));
        FieldError.noNulls(cpuFlags, at(path, "cpu_flags"));
        FieldError.noNulls(jvmArgs, at(path, "jvm_args"));
        if (physicalCores != null) {
            FieldError.atLeast(physicalCores, 1, at(path, "physical_cores"));
        }
        if (logicalCpus != null) {
            FieldError.atLeast(logicalCpus, 1, at(path, "logical_cpus"));
        }
        FieldError.each(calibration, at(path, "calibration"), (c, p) -> {
            FieldError.requiredText(c.engine(), at(p, "engine"));
            FieldError.atLeast(c.threads(), 1, at(p, "threads"));
            FieldError.atLeast(c.n(), 1, at(p, "n"));
            FieldError.atLeast(c.gflops(), 0.0, at(p, "gflops"));
            FieldError.noNulls(c.samples(), at(p, "samples"));
            FieldError.noNulls(c.usedBy(), at(p, "used_by"));
        });
    }

    /** The middle value, or the mean of the two middle values of an even count. */
    public static double median(List<Double> values) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("no values");
        }
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int mid = v.length / 2;
        return v.length % 2 == 1 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
    }

    /**
     * Links engines to the calibration of the engine whose library they compute with ({@code engine -> measured
     * by}); an engine whose named calibration was not measured is left out, so it is measured against the best.
     */
    public static List<Calibration> link(List<Calibration> calibrations, java.util.Map<String, String> calibratedBy) {
        List<Calibration> linked = new java.util.ArrayList<>();
        for (Calibration c : calibrations) {
            Calibration l = c;
            for (var e : new java.util.TreeMap<>(calibratedBy).entrySet()) {
                if (e.getValue().equals(c.engine())) {
                    l = l.alsoUsedBy(e.getKey());
                }
            }
            linked.add(l);
        }
        return linked;
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

    /** The best calibrated GFLOP/s (median) at this thread count, or null when none was measured. */
    public Double peakGflops(int threads) {
        Calibration best = bestCalibration(threads);
        return best == null ? null : best.gflops();
    }

    /** The calibration with the highest median at this thread count, or null when none was measured. */
    public Calibration bestCalibration(int threads) {
        if (calibration == null) {
            return null;
        }
        return calibration.stream().filter(c -> c.threads() == threads)
                .max(java.util.Comparator.comparingDouble(Calibration::gflops)).orElse(null);
    }

    /**
     * The calibration of the engine's own library at this thread count (measured by the engine itself or by the one
     * whose library it uses), or null when there is none.
     */
    public Calibration ownCalibration(String engine, int threads) {
        if (calibration == null) {
            return null;
        }
        return calibration.stream().filter(c -> c.threads() == threads && c.engine().equals(engine)).findFirst()
                .or(() -> calibration.stream().filter(c -> c.threads() == threads && c.isUsedBy(engine)).findFirst())
                .orElse(null);
    }

    /**
     * The peak a result of {@code engine} at {@code threads} threads is measured against: its own library's, else
     * the best engine's (basis {@link CellResult.Peak#BEST}); null when nothing was calibrated at that count.
     */
    public CellResult.Peak peakFor(String engine, int threads, Double gflops) {
        Calibration best = bestCalibration(threads);
        if (best == null) {
            return null;
        }
        Calibration own = ownCalibration(engine, threads);
        Calibration used = own != null ? own : best;
        return new CellResult.Peak(used.engine(), used.gflops(), own != null ? CellResult.Peak.OWN
                : CellResult.Peak.BEST, best.engine(), best.gflops(),
                gflops == null ? null : 100 * gflops / best.gflops());
    }

    /** The result with its % of peak (against its own library's peak) and the peak it used; unchanged without one. */
    public CellResult withEfficiency(CellResult r) {
        CellResult.Peak peak = peakFor(r.engine(), r.threads(), r.gflops());
        if (peak == null || r.gflops() == null) {
            return r;
        }
        return r.toBuilder().percentOfPeak(100 * r.gflops() / peak.gflops()).peak(peak).build();
    }
}
