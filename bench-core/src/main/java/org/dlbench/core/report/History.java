package org.dlbench.core.report;

import static org.dlbench.core.report.Html.esc;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.dlbench.core.compare.Comparison;
import org.dlbench.core.compare.Criteria;
import org.dlbench.core.compare.NoiseFloor;
import org.dlbench.core.compare.SampleComparison;
import org.dlbench.core.compare.Verdict;
import org.dlbench.core.result.CellResult;
import org.dlbench.core.result.Host;
import org.dlbench.core.result.Judged;
import org.dlbench.core.result.MarkdownReport;
import org.dlbench.core.result.ResultsIO;
import org.dlbench.core.result.RunResult;
import org.dlbench.core.result.Status;

/**
 * The history of a results directory: an index of its runs (date, host, versions, profile) and the trend of each
 * result over them. Trends only join runs made alike: same CPU, core count and profile (an "environment").
 * A point that is not valid is marked with its verdict in the trend table and left out of its Change; in the
 * charts noisy, inconsistent and unjudged points are hollow and labelled, invalid ones are not drawn.
 */
public final class History {
    public static final String INDEX = "index.md";
    public static final String HTML = "history.html";
    /** Columns of the Markdown trend table; the HTML charts show every run. */
    static final int TREND_COLUMNS = 6;

    private History() {
    }

    public record Entry(String dir, RunResult run) {
    }

    public record Skipped(String dir, String why) {
    }

    /** What a scan found: readable runs sorted by start time, and directories that could not be read. */
    public record Scan(Path root, List<Entry> runs, List<Skipped> skipped) {
    }

