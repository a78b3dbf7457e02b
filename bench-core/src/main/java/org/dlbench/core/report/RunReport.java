package org.dlbench.core.report;

import static org.dlbench.core.report.Html.esc;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jfree.chart.JFreeChart;
import org.dlbench.core.result.CellResult;
import org.dlbench.core.result.MarkdownReport;
import org.dlbench.core.result.Host;
import org.dlbench.core.result.Judged;
import org.dlbench.core.result.Profile;
import org.dlbench.core.result.RunResult;
import org.dlbench.core.result.Status;
import org.dlbench.core.result.VariantReport;
import org.dlbench.core.scorecard.Scorecard;

/**
 * The HTML report of one run, a single self-contained file: run facts, the results table, and charts of
 * throughput per engine and workload, time per batch, and scaling over batch size and threads. Every number
 * carries its verdict: the table has a Verdict column, charts hatch (bars) or hollow (points) values that are
 * noisy, inconsistent or have no verdict, and leave invalid ones out, saying so in the chart and below it.
 */
public final class RunReport {
    private RunReport() {
    }

    public static String render(RunResult run) {
        List<CellResult> ok = measured(run.results());
        Charts.Palette palette = palette(run.results());
        StringBuilder b = new StringBuilder();
        b.append("<h1>dlbench run ").append(esc(run.runId())).append("</h1>\n");
        b.append(facts(run));
        b.append(scorecard(run, palette));
        long failed = run.results().stream().filter(r -> r.status() == Status.FAILED
                || (r.status() == Status.OK && !r.checksPassed())).count();
        long unsupported = run.results().stream().filter(r -> r.status() == Status.UNSUPPORTED).count();
        long notValid = ok.stream().filter(r -> !Judged.clean(r)).count();
        b.append("<p class=\"summary ").append(failed > 0 || notValid > 0 ? "fail" : "ok").append("\">")
                .append(ok.size()).append(" measured (").append(ok.size() - notValid).append(" valid, ")
                .append(notValid).append(" not valid), ").append(failed).append(" failed, ").append(unsupported)
                .append(" unsupported: details in the <a href=\"#results\">results table</a> below the charts.</p>\n");
        if (ok.isEmpty()) {
            b.append("<p>No measured results to chart.</p>\n");
        } else {
            b.append(charts(ok, palette));
        }
        b.append(variantTable("Best variant vs shipped", VariantReport.bestVsShippedTable(run.results())));
        b.append(variantTable("Instances x threads", VariantReport.instancesTable(run.results())));
        b.append("<h2 id=\"results\">Results</h2>\n").append(resultsTable(run.results()));
        b.append("<p class=\"muted\">Scores are samples per second (higher is better); +- is the 99.9% confidence "
                + "half-width. Checks run outside the timed region. ").append(esc(VERDICTS)).append("</p>\n");
        return Html.page("dlbench run " + run.runId(), b.toString());
    }

    /**
     * The scorecard of the run's own cells with the built-in weights, with its charts; a run it cannot score says so
     * in one line rather than losing its report.
     */
    static String scorecard(RunResult run, Charts.Palette palette) {
        try {
            return ScorecardHtml.section(Scorecard.of(run), palette);
        } catch (RuntimeException e) {
            return "<h2 id=\"scorecard\">Scorecard</h2>\n<p class=\"bad\">Not computed: " + esc(e.getMessage())
                    + "</p>\n";
        }
    }

    /** What the verdicts mean and how charts show them. */
    static final String VERDICTS = "Verdict: valid; noisy (confidence half-width above 10% of the score, fewer than "
            + "3 iterations or fewer than 200 latency samples); inconsistent (independent measures of the same cell "
            + "disagree: JMH's score, a bare timed loop on the timed session and, for inference, the latency phase); "
            + "invalid (a correctness check failed or none ran, or too short a measurement); no verdict (recorded "
            + "before verdicts existed; not treated as valid). Charts hatch bars and hollow points that are not "
            + "valid and do not draw invalid ones.";

