package org.dlbench.core.result;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The two tables of issue 14: each engine's best variant against its shipped one (the speed-up tuning buys on this
 * machine), and samples/s over instances x threads (how a fixed core budget is best split).
 */
public final class VariantReport {
    private VariantReport() {
    }

    /**
     * Per engine and cell, the variant {@code best} picked against the shipped one: both samples/s with their
     * verdicts and the speed-up with the range the two 99.9% error bars allow. Empty when the run measured no engine
     * both ways. A cell whose best variant is the shipped one says so ("same variant").
     */
    public static String bestVsShipped(List<CellResult> results) {
        List<CellResult> ok = results.stream().filter(r -> r.status() == Status.OK && r.variant() != null).toList();
        Map<String, CellResult> best = new LinkedHashMap<>();
        Map<String, CellResult> shipped = new LinkedHashMap<>();
        for (CellResult r : ok) {
            String cell = coordinates(r);
            if (r.pickedAs("best")) {
                best.putIfAbsent(cell, r);
            }
            if (r.pickedAs("shipped")) {
                shipped.putIfAbsent(cell, r);
            }
        }
        StringBuilder sb = new StringBuilder();
        boolean marked = false;
        for (Map.Entry<String, CellResult> e : best.entrySet()) {
            CellResult b = e.getValue();
            CellResult s = shipped.get(e.getKey());
            if (s == null) {
                continue;
            }
            if (sb.length() == 0) {
                sb.append("| Engine | Workload | Mode | Batch | Threads | Best variant | samples/s | Shipped variant "
                        + "| samples/s | Speed-up | Range |\n|---|---|---|---:|---:|---|---:|---|---:|---:|---|\n");
            }
            sb.append("| ").append(b.engine()).append(" | ").append(b.workload()).append(" | ").append(b.mode())
                    .append(" | ").append(b.batch()).append(" | ").append(b.threads() + (b.instanceCount() == 1 ? ""
                            : " x" + b.instanceCount()));
            if (Objects.equals(b.variantName(), s.variantName())) {
                sb.append(" | ").append(b.variantName()).append(" | ").append(score(b))
                        .append(" | same variant | | 1.00 | |\n");
            } else {
                sb.append(" | ").append(b.variantName()).append(" | ").append(score(b))
                        .append(" | ").append(s.variantName()).append(" | ").append(score(s))
                        .append(" | ").append(String.format(Locale.ROOT, "%.2fx", b.score() / s.score()))
                        .append(" | ").append(range(b, s)).append(" |\n");
            }
            marked |= !Judged.clean(b) || !Judged.clean(s);
        }
        if (sb.length() > 0 && marked) {
            sb.append("\n").append(MarkdownReport.NOT_VALID_NOTE);
        }
        return sb.toString();
    }

    /**
     * Inference samples/s per engine (and variant), workload and batch over the instance x thread splits the run
     * measured, with the cores each split keeps busy (instances x threads) and per-call p90 latency; the fastest
     * split per core budget is marked. Empty unless some cell ran more than one instance.
     */
    public static String instances(List<CellResult> results) {
        List<CellResult> infer = results.stream().filter(r -> r.status() == Status.OK && "infer".equals(r.mode())
                && r.score() != null).toList();
        if (infer.stream().noneMatch(r -> r.instanceCount() > 1)) {
            return "";
        }
        Map<String, List<CellResult>> groups = new LinkedHashMap<>();
        for (CellResult r : infer) {
            groups.computeIfAbsent(r.engineLabel() + " | " + r.workload() + " | " + r.batch(), k -> new ArrayList<>())
                    .add(r);
        }
        StringBuilder sb = new StringBuilder("| Engine | Workload | Batch | Instances | Threads | Cores used "
                + "| samples/s | +- | p90 ms per call | Verdict | Fastest for its cores |\n"
                + "|---|---|---:|---:|---:|---:|---:|---:|---:|---|---|\n");
        boolean marked = false;
        for (Map.Entry<String, List<CellResult>> g : groups.entrySet()) {
            List<CellResult> rs = new ArrayList<>(g.getValue());
            rs.sort(Comparator.comparingInt((CellResult r) -> r.instanceCount() * r.threads())
                    .thenComparingInt(CellResult::instanceCount));
            Map<Integer, CellResult> fastest = new LinkedHashMap<>();
            for (CellResult r : rs) {
                if (Judged.clean(r)) {
                    fastest.merge(r.instanceCount() * r.threads(), r, (a, b) -> b.score() > a.score() ? b : a);
                }
            }
            for (CellResult r : rs) {
                int cores = r.instanceCount() * r.threads();
                long splits = rs.stream().filter(x -> x.instanceCount() * x.threads() == cores).count();
                sb.append("| ").append(g.getKey()).append(" | ").append(r.instanceCount()).append(" | ")
                        .append(r.threads()).append(" | ").append(cores).append(" | ").append(score(r))
                        .append(" | ").append(MarkdownReport.error(r)).append(" | ")
                        .append(r.latency() == null ? "" : String.format(Locale.ROOT, "%.3f", r.latency().p90Ms()))
                        .append(" | ").append(MarkdownReport.shortVerdict(r)).append(" | ")
                        .append(splits > 1 && fastest.get(cores) == r ? "fastest of " + splits + " splits" : "")
                        .append(" |\n");
                marked |= !Judged.clean(r);
            }
        }
        return marked ? sb.append("\n").append(MarkdownReport.NOT_VALID_NOTE).toString() : sb.toString();
    }

    private static String coordinates(CellResult r) {
        return r.engine() + "|" + r.workload() + "|" + r.mode() + "|" + r.batch() + "|" + r.threads() + "|"
                + r.instanceCount() + "|" + r.device();
    }

    private static String score(CellResult r) {
        return String.format(Locale.ROOT, "%,.0f", r.score()) + MarkdownReport.mark(r);
    }

    /** The speed-up's range from the error bars: (best - e) / (shipped + e) to (best + e) / (shipped - e). */
    private static String range(CellResult b, CellResult s) {
        if (b.scoreError() == null || s.scoreError() == null || s.score() - s.scoreError() <= 0) {
            return "";
        }
        return String.format(Locale.ROOT, "%.2f-%.2fx", (b.score() - b.scoreError()) / (s.score() + s.scoreError()),
                (b.score() + b.scoreError()) / (s.score() - s.scoreError()));
    }
}