    /** Reads every immediate subdirectory of {@code root} that holds a results.json. */
    public static Scan scan(Path root) throws IOException {
        List<Entry> runs = new ArrayList<>();
        List<Skipped> skipped = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path d : dirs.filter(Files::isDirectory).sorted().toList()) {
                if (!Files.exists(d.resolve(ResultsIO.FILE))) {
                    continue;
                }
                try {
                    runs.add(new Entry(d.getFileName().toString(), ResultsIO.read(d)));
                } catch (ResultsIO.BadResultsException e) {
                    skipped.add(new Skipped(d.getFileName().toString(), e.getMessage()));
                }
            }
        }
        runs.sort(Comparator.comparing((Entry e) -> String.valueOf(e.run().startedAt())).thenComparing(Entry::dir));
        return new Scan(root, List.copyOf(runs), List.copyOf(skipped));
    }

    /** Writes index.md and history.html into the scanned directory. */
    public static void write(Scan scan) throws IOException {
        write(scan, null);
    }

    /** Writes index.md (change points tested against {@code floor}, which may be null) and history.html. */
    public static void write(Scan scan, NoiseFloor floor) throws IOException {
        ResultsIO.writeAtomically(scan.root().resolve(INDEX),
                indexMarkdown(scan, floor, Criteria.DEFAULT).getBytes(StandardCharsets.UTF_8));
        ResultsIO.writeAtomically(scan.root().resolve(HTML), html(scan, floor).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * A change between two consecutive valid points of a result's trend that passes the rules of {@code compare}:
     * tested on fork means (or the noise floor), p corrected over every consecutive pair of the trend table, beyond
     * the threshold and the minimum detectable effect, and not one the machine's own drift could explain.
     */
    record ChangePoint(String series, RunResult from, RunResult to, CellResult fromCell, CellResult cell,
                       SampleComparison test) {
        String toRun() {
            return to.runId();
        }

        ChangePoint with(SampleComparison t) {
            return new ChangePoint(series, from, to, fromCell, cell, t);
        }

        String describe() {
            return (test.verdict() == Verdict.FASTER ? "faster" : "slower") + String.format(Locale.ROOT, " %+.1f%%",
                    test.changePercent()) + " at " + toRun();
        }
    }

    /**
     * Every consecutive pair of valid points in each series of one environment, tested as {@code compare} tests two
     * runs, with the p-values corrected together; the map holds each series' tests in run order.
     */
    static Map<String, List<ChangePoint>> changePoints(List<Entry> runs, NoiseFloor floor, Criteria criteria) {
        List<ChangePoint> all = new ArrayList<>();
        for (var series : trendSeries(runs).entrySet()) {
            CellResult prev = null;
            RunResult prevRun = null;
            for (Entry e : runs) {
                CellResult c = series.getValue().get(e.dir());
                if (c == null || !Judged.clean(c) || c.score() == null) {
                    continue;
                }
                if (prev != null) {
                    all.add(new ChangePoint(series.getKey(), prevRun, e.run(), prev, c, SampleComparison.of(
                            Comparison.forks(prev), Comparison.forks(c),
                            floor == null ? null : floor.cell(c.key()), criteria)));
                }
                prev = c;
                prevRun = e.run();
            }
        }
        List<SampleComparison> tests = SampleComparison.corrected(all.stream().map(ChangePoint::test).toList(),
                criteria);
        Map<String, List<ChangePoint>> out = new LinkedHashMap<>();
        for (int i = 0; i < all.size(); i++) {
            ChangePoint raw = all.get(i);
            ChangePoint cp = raw.with(Comparison.withDrift(raw.from(), raw.to(), raw.fromCell(), raw.cell(),
                    tests.get(i), criteria));
            out.computeIfAbsent(cp.series(), k -> new ArrayList<>()).add(cp);
        }
        return out;
    }

    /** The floor when it holds for this environment's runs (their machine and profile), else null. */
    private static NoiseFloor floorFor(List<Entry> runs, NoiseFloor floor) {
        RunResult r = runs.get(0).run();
        return floor == null || floor.mismatch(r.host(), r.profile() == null ? null : r.profile().name()) != null
                ? null : floor;
    }

    /** The change points of a series as the trend table shows them. */
    static String changeText(List<ChangePoint> tests) {
        if (tests == null || tests.isEmpty()) {
            return "";
        }
        List<String> calls = tests.stream().filter(t -> t.test().verdict() == Verdict.FASTER
                || t.test().verdict() == Verdict.SLOWER).map(ChangePoint::describe).toList();
        if (!calls.isEmpty()) {
            return "**" + String.join("; ", calls) + "**";
        }
        boolean allUntestable = tests.stream().allMatch(t -> t.test().verdict() == Verdict.UNDECIDED);
        return allUntestable ? "undecided (1 fork)" : "none";
    }

    public static String indexMarkdown(Scan scan) {
        return indexMarkdown(scan, null, Criteria.DEFAULT);
    }

    /** The index, its change points tested against {@code floor} (may be null) with {@code criteria}. */
    public static String indexMarkdown(Scan scan, NoiseFloor floor, Criteria criteria) {
        StringBuilder sb = new StringBuilder("# dlbench results history\n\n");
        sb.append(scan.runs().size()).append(" run(s), oldest first. Trends (with charts) are in [")
                .append(HTML).append("](").append(HTML).append(").\n\n");
        sb.append("| Run | Started | Host | CPU | Cores | Profile | Versions | Harness | Commit | ok / failed / unsupported |\n");
        sb.append("|---|---|---|---|---:|---|---|---|---|---|\n");
        for (Entry e : scan.runs()) {
            RunResult r = e.run();
            Host h = r.host();
            String link = "[" + md(r.runId()) + "](" + e.dir() + "/results.md)";
            if (Files.exists(scan.root().resolve(e.dir()).resolve("report.html"))) {
                link += " ([html](" + e.dir() + "/report.html))";
            }
            sb.append("| ").append(link).append(" | ").append(md(r.startedAt()))
                    .append(r.finishedAt() == null ? " (partial)" : "")
                    .append(" | ").append(h == null ? "" : md(h.hostname()))
                    .append(" | ").append(h == null ? "" : md(h.cpuModel()))
                    .append(" | ").append(h == null ? "" : String.valueOf(h.cores()))
                    .append(" | ").append(r.profile() == null ? "" : md(r.profile().name()))
                    .append(" | ").append(md(versions(r)))
                    .append(" | ").append(md(r.harnessVersion()))
                    .append(" | ").append(md(shortCommit(r.gitCommit())))
                    .append(" | ").append(counts(r)).append(" |\n");
        }
        for (Skipped s : scan.skipped()) {
            sb.append("\nSkipped ").append(md(s.dir())).append(": ").append(md(s.why())).append("\n");
        }
        for (var env : environments(scan).entrySet()) {
            List<Entry> runs = env.getValue();
            List<Entry> shown = runs.subList(Math.max(0, runs.size() - TREND_COLUMNS), runs.size());
            sb.append("\n## Trend: ").append(md(env.getKey())).append("\n\n");
            if (runs.size() > shown.size()) {
                sb.append("The last ").append(shown.size()).append(" of ").append(runs.size())
                        .append(" runs; Change compares the last valid point with the first.\n\n");
            }
            boolean marked = false;
            sb.append("| Result |");
            for (Entry e : shown) {
                sb.append(" ").append(md(e.run().runId())).append(" |");
            }
            sb.append(" Change | Change points |\n|---|");
            sb.append("---:|".repeat(shown.size())).append("---:|---|\n");
            Map<String, List<ChangePoint>> points = changePoints(runs, floorFor(runs, floor), criteria);
            for (var series : trendSeries(runs).entrySet()) {
                sb.append("| ").append(md(series.getKey())).append(" |");
                for (Entry e : shown) {
                    CellResult c = series.getValue().get(e.dir());
                    sb.append(" ").append(c == null ? "" : String.format(Locale.ROOT, "%,.0f", c.score())
                            + MarkdownReport.mark(c)).append(" |");
                    marked |= c != null && !Judged.clean(c);
                }
                // only valid points make a change; the others are marked and skipped
                List<CellResult> all = runs.stream().map(e -> series.getValue().get(e.dir()))
                        .filter(c -> c != null && Judged.clean(c)).toList();
                String change = all.size() < 2 ? "" : String.format(Locale.ROOT, "%+.1f%%",
                        100 * (all.get(all.size() - 1).score() / all.get(0).score() - 1));
                sb.append(" ").append(change).append(" | ").append(changeText(points.get(series.getKey())))
                        .append(" |\n");
            }
            if (marked) {
                sb.append("\n").append(NOT_VALID);
            }
        }
        sb.append("\nScores are samples per second (higher is better). Change: the last valid point against the "
                + "first valid one, as a number only. Change points: consecutive valid points whose difference passes "
                + "the rules of `dlbench compare` (tested on fork means").append(floor == null ? ""
                        : " or the noise floor of runs " + String.join(", ", floor.runs())).append(", p corrected over "
                + "every consecutive pair: ").append(criteria.correction().description()).append(", beyond ")
                .append(criteria.thresholdText()).append(" and the minimum detectable effect); a trend of single-fork "
                + "runs without a noise floor is `undecided`. Runs are grouped by CPU, cores and profile: only alike "
                + "runs share a trend. Compare two runs with `dlbench compare`.\n");
        return sb.toString();
    }

    static final String NOT_VALID = "Points marked *noisy*, *inconsistent*, *invalid* or *no verdict* are not "
            + "valid: they are not clean measurements and Change skips them; each run's results.md gives the reason.\n";

    public static String html(Scan scan) {
        return html(scan, null);
    }

    /** The trend page; its change points tested against {@code floor} (may be null) as in index.md. */
    public static String html(Scan scan, NoiseFloor floor) {
        StringBuilder b = new StringBuilder("<h1>dlbench results history</h1>\n");
        b.append("<p>").append(scan.runs().size()).append(" run(s) in <code>").append(esc(scan.root().toString()))
                .append("</code>, oldest first.</p>\n<h2>Runs</h2>\n");
        List<List<String>> rows = new ArrayList<>();
        for (Entry e : scan.runs()) {
            RunResult r = e.run();
            Host h = r.host();
            String link = Files.exists(scan.root().resolve(e.dir()).resolve("report.html"))
                    ? "<a href=\"" + esc(e.dir()) + "/report.html\">" + esc(r.runId()) + "</a>" : esc(r.runId());
            rows.add(List.of(link, esc(r.startedAt()) + (r.finishedAt() == null ? " (partial)" : ""),
                    h == null ? "" : esc(h.hostname()), h == null ? "" : esc(h.cpuModel()),
                    h == null ? "" : String.valueOf(h.cores()), r.profile() == null ? "" : esc(r.profile().name()),
                    esc(versions(r)), esc(r.harnessVersion()), "<code>" + esc(shortCommit(r.gitCommit())) + "</code>",
                    counts(r)));
        }
        b.append(Html.table(List.of("Run", "Started", "Host", "CPU", "Cores", "Profile", "Versions", "Harness",
                "Commit", "ok / failed / unsupported"), rows, Set.of(4)));
        for (Skipped s : scan.skipped()) {
            b.append("<p class=\"bad\">Skipped ").append(esc(s.dir())).append(": ").append(esc(s.why()))
                    .append("</p>\n");
        }
        List<String> engines = scan.runs().stream().flatMap(e -> e.run().results().stream())
                .map(CellResult::engine).distinct().sorted().toList();
        Charts.Palette palette = new Charts.Palette(engines);
        for (var env : environments(scan).entrySet()) {
            List<Entry> runs = env.getValue();
            b.append("<h2>Trend: ").append(esc(env.getKey())).append("</h2>\n");
            List<String> runLabels = runs.stream().map(e -> e.run().runId()).toList();
            // one chart per workload, mode, batch, threads, device; one line per engine
            Map<String, List<Charts.Bar>> charts = new LinkedHashMap<>();
            Map<String, List<String>> invalid = new LinkedHashMap<>();
            for (Entry e : runs) {
                for (CellResult c : RunReport.sortedByWorkload(RunReport.measured(e.run().results()))) {
                    String key = c.workload() + " " + c.mode() + " batch " + c.batch() + " threads " + c.threads()
                            + ("cpu".equals(c.device()) ? "" : " " + c.device());
                    charts.computeIfAbsent(key, k -> new ArrayList<>());
                    if (Judged.invalid(c)) {
                        invalid.computeIfAbsent(key, k -> new ArrayList<>()).add(c.engine() + " in "
                                + e.run().runId() + " (" + Judged.of(c).reason() + ")");
                        continue;
                    }
                    charts.get(key).add(new Charts.Bar(c.engine(), e.run().runId(), c.score(),
                            c.scoreError() == null ? 0 : c.scoreError(), RunReport.flag(c)));
                }
            }
            if (charts.isEmpty()) {
                b.append("<p>No measured results.</p>\n");
            }
            Map<String, List<ChangePoint>> points = changePoints(runs, floorFor(runs, floor), Criteria.DEFAULT);
            List<String> calls = new ArrayList<>();
            for (var e : points.entrySet()) {
                for (ChangePoint cp : e.getValue()) {
                    if (cp.test().verdict() == Verdict.FASTER || cp.test().verdict() == Verdict.SLOWER) {
                        calls.add(e.getKey() + ": " + cp.describe());
                    }
                }
            }
            boolean untestable = points.values().stream().flatMap(List::stream)
                    .allMatch(cp -> cp.test().verdict() == Verdict.UNDECIDED);
            b.append("<p class=\"").append(calls.isEmpty() ? "muted" : "warn").append("\">Change points (the rules of "
                    + "<code>dlbench compare</code>, p corrected over every consecutive pair): ")
                    .append(calls.isEmpty() ? (points.isEmpty() ? "fewer than two valid points per result."
                            : untestable ? "undecided: single-fork runs and no noise floor (dlbench history --noise)."
                            : "none passes the rules.") : esc(String.join("; ", calls)) + ".").append("</p>\n");
            for (var c : charts.keySet()) {
                String title = c + ": samples/s per run";
                List<String> left = invalid.getOrDefault(c, List.of());
                if (!charts.get(c).isEmpty()) {
                    var chart = Charts.trend(title, runLabels, charts.get(c), palette);
                    if (!left.isEmpty()) {
                        Charts.note(chart, "not drawn, invalid: " + left.size() + " point"
                                + (left.size() == 1 ? "" : "s") + " (listed below the chart)");
                    }
                    b.append(Html.chart(chart, Charts.WIDTH, 380, title + ", one line per engine"
                            + (left.isEmpty() ? "" : "; not drawn (invalid): " + String.join(", ", left))));
                }
                if (!left.isEmpty()) {
                    b.append("<p class=\"bad\">").append(charts.get(c).isEmpty() ? esc(title) + ": nothing drawn. " : "")
                            .append("Not drawn, invalid: ").append(esc(String.join("; ", left))).append(".</p>\n");
                }
            }
        }
        b.append("<p class=\"muted\">Error bars: each run's 99.9% interval. Hollow, labelled points are not valid "
                + "(noisy, inconsistent, or no verdict: older runs); invalid points are not drawn. Runs are grouped "
                + "by CPU, cores and profile: only alike runs share a trend.</p>\n");
        return Html.page("dlbench results history", b.toString());
    }

    /** Runs grouped by what makes their numbers comparable, in first-seen order. */
    static Map<String, List<Entry>> environments(Scan scan) {
        Map<String, List<Entry>> out = new LinkedHashMap<>();
        for (Entry e : scan.runs()) {
            Host h = e.run().host();
            String key = (h == null ? "unknown host" : h.cpuModel() + ", " + h.cores() + " cores") + ", profile "
                    + (e.run().profile() == null ? "unknown" : e.run().profile().name());
            out.computeIfAbsent(key, k -> new ArrayList<>()).add(e);
        }
        return out;
    }

    /** Each measured result's cells by run directory, keyed by a readable label, in engine/workload/batch order. */
    static Map<String, Map<String, CellResult>> trendSeries(List<Entry> runs) {
        Map<String, Map<String, CellResult>> byLabel = new LinkedHashMap<>();
        for (Entry e : runs) {
            for (CellResult c : RunReport.measured(e.run().results())) {
                byLabel.computeIfAbsent(c.label(), k -> new LinkedHashMap<>()).put(e.dir(), c);
            }
        }
        Comparator<CellResult> order = Comparator.comparing(CellResult::engine).thenComparing(CellResult::workload)
                .thenComparing(CellResult::mode).thenComparing(CellResult::device)
                .thenComparingInt(CellResult::batch).thenComparingInt(CellResult::threads);
        Map<String, Map<String, CellResult>> out = new LinkedHashMap<>();
        byLabel.entrySet().stream()
                .sorted(Comparator.comparing(en -> en.getValue().values().iterator().next(), order))
                .forEach(en -> out.put(en.getKey(), en.getValue()));
        return out;
    }

    /** Engine versions and adapter-library versions (settings named *_version) a run used. */
    static String versions(RunResult r) {
        Set<String> engines = new TreeSet<>();
        Set<String> libraries = new TreeSet<>();
        for (CellResult c : r.results()) {
            if (c.engineVersion() != null) {
                engines.add(c.engine() + " " + c.engineVersion());
            }
            if (c.settings() != null) {
                c.settings().forEach((k, v) -> {
                    if (k.endsWith("_version")) {
                        libraries.add(k.substring(0, k.length() - "_version".length()) + " " + v);
                    }
                });
            }
        }
        String s = String.join(", ", engines);
        return libraries.isEmpty() ? s : s + (s.isEmpty() ? "" : "; ") + String.join(", ", libraries);
    }

    static String counts(RunResult r) {
        Map<Status, Long> n = r.results().stream().collect(Collectors.groupingBy(CellResult::status,
                Collectors.counting()));
        return n.getOrDefault(Status.OK, 0L) + " / " + n.getOrDefault(Status.FAILED, 0L) + " / "
                + n.getOrDefault(Status.UNSUPPORTED, 0L);
    }

    static String shortCommit(String c) {
        if (c == null) {
            return "";
        }
        return c.matches("[0-9a-f]{40}.*") ? c.substring(0, 10) + c.substring(40) : c;
    }

    private static String md(String s) {
        return s == null ? "" : s.replace("|", "\\|").replace("\n", " ");
    }
}