    static String facts(RunResult run) {
        StringBuilder b = new StringBuilder("<ul class=\"meta\">\n");
        b.append("<li>Started ").append(esc(run.startedAt()))
                .append(run.finishedAt() == null ? " (not finished: partial results)"
                        : ", finished " + esc(run.finishedAt())).append("</li>\n");
        b.append("<li>Harness ").append(esc(run.harnessVersion())).append(", commit <code>")
                .append(esc(run.gitCommit())).append("</code></li>\n");
        Host h = run.host();
        if (h != null) {
            b.append("<li>Host <code>").append(esc(h.hostname())).append("</code>: ").append(esc(h.cpuModel()))
                    .append(", ").append(h.cores()).append(" cores, ")
                    .append(String.format(Locale.ROOT, "%.1f GiB", h.memoryBytes() / (1024.0 * 1024 * 1024)))
                    .append(", ").append(esc(h.os())).append(" (kernel ").append(esc(h.kernel())).append("), ")
                    .append(esc(h.jvm())).append(h.cpuFlags() == null || h.cpuFlags().isEmpty() ? ""
                            : ", CPU flags " + esc(String.join(" ", h.cpuFlags()))).append("</li>\n");
        }
        Profile p = run.profile();
        if (p != null) {
            b.append("<li>Profile ").append(esc(p.name())).append(": ").append(p.forks()).append(" fork(s), warmup ")
                    .append(p.warmupIterations()).append(" x ").append(p.warmupSeconds()).append(" s, measurement ")
                    .append(p.measurementIterations()).append(" x ").append(p.measurementSeconds()).append(" s</li>\n");
        }
        return b.append("</ul>\n").toString();
    }

    static String resultsTable(List<CellResult> results) {
        List<List<String>> rows = new ArrayList<>();
        for (CellResult r : results) {
            String status = r.status().id();
            boolean bad = r.status() == Status.FAILED || (r.status() == Status.OK && !r.checksPassed());
            if (r.status() == Status.OK && !r.checksPassed()) {
                status = "ok, CHECK FAILED";
            }
            if (r.reason() != null) {
                status += ": " + r.reason();
            }
            rows.add(List.of(esc(r.engineLabel()), esc(r.engineVersion()), esc(r.workload()), esc(r.mode()),
                    String.valueOf(r.batch()), String.valueOf(r.threads()), esc(r.device()),
                    bad ? "<span class=\"bad\">" + esc(status) + "</span>" : esc(status),
                    r.score() == null ? "" : String.format(Locale.ROOT, "%,.0f", r.score())
                            + (r.tokensPerSecond() == null ? ""
                            : String.format(Locale.ROOT, " (%,.0f tokens/s)", r.tokensPerSecond())),
                    MarkdownReport.error(r),
                    r.crossCheck() == null || r.crossCheck().bareLoop() == null ? ""
                            : String.format(Locale.ROOT, "%,.0f", r.crossCheck().bareLoop()),
                    r.crossCheck() == null || r.crossCheck().latencyPhase() == null ? ""
                            : String.format(Locale.ROOT, "%,.0f", r.crossCheck().latencyPhase()),
                    r.execution() == null || r.execution().effectiveParallelism() == null ? ""
                            : String.format(Locale.ROOT, "%.2f", r.execution().effectiveParallelism()),
                    verdictCell(r),
                    r.gflops() == null ? "" : String.format(Locale.ROOT, "%.2f", r.gflops()), esc(MarkdownReport.checks(r, false)),
                    esc(settings(r))));
        }
        return Html.table(List.of("Engine", "Version", "Workload", "Mode", "Batch", "Threads", "Device", "Status",
                "samples/s", "+-", "Bare loop samples/s", "Latency phase samples/s", "Busy cores", "Verdict", "GFLOP/s",
                "Checks", "Settings"), rows, Set.of(4, 5, 8, 9, 10, 11, 12, 14));
    }

    /** A table of {@link VariantReport} under its heading; nothing when the run has none. */
    static String variantTable(String title, VariantReport.Table t) {
        if (t == null) {
            return "";
        }
        List<List<String>> rows = t.rows().stream().map(r -> r.stream().map(Html::esc).toList()).toList();
        return "<h2>" + esc(title) + "</h2>\n" + Html.table(t.headers(), rows, t.numeric())
                + (t.marked() ? "<p class=\"muted\">" + esc(MarkdownReport.NOT_VALID_NOTE) + "</p>\n" : "");
    }

    /** The verdict with its reason: plain when valid, amber when noisy/inconsistent/none, red when invalid. */
    static String verdictCell(CellResult r) {
        Judged j = Judged.of(r);
        if (j == null) {
            return "";
        }
        if (j.valid()) {
            return esc(j.label());
        }
        return "<span class=\"" + (j.isInvalid() ? "bad" : "warn") + "\"><b>" + esc(j.label()) + "</b>"
                + (j.reason() == null ? "" : ": " + esc(j.reason())) + "</span>";
    }

