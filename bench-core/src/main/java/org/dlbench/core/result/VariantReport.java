package org.dlbench.core.result;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

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
        return markdown(bestVsShippedTable(results));
    }

    /** The rows of {@link #bestVsShipped}, for any format; null when there are none. */
    public static Table bestVsShippedTable(List<CellResult> results) {
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
        List<List<String>> rows = new ArrayList<>();
        boolean marked = false;
        for (Map.Entry<String, CellResult> e : best.entrySet()) {
            CellResult b = e.getValue();
            CellResult s = shipped.get(e.getKey());
            if (s == null) {
                continue;
            }
            List<String> row = new ArrayList<>(List.of(b.engine(), b.workload(), b.mode(), Integer.toString(b.batch()),
                    b.threads() + (b.instanceCount() == 1 ? "" : " x" + b.instanceCount()), b.variantName(), score(b)));
            if (Objects.equals(b.variantName(), s.variantName())) {
                row.addAll(List.of("same variant", "", "1.00x", ""));
            } else {
                row.addAll(List.of(s.variantName(), score(s), String.format(Locale.ROOT, "%.2fx",
                        b.score() / s.score()), range(b, s)));
            }
            rows.add(row);
            marked |= !Judged.clean(b) || !Judged.clean(s);
        }
        return rows.isEmpty() ? null : new Table(List.of("Engine", "Workload", "Mode", "Batch", "Threads",
                "Best variant", "samples/s", "Shipped variant", "samples/s", "Speed-up", "Range"), rows,
                Set.of(3, 4, 6, 8, 9), marked);
    }

    /**
     * Inference samples/s per engine (and variant), workload and batch over the instance x thread splits the run
     * measured, with the cores each split keeps busy (instances x threads) and per-call p90 latency; the fastest
     * split per core budget is marked. Empty unless some cell ran more than one instance.
     */
    public static String instances(List<CellResult> results) {
        return markdown(instancesTable(results));
    }

    /** The rows of {@link #instances}, for any format; null when no cell ran more than one instance. */
    public static Table instancesTable(List<CellResult> results) {
        List<CellResult> infer = results.stream().filter(r -> r.status() == Status.OK && "infer".equals(r.mode())
                && r.score() != null).toList();
        if (infer.stream().noneMatch(r -> r.instanceCount() > 1)) {
            return null;
        }
        Map<String, List<CellResult>> groups = new LinkedHashMap<>();
        for (CellResult r : infer) {
            groups.computeIfAbsent(r.engineLabel() + "|" + r.workload() + "|" + r.batch(), k -> new ArrayList<>())
                    .add(r);
        }
        List<List<String>> rows = new ArrayList<>();
        boolean marked = false;
        for (List<CellResult> group : groups.values()) {
            List<CellResult> rs = new ArrayList<>(group);
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
                rows.add(List.of(r.engineLabel(), r.workload(), Integer.toString(r.batch()),
                        Integer.toString(r.instanceCount()), Integer.toString(r.threads()), Integer.toString(cores),
                        score(r), MarkdownReport.error(r),
                        r.latency() == null ? "" : String.format(Locale.ROOT, "%.3f", r.latency().p90Ms()),
                        MarkdownReport.shortVerdict(r),
                        splits > 1 && fastest.get(cores) == r ? "fastest of " + splits + " splits" : ""));
                marked |= !Judged.clean(r);
            }
        }
        return new Table(List.of("Engine", "Workload", "Batch", "Instances", "Threads", "Cores used", "samples/s",
                "+-", "p90 ms per call", "Verdict", "Fastest for its cores"), rows, Set.of(2, 3, 4, 5, 6, 7, 8),
                marked);
    }

    /**
     * A table in plain text cells: its headers, rows, which columns are numbers, and whether some number in it is
     * not valid (the reader then needs {@link MarkdownReport#NOT_VALID_NOTE}).
     */
    public record Table(List<String> headers, List<List<String>> rows, Set<Integer> numeric, boolean marked) {
    }

    /** A table as Markdown, with the not-valid note when it needs one; empty for no table. */
    static String markdown(Table t) {
        if (t == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder("| ").append(String.join(" | ", t.headers())).append(" |\n|");
        for (int i = 0; i < t.headers().size(); i++) {
            sb.append(t.numeric().contains(i) ? "---:|" : "---|");
        }
        sb.append("\n");
        for (List<String> row : t.rows()) {
            sb.append("| ").append(String.join(" | ", row)).append(" |\n");
        }
        return t.marked() ? sb.append("\n").append(MarkdownReport.NOT_VALID_NOTE).toString() : sb.toString();
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
