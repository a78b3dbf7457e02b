package org.dlbench.core.run;

import org.dlbench.core.result.CellKey;
import org.dlbench.core.result.Profile;

/** What the parent asks a child to measure; {@code workload} is a built-in name or an absolute file path. */
public record CellRequest(String engine, String workload, String workloadName, String mode, int batch, int threads,
                          String device, Profile profile) {

    public CellKey key() {
        return new CellKey(engine, workloadName, mode, batch, threads, device);
    }
}
