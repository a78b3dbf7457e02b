package org.dlbench.core.result;

import java.util.List;
import java.util.Map;

/**
 * One measured (engine, workload, mode, batch, threads, device) cell.
 *
 * @param score mean samples per second over the measured iterations (null unless status is ok)
 * @param scoreError half-width of JMH's 99.9% confidence interval, in samples per second
 * @param samples samples per second of every measured iteration, for later statistics
 * @param gflops achieved GFLOP/s from the workload's FLOPs per sample
 * @param checks correctness checks, all made outside the timed region
 * @param settings engine settings that shape the number (threads as applied, optimisation switches)
 */
public record CellResult(
        String engine,
        String engineVersion,
        String workload,
        String mode,
        int batch,
        int threads,
        String device,
        Status status,
        String reason,
        Double score,
        Double scoreError,
        String unit,
        Double gflops,
        List<Check> checks,
        List<Double> samples,
        Map<String, String> settings,
        Double seconds) {

    public static final String UNIT = "samples/s";

    /** Identity of a cell: what makes two results comparable. */
    public String key() {
        return engine + "/" + workload + "/" + mode + "/b" + batch + "/t" + threads + "/" + device;
    }

    public boolean checksPassed() {
        return checks != null && checks.stream().allMatch(Check::passed);
    }

    public static CellResult unsupported(CellKey k, String reason) {
        return new CellResult(k.engine(), null, k.workload(), k.mode(), k.batch(), k.threads(), k.device(),
                Status.UNSUPPORTED, reason, null, null, null, null, List.of(), List.of(), Map.of(), null);
    }

    public static CellResult failed(CellKey k, String engineVersion, String reason, List<Check> checks,
                                    Map<String, String> settings, Double seconds) {
        return new CellResult(k.engine(), engineVersion, k.workload(), k.mode(), k.batch(), k.threads(), k.device(),
                Status.FAILED, reason, null, null, null, null, checks, List.of(), settings, seconds);
    }
}
