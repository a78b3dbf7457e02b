package org.dlbench.core.run;

import java.nio.file.Path;
import java.util.List;
import org.dlbench.core.adapter.Device;
import org.dlbench.core.adapter.Mode;
import org.dlbench.core.result.Profile;
import org.dlbench.core.variant.VariantSelection;
import org.dlbench.core.workload.Workload;

/**
 * A validated run request.
 *
 * @param engines engine names to run, or empty for every engine found
 * @param batches batch sizes, or empty for each workload's own defaults
 * @param families engine modules to use, or empty to discover them under {@code home}
 * @param resume continue the run directory {@code outDir/runId}, skipping cells it already holds
 * @param driftReference measure the engine-free drift reference before the cells and around each cell
 *     ({@link org.dlbench.core.host.DriftProbe})
 * @param variants which of each engine's variants to measure ({@code --variants}; default {@code best})
 * @param instances the numbers of independent sessions to call at once, one cell each ({@code --instances};
 *     default 1)
 */
public record RunOptions(
        List<String> engines,
        List<Workload> workloads,
        List<String> workloadArgs,
        List<Mode> modes,
        List<Integer> batches,
        List<Integer> threads,
        Device device,
        Profile profile,
        Path outDir,
        String runId,
        Path home,
        Path cache,
        List<EngineFamily> families,
        Integer cellTimeoutSeconds,
        List<String> childJvmArgs,
        boolean resume,
        CellRequest.ServerOptions server,
        boolean calibrate,
        boolean driftReference,
        VariantSelection variants,
        List<Integer> instances) {

    public RunOptions {
        variants = variants == null ? VariantSelection.parse(VariantSelection.DEFAULT) : variants;
        instances = instances == null || instances.isEmpty() ? List.of(1) : List.copyOf(instances);
    }

    /** The per-cell time limit: the user's, else the profile's. */
    public long cellTimeout() {
        return cellTimeoutSeconds != null ? cellTimeoutSeconds : profile.cellTimeoutSeconds();
    }

    /** The same request with other workload arguments (the run directory's copies of the workload files). */
    public RunOptions withWorkloadArgs(List<String> args) {
        return new RunOptions(engines, workloads, List.copyOf(args), modes, batches, threads, device, profile, outDir,
                runId, home, cache, families, cellTimeoutSeconds, childJvmArgs, resume, server, calibrate,
                driftReference, variants, instances);
    }
}
