package org.dlbench.core.report;

import java.util.LinkedHashMap;
import java.util.Map;
import org.dlbench.core.result.CellResult;

/**
 * Time per batch call of a measured cell, in milliseconds, by measure. This is the one place that knows where
 * latencies come from: results record per-iteration throughput, so the measures are the mean call time and the
 * mean call time of the slowest iteration. When results carry per-call percentiles, return those here
 * (e.g. "p50", "p90", "p99") and set {@link #RECORDED}; every chart follows.
 */
public final class Latency {
    /** Whether the measures are per-call percentiles (true) or derived from iteration throughput (false). */
    public static final boolean RECORDED = false;

    private Latency() {
    }

    public static Map<String, Double> of(CellResult r) {
        Map<String, Double> out = new LinkedHashMap<>();
        if (r.score() == null || r.score() <= 0) {
            return out;
        }
        out.put("mean", 1000.0 * r.batch() / r.score());
        if (r.samples() != null && r.samples().size() > 1) {
            double slowest = r.samples().stream().mapToDouble(Double::doubleValue).min().orElse(r.score());
            if (slowest > 0) {
                out.put("slowest iteration", 1000.0 * r.batch() / slowest);
            }
        }
        return out;
    }

    public static String describe() {
        return RECORDED ? "per-call latency percentiles"
                : "mean time per batch call, from the measured iterations (per-call percentiles not recorded)";
    }
}
