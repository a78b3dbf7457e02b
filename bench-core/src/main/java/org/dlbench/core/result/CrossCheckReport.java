package org.dlbench.core.result;

import java.util.List;
import java.util.Locale;

/**
 * The cross-check table of a run: for every measured cell, its three independent measures side by side (JMH's score,
 * the bare loop on the timed session, the latency phase), their ratios against the tolerance, and what the
 * benchmark process did (busy cores, page faults per call, warm-up). A disagreement is shown, never hidden.
 */
public final class CrossCheckReport {
    private CrossCheckReport() {
    }

    /** The Markdown table; empty when no cell carries a cross-check. */
    public static String table(List<CellResult> ok) {
        List<CellResult> rows = ok.stream().filter(r -> r.crossCheck() != null || r.execution() != null).toList();
        if (rows.isEmpty()) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        sb.append("| Engine | Workload | Mode | Batch | Threads | JMH samples/s | Bare loop samples/s | Latency phase "
                + "samples/s | JMH / bare | JMH / latency | Bare after / before | Tolerance | Busy cores | "
                + "Faults/call | Warm-up s | Verdict |\n");
        sb.append("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
        for (CellResult r : rows) {
            CellResult.CrossCheck x = r.crossCheck();
            CellResult.Execution e = r.execution();
            sb.append("| ").append(r.engineLabel()).append(" | ").append(r.workload()).append(" | ").append(r.mode())
                    .append(" | ").append(r.batch()).append(" | ").append(r.threads()).append(" | ")
                    .append(num(r.score())).append(" | ");
            if (x == null) {
                sb.append("none | | | | | |");
            } else {
                sb.append(num(x.bareLoop())).append(x.bareLoopError() == null ? "" : " +- " + num(x.bareLoopError()))
                        .append(" | ").append(num(x.latencyPhase())).append(" | ").append(ratio(x.jmhOverBareLoop()))
                        .append(" | ").append(ratio(x.jmhOverLatencyPhase())).append(" | ")
                        .append(ratio(drift(x))).append(" | ")
                        .append(x.tolerance() == null ? "" : String.format(Locale.ROOT, "+-%.0f%%",
                                100 * x.tolerance())).append(" |");
            }
            if (e == null) {
                sb.append(" | | |");
            } else {
                sb.append(' ').append(fixed(e.effectiveParallelism(), 2)).append(" | ")
                        .append(fixed(e.minorFaultsPerCall(), 1)).append(" | ").append(fixed(e.warmupSeconds(), 1))
                        .append(Boolean.FALSE.equals(e.steadyState()) ? " (not steady)" : "").append(" |");
            }
            sb.append(' ').append(r.verdict() == null ? "" : Verdicts.isValid(r.verdict()) ? r.verdict()
                    : "**" + r.verdict() + "**").append(" |\n");
        }
        sb.append("\n").append(LEGEND);
        return sb.toString();
    }

    static final String LEGEND = """
            Three measures of each cell: JMH's score; a bare loop (`System.nanoTime()` around back-to-back calls of \
            the same call, nothing else) on the very session JMH times, in the same process, before and after JMH's \
            iterations; and for inference the latency phase's batch / mean latency (its own session in the checking \
            JVM). They must agree within the tolerance (10% plus twice the combined standard error of the JMH and bare-loop means), and the bare loop \
            after JMH must agree with the one before, or the cell is **inconsistent**. Busy cores: process CPU time \
            over wall time during JMH's measured iterations (more than the threads + 0.5 is inconsistent). \
            Faults/call: page faults per call in the bare loops (memory newly touched on every call). Warm-up: the \
            steady-state warm-up before JMH's own, until two pairs of windows agree within 5%.
            """;

    private static Double drift(CellResult.CrossCheck x) {
        if (x.bareLoopBefore() == null || x.bareLoopAfter() == null || x.bareLoopBefore().isEmpty()
                || x.bareLoopAfter().isEmpty()) {
            return null;
        }
        double before = x.bareLoopBefore().stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
        double after = x.bareLoopAfter().stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
        return after / before;
    }

    private static String num(Double v) {
        return v == null || !Double.isFinite(v) ? "" : String.format(Locale.ROOT, "%,.0f", v);
    }

    private static String ratio(Double v) {
        return v == null || !Double.isFinite(v) ? "" : String.format(Locale.ROOT, "%.2f", v);
    }

    private static String fixed(Double v, int digits) {
        return v == null || !Double.isFinite(v) ? "" : String.format(Locale.ROOT, "%." + digits + "f", v);
    }
}