    /** The flag a chart shows for a drawn value: null when valid, else its verdict. */
    static String flag(CellResult r) {
        return Judged.clean(r) ? null : Judged.of(r).label();
    }

    /**
     * A chart of the drawable cells with what it leaves out: the invalid cells are named inside the image and
     * listed with their reasons below it. Without any drawable cell only the list is written.
     */
    static String chartWithout(JFreeChart chart, List<CellResult> invalid, Function<CellResult, String> name,
                               int width, int height, String alt) {
        StringBuilder b = new StringBuilder();
        if (chart != null) {
            if (!invalid.isEmpty()) {
                List<String> names = invalid.stream().map(name).toList();
                Charts.note(chart, "not drawn, invalid: " + (names.size() <= 3 ? String.join(", ", names)
                        : names.size() + " results") + " (reasons below the chart)");
            }
            b.append(Html.chart(chart, width, height, alt + (invalid.isEmpty() ? ""
                    : "; not drawn (invalid): " + invalid.stream().map(name).collect(Collectors.joining(", ")))));
        }
        if (!invalid.isEmpty()) {
            b.append("<p class=\"bad\">").append(chart == null ? esc(alt) + ": nothing drawn. " : "")
                    .append("Not drawn, invalid (not measured as it should be): ")
                    .append(invalid.stream().map(r -> esc(name.apply(r)) + " (" + esc(Judged.of(r).reason()) + ")")
                            .collect(Collectors.joining("; "))).append(".</p>\n");
        }
        return b.toString();
    }

    private static String charts(List<CellResult> ok, Charts.Palette palette) {
        StringBuilder b = new StringBuilder();
        boolean manyThreads = ok.stream().map(CellResult::threads).distinct().count() > 1;
        boolean manyDevices = ok.stream().map(CellResult::device).distinct().count() > 1;

        Function<CellResult, String> name = r -> r.engineLabel() + " " + config(r, manyThreads, manyDevices);
        b.append("<h2>Throughput per engine and workload</h2>\n");
        for (var e : group(ok, r -> r.workload() + " " + r.mode()).entrySet()) {
            List<Charts.Bar> bars = new ArrayList<>();
            List<CellResult> invalid = new ArrayList<>();
            for (CellResult r : sortedByConfig(e.getValue())) {
                if (Judged.invalid(r)) {
                    invalid.add(r);
                    continue;
                }
                bars.add(new Charts.Bar(r.engineLabel(), config(r, manyThreads, manyDevices), r.score(),
                        r.scoreError() == null ? 0 : r.scoreError(), flag(r)));
            }
            String title = e.getKey() + ": samples/s (error bars: 99.9% interval)";
            b.append(chartWithout(bars.isEmpty() ? null : Charts.bars(title, null, "samples/s", bars, palette, false),
                    invalid, name, Charts.WIDTH, 420, title + ", one bar per engine and configuration"));
        }

        b.append("<h2>Time per batch</h2>\n<p class=\"muted\">").append(esc(Latency.describe()))
                .append(", in milliseconds (lower is better).</p>\n");
        for (var e : group(ok, r -> r.workload() + " " + r.mode()).entrySet()) {
            List<Charts.Bar> bars = new ArrayList<>();
            List<CellResult> invalid = new ArrayList<>();
            List<CellResult> cells = sortedByConfig(e.getValue());
            for (CellResult r : cells) {
                if (Judged.invalid(r)) {
                    invalid.add(r);
                    continue;
                }
                String flag = flag(r);
                for (var m : Latency.of(r).entrySet()) {
                    bars.add(new Charts.Bar(m.getKey(), name.apply(r) + (flag == null ? "" : " (" + flag + ")"),
                            m.getValue(), 0, flag));
                }
            }
            String title = e.getKey() + ": ms per batch call";
            int categories = (int) bars.stream().map(Charts.Bar::category).distinct().count();
            b.append(chartWithout(bars.isEmpty() ? null
                    : Charts.bars(title, null, "ms", bars, new Charts.Palette(List.of()), true), invalid, name,
                    Charts.WIDTH, Charts.heightFor(categories, 44), title));
        }

        StringBuilder scaling = new StringBuilder();
        for (var e : group(ok, r -> r.workload() + " " + r.mode() + " threads " + r.threads()
                + (manyDevices ? " " + r.device() : "")).entrySet()) {
            if (e.getValue().stream().map(CellResult::batch).distinct().count() < 2) {
                continue;
            }
            List<Charts.Point> pts = e.getValue().stream().sorted(java.util.Comparator.comparingInt(CellResult::batch))
                    .map(r -> point(r, r.batch())).toList();
            String title = e.getKey() + ": samples/s over batch size";
            scaling.append(chartWithout(Charts.lines(title, "batch size", "samples/s", pts, true, palette),
                    invalids(e.getValue()), r -> r.engineLabel() + " batch " + r.batch(), Charts.WIDTH, 400, title));
        }
        for (var e : group(ok, r -> r.workload() + " " + r.mode() + " batch " + r.batch()
                + (manyDevices ? " " + r.device() : "")).entrySet()) {
            if (e.getValue().stream().map(CellResult::threads).distinct().count() < 2) {
                continue;
            }
            List<Charts.Point> pts = e.getValue().stream()
                    .sorted(java.util.Comparator.comparingInt(CellResult::threads))
                    .map(r -> point(r, r.threads())).toList();
            String title = e.getKey() + ": samples/s over threads";
            scaling.append(chartWithout(Charts.lines(title, "threads", "samples/s", pts, false, palette),
                    invalids(e.getValue()), r -> r.engineLabel() + " " + r.threads() + " threads", Charts.WIDTH, 400,
                    title));
        }
        b.append("<h2>Scaling</h2>\n");
        b.append(scaling.length() == 0
                ? "<p class=\"muted\">This run measured one batch size and one thread count per workload; run "
                        + "with several <code>--batch</code> or <code>--threads</code> values to see scaling.</p>\n"
                : scaling);
        return b.toString();
    }

