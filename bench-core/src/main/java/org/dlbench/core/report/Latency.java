package org.dlbench.core.report;

import java.util.LinkedHashMap;
import java.util.Map;
import org.dlbench.core.result.CellResult;

/**
 * Time per call of a measured cell, in milliseconds, by measure: the recorded HdrHistogram percentiles where the
 * cell has them (inference), otherwise the mean call time derived from the measured throughput (training).
 */
public final class Latency {
    /** Charts show recorded per-call percentiles where a cell has them. */
    public static final boolean RECORDED = true;

    private Latency() {
    }

    public static Map<String, Double> of(CellResult r) {
        Map<String, Double> out = new LinkedHashMap<>();
        CellResult.Latency l = r.latency();
        if (l != null) {
            out.put("p50", l.p50Ms());
            out.put("p90", l.p90Ms());
            out.put("p99", l.p99Ms());
            out.put("p99.9", l.p999Ms());
            return out;
        }
        if (r.score() != null && r.score() > 0) {
            out.put("mean", 1000.0 * r.batch() / r.score());
        }
        return out;
    }

    public static String describe() {
        return "per-call latency percentiles from an HdrHistogram of every timed call (training cells: mean step time"
                + " from throughput)";
    }
}
