package org.dlbench.core.result;

import java.util.Objects;

/**
 * The coordinates of a cell, before it has a result.
 *
 * @param variant the engine variant measured ({@link org.dlbench.core.variant.Variant#name}), or null for a run made
 *     before variants existed
 * @param instances independent sessions called at once from as many Java threads (1: a single session)
 */
public record CellKey(String engine, String workload, String mode, int batch, int threads, String device,
                      String variant, int instances) {

    public CellKey {
        if (instances < 0) {
            throw new IllegalArgumentException("instances must be at least 1, not " + instances);
        }
        // 0 is how a result written before instances existed reads: one session
        instances = Math.max(1, instances);
    }

    /** A cell of one session, without a variant (the record of an engine module that could not start, old runs). */
    public CellKey(String engine, String workload, String mode, int batch, int threads, String device) {
        this(engine, workload, mode, batch, threads, device, null, 1);
    }

    /** The same cell for another variant. */
    public CellKey withVariant(String name) {
        return new CellKey(engine, workload, mode, batch, threads, device, name, instances);
    }

    /** A file-name-safe identifier, used for log files. */
    public String id() {
        return (engine + "-" + workload + "-" + mode + "-b" + batch + "-t" + threads + "-" + device
                + (shownVariant().isEmpty() ? "" : "-v" + variant) + (instances == 1 ? "" : "-k" + instances))
                .replaceAll("[^A-Za-z0-9_.-]", "_");
    }

    /**
     * How reports name a cell: {@code PyTorch mlp infer b32 t1}, with the device when it is not the CPU, the variant in
     * brackets and the instance count ({@code x4}) when above 1.
     */
    public String label() {
        return engine + shownVariant() + " " + workload + " " + mode + " b" + batch
                + " t" + threads + (instances == 1 ? "" : " x" + instances) + ("cpu".equals(device) ? "" : " " + device);
    }

    /**
     * The variant as labels show it, {@code " [name]"}; nothing for a cell without one or of an engine that declares
     * no variant ({@value org.dlbench.core.variant.Variant#DEFAULT_NAME}).
     */
    public String shownVariant() {
        return variant == null || variant.equals(org.dlbench.core.variant.Variant.DEFAULT_NAME) ? ""
                : " [" + variant + "]";
    }

    public boolean matches(CellResult r) {
        return equals(r.cellKey());
    }

    @Override
    public String toString() {
        return engine + shownVariant() + " " + workload + " " + mode + " batch=" + batch
                + " threads=" + threads + (instances == 1 ? "" : " instances=" + instances)
                + (device.equals("cpu") ? "" : " device=" + device);
    }

    /** Whether two cells differ only in their variant (the same engine, workload, mode, sizes and device). */
    public boolean sameCellOtherVariant(CellKey other) {
        return engine.equals(other.engine) && workload.equals(other.workload) && mode.equals(other.mode)
                && batch == other.batch && threads == other.threads && device.equals(other.device)
                && instances == other.instances && !Objects.equals(variant, other.variant);
    }
}