    /** Cells with a score: ok ones, whatever their verdict; charts leave the invalid ones out. */
    static List<CellResult> measured(List<CellResult> results) {
        return results.stream().filter(r -> r.status() == Status.OK && r.score() != null).toList();
    }

    static List<CellResult> invalids(List<CellResult> cells) {
        return cells.stream().filter(Judged::invalid).toList();
    }

    /** A line point: invalid cells leave a gap (the line breaks there), others are flagged by their verdict. */
    private static Charts.Point point(CellResult r, double x) {
        // one line per engine, variant and instance count: cells of 1 and 2 instances at the same x are two lines
        String series = r.engineLabel() + (r.instanceCount() == 1 ? "" : " x" + r.instanceCount());
        return Judged.invalid(r) ? new Charts.Point(series, x, Double.NaN, null)
                : new Charts.Point(series, x, r.score(), flag(r));
    }

    static Charts.Palette palette(List<CellResult> results) {
        return new Charts.Palette(results.stream().map(CellResult::engine).distinct().sorted().toList());
    }

    static String config(CellResult r, boolean threads, boolean device) {
        return "batch " + r.batch() + (threads ? " t" + r.threads() : "")
                + (r.instanceCount() == 1 ? "" : " x" + r.instanceCount()) + (device ? " " + r.device() : "");
    }

    static List<CellResult> sortedByConfig(List<CellResult> cells) {
        return cells.stream().sorted(java.util.Comparator.comparing(CellResult::device)
                .thenComparingInt(CellResult::batch).thenComparingInt(CellResult::threads)
                .thenComparing(CellResult::engine)).toList();
    }

    /** Workload, mode, device, then batch and threads as numbers: the order charts appear in. */
    static List<CellResult> sortedByWorkload(List<CellResult> cells) {
        return cells.stream().sorted(java.util.Comparator.comparing(CellResult::workload)
                .thenComparing(CellResult::mode).thenComparing(CellResult::device)
                .thenComparingInt(CellResult::batch).thenComparingInt(CellResult::threads)).toList();
    }

    static <T> Map<String, List<T>> group(List<T> xs, java.util.function.Function<T, String> key) {
        Map<String, List<T>> out = new LinkedHashMap<>();
        for (T x : xs) {
            out.computeIfAbsent(key.apply(x), k -> new ArrayList<>()).add(x);
        }
        return out;
    }

    private static String settings(CellResult r) {
        if (r.settings() == null) {
            return "";
        }
        return new TreeSet<>(r.settings().keySet()).stream().map(k -> k + "=" + r.settings().get(k))
                .collect(Collectors.joining(", "));
    }
}
