package org.dlbench.core.result;

/** The coordinates of a cell, before it has a result. */
public record CellKey(String engine, String workload, String mode, int batch, int threads, String device) {

    /** A file-name-safe identifier, used for log files. */
    public String id() {
        return (engine + "-" + workload + "-" + mode + "-b" + batch + "-t" + threads + "-" + device)
                .replaceAll("[^A-Za-z0-9_.-]", "_");
    }

    /** How reports name a cell: {@code PyTorch mlp infer b32 t1}, with the device when it is not the CPU. */
    public String label() {
        return engine + " " + workload + " " + mode + " b" + batch + " t" + threads
                + ("cpu".equals(device) ? "" : " " + device);
    }

    public boolean matches(CellResult r) {
        return engine.equals(r.engine()) && workload.equals(r.workload()) && mode.equals(r.mode())
                && batch == r.batch() && threads == r.threads() && device.equals(r.device());
    }

    @Override
    public String toString() {
        return engine + " " + workload + " " + mode + " batch=" + batch + " threads=" + threads
                + (device.equals("cpu") ? "" : " device=" + device);
    }
}
