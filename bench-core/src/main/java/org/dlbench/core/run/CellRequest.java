package org.dlbench.core.run;

import org.dlbench.core.result.CellKey;
import org.dlbench.core.result.Profile;

/**
 * What the parent asks a child to measure; {@code workload} is a built-in name or an absolute file path. {@code variant}
 * names the variant the child JVM was started for (its switches are already in the JVM's properties and environment;
 * null for none); {@code instances} is the number of independent sessions to call at once.
 */
public record CellRequest(String engine, String workload, String workloadName, String mode, int batch, int threads,
                          String device, Profile profile, ServerOptions server, String variant, int instances) {

    public CellRequest {
        instances = Math.max(1, instances);
    }

    /**
     * The server scenario's settings: a fixed request rate, or (rate null) a search for the highest rate whose p99
     * latency stays within the bound.
     */
    public record ServerOptions(Double rate, double boundMs) {
        public static final double DEFAULT_BOUND_MS = 10.0;
    }

    public CellKey key() {
        return new CellKey(engine, workloadName, mode, batch, threads, device, variant, instances);
    }
}
