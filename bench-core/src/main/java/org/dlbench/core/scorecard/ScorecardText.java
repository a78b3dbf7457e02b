package org.dlbench.core.scorecard;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The scorecard's cells and sentences as plain text, shared by the Markdown and the HTML form (in
 * {@code org.dlbench.core.report}) so both say the same.
 */
public final class ScorecardText {
    private ScorecardText() {
    }

    public static final List<String> MAIN_HEADERS = List.of("Rank", "Engine", "Overall", "Throughput infer",
            "Throughput train", "Latency p90", "First result", "Memory", "Efficiency", "Coverage", "Correctness");
    public static final List<String> DETAIL_HEADERS = List.of("Engine", "Coverage by family", "Coverage by mode",
            "Lacks", "Threads 1 -> N", "Data-parallel");
    public static final List<String> NO_JVM_HEADERS = List.of("Framework", "Reason", "Would be measured on");

    /** The main row: index cells, coverage and correctness (failures first). */
    public static List<String> main(EngineRow r) {
        List<String> out = new ArrayList<>();
        out.add(r.rank());
        out.add(r.label());
        out.add(r.overall() != null ? r.overall().describe()
                : r.validCells() == 0 ? "no valid cell" : "no valid cell beside another engine's");
        out.add(est(r.infer()));
        out.add(est(r.train()));
        out.add(idx(r.dimension(Dimension.LATENCY)));
        out.add(idx(r.dimension(Dimension.STARTUP)));
        out.add(idx(r.dimension(Dimension.MEMORY)));
        out.add(r.efficiencyMedian() == null ? "-" : String.format(Locale.ROOT, "%.1f%% of peak%s",
                r.efficiencyMedian(), r.dimension(Dimension.EFFICIENCY) == null ? ""
                        : " (" + IndexMath.fmt(r.dimension(Dimension.EFFICIENCY)) + ")"));
        EngineRow.Coverage c = r.coverage();
        out.add(c.share() == null ? "-" : String.format(Locale.ROOT, "%.0f%% (%s)", 100 * c.share(), c.all()));
        out.add(correctness(r.correctness()));
        return out;
    }

    public static List<String> detail(EngineRow r) {
        EngineRow.Coverage c = r.coverage();
        return List.of(r.label(), counts(c.families()), counts(c.modes()),
                (c.lacks().isEmpty() ? "-" : String.join("; ", c.lacks()))
                        + (c.failed() == 0 ? "" : "; " + c.failed() + " failed"),
                r.threadScaling(), r.dataParallel());
    }

    public static List<String> noJvm(Scorecard.NoJvmRow n) {
        return List.of(n.engine(), n.reason(), String.join(", ", n.workloads()));
    }

    /** "40/41 passed, 1 FAILED" with failures named first elsewhere; "no check ran" without any. */
    public static String correctness(EngineRow.Correctness k) {
        if (k.run() == 0) {
            return k.withoutChecks() > 0 ? "no check ran" : "-";
        }
        String s = k.passed() + "/" + k.run() + " passed";
        if (!k.failures().isEmpty()) {
            s = k.failures().size() + " FAILED; " + s;
        }
        return s + (k.withoutChecks() == 0 ? "" : "; " + k.withoutChecks() + " cell(s) without a check");
    }

    /** Every failed check of every engine, to be listed before the tables. */
    public static List<String> failures(Scorecard s) {
        List<String> out = new ArrayList<>();
        for (EngineRow r : s.rows()) {
            r.correctness().failures().forEach(f -> out.add(f));
        }
        return out;
    }

    public static String counts(Map<String, EngineRow.Count> m) {
        return m.isEmpty() ? "-" : m.entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
                .collect(Collectors.joining(", "));
    }

    public static String est(Estimate e) {
        return e == null ? "-" : e.describe() + ", " + e.terms() + (e.terms() == 1 ? " cell" : " cells");
    }

    public static String idx(Double v) {
        return v == null ? "-" : IndexMath.fmt(v);
    }

    /** The runs and the weights: which numbers this is. */
    public static String source(Scorecard s) {
        return "Runs: " + String.join(", ", s.runIds()) + ". Weights: " + s.weights().source() + ".";
    }

    /** How many measured cells were left out, per verdict; and what else is not scored. Empty when nothing. */
    public static String leftOut(Scorecard s) {
        List<String> parts = new ArrayList<>();
        if (s.leftOutCount() > 0) {
            parts.add("Left out of every number: " + s.leftOutCount() + " of " + s.measured() + " measured cells ("
                    + s.leftOut().entrySet().stream().map(e -> e.getValue() + " " + e.getKey())
                    .collect(Collectors.joining(", ")) + "); only valid cells count.");
        } else if (s.measured() > 0) {
            parts.add("All " + s.measured() + " measured cells are valid and count.");
        }
        if (s.uncontested() > 0) {
            parts.add(s.uncontested() + " valid cell" + (s.uncontested() == 1 ? " has" : "s have")
                    + " no other engine's valid cell beside it: in coverage, not in the relative indices.");
        }
        if (s.otherVariants() > 0) {
            parts.add(s.otherVariants() + " cells of variants not picked as best are not scored.");
        }
        if (!s.zooNotInRuns().isEmpty()) {
            parts.add("Zoo cells not in these runs (left out of coverage): " + String.join(", ", s.zooNotInRuns())
                    + ".");
        }
        return String.join(" ", parts);
    }

    /** What the columns mean and how they are computed. */
    public static String legend(Scorecard s) {
        ScoreWeights w = s.weights();
        String weights = java.util.Arrays.stream(Dimension.values())
                .map(d -> d.id() + " " + trim(w.weight(d))).collect(Collectors.joining(", "));
        return "Every index is 1.00 for the best engine and lower for the others; only valid cells count. Throughput "
                + "(the capability index): geometric mean over the cells an engine ran of its samples/s over the "
                + "fastest engine's on that cell (same workload, mode, batch, threads; only cells at least two engines "
                + "ran validly, as for every relative number), with a " + w.confidenceLabel()
                + " interval by the delta method on the log scale (var log r = (se/score)^2 + (se_best/score_best)^2,"
                + " 0 where it is the fastest; se from JMH's 99.9% half-width). Latency p90: best single-stream p90 over the engine's own; first "
                + "result: best time to first result (engine load + model build + first inference) over its own; "
                + "memory: smallest peak RSS over its own per workload and mode; all geometric means. Efficiency: "
                + "median % of peak (index: over the best engine's). Coverage: weighted share of the zoo cells "
                + "(built-in workload x infer/train) it ran ok. Overall: weighted geometric mean of the dimensions ("
                + weights + "; modes infer " + trim(w.mode("infer")) + ", train " + trim(w.mode("train"))
                + "); engines whose overall intervals overlap are a tie, not ranked within.";
    }

    public static String trim(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }
}
