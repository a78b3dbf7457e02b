package org.dlbench.core.result;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Renders a run as Markdown: header with host and settings, the capability matrix, throughput with verdicts,
 * latency/start-up/memory, scaling and scenarios, and every reason a cell was not measured.
 */
public final class MarkdownReport {
    private MarkdownReport() {
    }

    /** The report without a lead section. */
    public static String render(RunResult run) {
        return render(run, "");
    }

    /**
     * The report with {@code lead} (a Markdown section, e.g. the scorecard, which results.md composes in) right
     * after the run facts; nothing when it is empty.
     */
    public static String render(RunResult run, String lead) {
        StringBuilder sb = new StringBuilder();
        sb.append("# dlbench run ").append(run.runId()).append("\n\n");
        header(sb, run);
        if (!lead.isEmpty()) {
            sb.append("\n").append(lead);
        }
        sb.append("\n## Capability matrix\n\n").append(matrix(run.results()));
        sb.append("\n## Throughput\n\n").append(table(run.results()));
        List<CellResult> ok = run.results().stream().filter(r -> r.status() == Status.OK).toList();
        String bestVsShipped = VariantReport.bestVsShipped(run.results());
        if (!bestVsShipped.isEmpty()) {
            sb.append("\n## Best variant vs shipped\n\n").append(bestVsShipped);
        }
        String instances = VariantReport.instances(run.results());
        if (!instances.isEmpty()) {
            sb.append("\n## Instances x threads\n\n").append(instances);
        }
        String crossCheck = CrossCheckReport.table(ok);
        if (!crossCheck.isEmpty()) {
            sb.append("\n## Cross-check: three measures of every cell\n\n").append(crossCheck);
        }
        if (ok.stream().anyMatch(r -> r.latency() != null || r.startup() != null || r.memory() != null)) {
            sb.append("\n## Latency, time to first result, memory\n\n").append(details(ok));
        }
        String scaling = scaling(ok);
        if (!scaling.isEmpty()) {
            sb.append("\n## Scaling\n\n").append(scaling);
        }
        String spark = ScalingReport.render(run.results());
        if (!spark.isEmpty()) {
            sb.append("\n").append(spark);
        }
        String scenarios = scenarios(ok);
        if (!scenarios.isEmpty()) {
            sb.append("\n## Scenarios\n\n").append(scenarios);
        }
        sb.append("\n").append(LEGEND);
        return sb.toString();
    }

    static final String LEGEND = """
            How to read this: samples/s is the mean over JMH's measured iterations (higher is better) and +- its 99.9% \
            confidence half-width. Verdict: valid; noisy (half-width above 10% of the score, fewer than 3 iterations \
            or fewer than 200 latency samples); inconsistent (independent measures of the same cell disagree: JMH's \
            score, a bare timed loop on the timed session and, for inference, the latency phase); invalid (a \
            correctness check failed or none ran, less than 3 s measured, or a server search in which no full-length \
            confirming run met the p99 bound); no verdict (recorded before verdicts \
            existed: not treated as valid). Every table marks a number that is not valid with its verdict. \
            GFLOP/s comes from the workload's FLOPs per sample (training counts forward, backward and update); % peak \
            divides it by the median calibrated float32 matrix multiply of the engine's own library at the same \
            thread count (\\* marks an engine with no calibration of its own, measured against the best engine's), \
            and % best peak by the best engine's. Latency is per call \
            at that batch size, from an HdrHistogram of every timed call. Start-up splits engine load, model build \
            (with weight loading) and first inference. Peak RSS is the resident set of the benchmark process, native \
            memory included. Checks run outside the timed region.
            """;

    private static void header(StringBuilder sb, RunResult run) {
        Host h = run.host();
        Profile p = run.profile();
        sb.append("- Started ").append(run.startedAt());
        sb.append(run.finishedAt() != null ? ", finished " + run.finishedAt() : " (not finished: partial results)");
        sb.append("\n- Harness ").append(run.harnessVersion()).append(", commit ").append(run.gitCommit()).append("\n");
        if (h != null) {
            sb.append("- Host `").append(h.hostname()).append("`: ").append(h.cpuModel()).append(", ")
                    .append(h.coresDescription()).append(", ")
                    .append(String.format(Locale.ROOT, "%.1f GiB", h.memoryBytes() / (1024.0 * 1024 * 1024)))
                    .append(", ").append(h.os()).append(" (kernel ").append(h.kernel()).append("), ")
                    .append(h.jvm()).append("\n");
            if (h.cpuFlags() != null && !h.cpuFlags().isEmpty()) {
                sb.append("- CPU flags: ").append(String.join(" ", h.cpuFlags())).append("\n");
            }
            if (h.calibration() != null && !h.calibration().isEmpty()) {
                sb.append(calibrationLine(h));
            }
        }
        if (run.driftReference() != null) {
            sb.append(driftLine(run.driftReference()));
        }
        sb.append(cellDriftLine(run.results()));
        if (p != null) {
            sb.append("- Profile ").append(p.name()).append(": ").append(p.forks()).append(" fork(s), warmup ")
                    .append(p.warmupIterations()).append(" x ").append(p.warmupSeconds()).append(" s, measurement ")
                    .append(p.measurementIterations()).append(" x ").append(p.measurementSeconds())
                    .append(" s, latency phase ").append(p.latencySeconds()).append(" s\n");
        }
        Set<String> threads = new TreeSet<>();
        run.results().forEach(r -> threads.add(Integer.toString(r.threads())));
        sb.append("- Threads per engine (pinned): ").append(String.join(", ", threads)).append("\n");
        sb.append(variantLines(run.results()));
    }

    /**
     * The calibrated peaks: each engine's median with its spread and the engines measured against it, then the best
     * per thread count.
     */
    /**
     * One line per engine whose best variant was chosen among several: which and why (the choice is made from CPU
     * flags and what is built, before any cell runs).
     */
    static String variantLines(List<CellResult> results) {
        Map<String, String> why = new LinkedHashMap<>();
        for (CellResult r : results) {
            if (r.pickedAs("best") && r.variant().why() != null && !r.cellKey().shownVariant().isEmpty()) {
                why.putIfAbsent(r.engine(), r.variant().why());
            }
        }
        StringBuilder sb = new StringBuilder();
        why.forEach((engine, line) -> sb.append("- Variant of ").append(engine).append(": ").append(line).append("\n"));
        return sb.toString();
    }

    static String calibrationLine(Host h) {
        StringBuilder sb = new StringBuilder("- Calibrated float32 matmul peak (1024x1024 unless said; median of each "
                + "engine's samples, min-max): ");
        sb.append(h.calibration().stream().map(c -> {
            List<String> others = c.usedBy().stream().filter(e -> !e.equals(c.engine())).toList();
            String spread = c.minGflops() == null || c.maxGflops() == null || c.samples().size() < 2
                    ? "1 sample"
                    : String.format(Locale.ROOT, "%.1f-%.1f, %d samples", c.minGflops(), c.maxGflops(),
                    c.samples().size());
            return String.format(Locale.ROOT, "%s %.1f GFLOP/s (%s; %d thread%s%s%s)", c.engine(), c.gflops(), spread,
                    c.threads(), c.threads() == 1 ? "" : "s", c.n() == 1024 ? "" : ", n=" + c.n(),
                    others.isEmpty() ? "" : "; also for " + String.join(", ", others));
        }).collect(Collectors.joining("; ")));
        Set<Integer> threads = new TreeSet<>();
        h.calibration().forEach(c -> threads.add(c.threads()));
        sb.append(". Best: ").append(threads.stream().map(t -> {
            Host.Calibration best = h.bestCalibration(t);
            return String.format(Locale.ROOT, "%.1f GFLOP/s (%s) at %d thread%s", best.gflops(), best.engine(), t,
                    t == 1 ? "" : "s");
        }).collect(Collectors.joining(", "))).append(". % peak is against the engine's own library's median "
                + "(engines without one: the best, marked \\*); % best peak against the best.\n");
        return sb.toString();
    }

    /** The drift reference: the engine-free workload's median rate with its spread. */
    static String driftLine(DriftReference d) {
        return String.format(Locale.ROOT, "- Drift reference (engine-free %s on 1 thread of the runner JVM, to tell "
                        + "machine drift between runs; median, min-max): %,.0f %s (%,.0f-%,.0f, %d sample%s in %.1f s)\n",
                d.workload(), d.median(), d.unit(), d.min(), d.max(), d.samples(), d.samples() == 1 ? "" : "s",
                d.seconds());
    }

    /**
     * The range of the drift references measured around each cell (median of each cell's samples), with the cell
     * where the machine ran slowest and fastest; empty when no cell has one.
     */
    static String cellDriftLine(List<CellResult> results) {
        List<CellResult> with = results.stream().filter(r -> r.driftReference() != null).toList();
        if (with.isEmpty()) {
            return "";
        }
        CellResult slow = with.stream().min(java.util.Comparator.comparingDouble(r -> r.driftReference().median()))
                .orElseThrow();
        CellResult fast = with.stream().max(java.util.Comparator.comparingDouble(r -> r.driftReference().median()))
                .orElseThrow();
        DriftReference s = slow.driftReference();
        DriftReference f = fast.driftReference();
        return String.format(Locale.ROOT, "- Drift reference around each cell (just before and after it; median of "
                        + "each): %,.0f to %,.0f %s over %d cell%s (%+.1f%%; slowest around %s, fastest around %s)\n",
                s.median(), f.median(), s.unit(), with.size(), with.size() == 1 ? "" : "s",
                100 * (f.median() / s.median() - 1), slow.label(), fast.label());
    }

    /**
     * One row per engine, one column per workload and mode: what was measured and what could not be. An engine
     * measured in several variants counts its best variant (the cells {@code --variants best} picked), when the run
     * has one.
     */
    public static String matrix(List<CellResult> results) {
        Set<String> engines = new LinkedHashSet<>();
        Set<String> columns = new LinkedHashSet<>();
        Map<String, List<CellResult>> cells = new LinkedHashMap<>();
        Set<String> withBest = results.stream().filter(r -> r.pickedAs("best")).map(CellResult::engine)
                .collect(Collectors.toSet());
        for (CellResult r : results) {
            if (withBest.contains(r.engine()) && !r.pickedAs("best")) {
                continue;
            }
            engines.add(r.engine());
            String col = r.workload() + " " + r.mode();
            columns.add(col);
            cells.computeIfAbsent(r.engine() + "|" + col, k -> new ArrayList<>()).add(r);
        }
        StringBuilder sb = new StringBuilder("| Engine |");
        columns.forEach(c -> sb.append(' ').append(c).append(" |"));
        sb.append("\n|---|").append("---|".repeat(columns.size())).append("\n");
        for (String e : engines) {
            sb.append("| ").append(e).append(" |");
            for (String c : columns) {
                List<CellResult> rs = cells.getOrDefault(e + "|" + c, List.of());
                sb.append(' ').append(rs.isEmpty() ? "-" : rs.stream().map(MarkdownReport::matrixCell)
                        .distinct().collect(Collectors.joining(", "))).append(" |");
            }
            sb.append("\n");
        }
        return sb.toString();
    }

    private static String matrixCell(CellResult r) {
        return switch (r.status()) {
            case OK -> r.checksPassed() ? "ok" : "ok, CHECK FAILED";
            case UNSUPPORTED -> "unsupported";
            case FAILED -> "**failed**";
        };
    }

    public static String table(List<CellResult> results) {
        StringBuilder sb = new StringBuilder();
        sb.append("| Engine | Variant | Version | Workload | Mode | Batch | Threads | Instances | Device | Status "
                + "| samples/s | +- | Verdict | GFLOP/s | % peak | % best peak | Checks |\n");
        sb.append("|---|---|---|---|---|---:|---:|---:|---|---|---:|---:|---|---:|---:|---:|---|\n");
        for (CellResult r : results) {
            sb.append("| ").append(r.engine())
                    .append(" | ").append(variantCell(r))
                    .append(" | ").append(nz(r.engineVersion()))
                    .append(" | ").append(r.workload())
                    .append(" | ").append(r.mode())
                    .append(" | ").append(r.batch())
                    .append(" | ").append(r.threads())
                    .append(" | ").append(r.instanceCount())
                    .append(" | ").append(r.device())
                    .append(" | ").append(status(r))
                    .append(" | ").append(r.score() == null ? "" : String.format(Locale.ROOT, "%,.0f", r.score())
                            + (r.tokensPerSecond() == null ? ""
                            : String.format(Locale.ROOT, " (%,.0f tokens/s)", r.tokensPerSecond())))
                    .append(" | ").append(error(r))
                    .append(" | ").append(verdict(r))
                    .append(" | ").append(r.gflops() == null ? "" : String.format(Locale.ROOT, "%.2f", r.gflops()))
                    .append(" | ").append(percentOfPeak(r))
                    .append(" | ").append(r.peak() == null || r.peak().percentOfBest() == null ? ""
                            : String.format(Locale.ROOT, "%.1f%%", r.peak().percentOfBest()))
                    .append(" | ").append(checks(r))
                    .append(" |\n");
        }
        return sb.toString();
    }

    /**
     * The variant and why it was measured: {@code onednn-avx512 (best)}, {@code generic (shipped)}, {@code default (best,
     * shipped)} for an engine with one variant; empty for a cell recorded before variants existed.
     */
    static String variantCell(CellResult r) {
        if (r.variant() == null) {
            return "";
        }
        List<String> picks = r.variant().picks().stream().filter(p -> !p.equals("all") && !p.equals("named")).toList();
        return r.variant().name() + (picks.isEmpty() ? "" : " (" + String.join(", ", picks) + ")");
    }

    /** % of the engine's own peak; marked when the engine has no calibration of its own and the best is used. */
    static String percentOfPeak(CellResult r) {
        if (r.percentOfPeak() == null) {
            return "";
        }
        String v = String.format(Locale.ROOT, "%.1f%%", r.percentOfPeak());
        return r.peak() != null && CellResult.Peak.BEST.equals(r.peak().basis()) ? v + " \\*" : v;
    }

    static String details(List<CellResult> ok) {
        StringBuilder sb = new StringBuilder();
        sb.append("| Engine | Workload | Mode | Batch | Threads | Verdict | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms "
                + "| Engine load ms | Model build ms | First inference ms | Peak RSS MiB | Peak heap MiB |\n");
        sb.append("|---|---|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        boolean marked = false;
        for (CellResult r : ok) {
            CellResult.Latency l = r.latency();
            CellResult.Startup s = r.startup();
            CellResult.Memory m = r.memory();
            sb.append("| ").append(r.engineLabel()).append(" | ").append(r.workload()).append(" | ").append(r.mode())
                    .append(" | ").append(r.batch()).append(" | ").append(r.threads() + (r.instanceCount() == 1 ? ""
                            : " x" + r.instanceCount()))
                    .append(" | ").append(shortVerdict(r))
                    .append(" | ").append(l == null ? "" : ms(l.p50Ms()))
                    .append(" | ").append(l == null ? "" : ms(l.p90Ms()))
                    .append(" | ").append(l == null ? "" : ms(l.p99Ms()))
                    .append(" | ").append(l == null ? "" : ms(l.p999Ms()))
                    .append(" | ").append(l == null ? "" : ms(l.maxMs()))
                    .append(" | ").append(s == null || s.engineLoadMs() == null ? "" : ms(s.engineLoadMs()))
                    .append(" | ").append(s == null ? "" : ms(s.modelBuildMs()))
                    .append(" | ").append(s == null ? "" : ms(s.firstInferenceMs()))
                    .append(" | ").append(m == null || m.peakRssBytes() < 0 ? "" : mib(m.peakRssBytes()))
                    .append(" | ").append(m == null || m.peakHeapBytes() < 0 ? "" : mib(m.peakHeapBytes()))
                    .append(" |\n");
            marked |= !Judged.clean(r);
        }
        return marked ? sb.append("\n").append(NOT_VALID_NOTE).toString() : sb.toString();
    }

    /** Samples/s over batch sizes (one table) and over thread counts (another), where the run swept them. */
    static String scaling(List<CellResult> ok) {
        List<CellResult> timed = ok.stream().filter(r -> !"server".equals(r.mode())).toList();
        StringBuilder sb = new StringBuilder();
        Set<Integer> batches = new TreeSet<>();
        Set<Integer> threads = new TreeSet<>();
        timed.forEach(r -> {
            batches.add(r.batch());
            threads.add(r.threads());
        });
        if (batches.size() > 1) {
            sb.append("Samples/s by batch size (per engine, workload, mode, threads):\n\n");
            sb.append(pivot(timed, batches, "batch", r -> r.batch(),
                    r -> r.engineLabel() + " | " + r.workload() + " | " + r.mode() + " | " + r.threads()
                            + (r.instanceCount() == 1 ? "" : " x" + r.instanceCount()),
                    "| Engine | Workload | Mode | Threads |"));
        }
        if (threads.size() > 1) {
            sb.append(sb.length() > 0 ? "\n" : "").append("Samples/s by thread count, with speed-up over the "
                    + "fewest threads (per engine, workload, mode, batch):\n\n");
            sb.append(pivot(timed, threads, "threads", r -> r.threads(),
                    r -> r.engineLabel() + " | " + r.workload() + " | " + r.mode() + " | " + r.batch()
                            + (r.instanceCount() == 1 ? "" : " x" + r.instanceCount()),
                    "| Engine | Workload | Mode | Batch |"));
        }
        return sb.toString();
    }

    private static String pivot(List<CellResult> rs, Set<Integer> values, String what,
                                java.util.function.ToIntFunction<CellResult> axis,
                                java.util.function.Function<CellResult, String> rowKey, String head) {
        StringBuilder sb = new StringBuilder(head);
        values.forEach(v -> sb.append(' ').append(what).append(' ').append(v).append(" |"));
        sb.append("\n|---|---|---|---:|").append("---:|".repeat(values.size())).append("\n");
        Map<String, Map<Integer, CellResult>> rows = new LinkedHashMap<>();
        for (CellResult r : rs) {
            rows.computeIfAbsent(rowKey.apply(r), k -> new LinkedHashMap<>()).put(axis.applyAsInt(r), r);
        }
        int first = values.iterator().next();
        boolean marked = false;
        for (var e : rows.entrySet()) {
            sb.append("| ").append(e.getKey()).append(" |");
            CellResult base = e.getValue().get(first);
            for (int v : values) {
                CellResult c = e.getValue().get(v);
                Double s = c == null ? null : c.score();
                sb.append(' ').append(s == null ? "" : String.format(Locale.ROOT, "%,.0f", s));
                if (s != null && base != null && base.score() != null && v != first) {
                    // a speed-up is only as good as both of its numbers
                    sb.append(String.format(Locale.ROOT, " (x%.2f%s)", s / base.score(),
                            Judged.clean(base) ? "" : ", base " + Judged.of(base).label()));
                    marked |= !Judged.clean(base);
                }
                if (c != null) {
                    sb.append(mark(c));
                    marked |= !Judged.clean(c);
                }
                sb.append(" |");
            }
            sb.append("\n");
        }
        return marked ? sb.append("\n").append(NOT_VALID_NOTE).toString() : sb.toString();
    }

    /** MLPerf-named views: single-stream (batch 1 p90), offline (largest batch), server (rate at p99 bound). */
    static String scenarios(List<CellResult> ok) {
        StringBuilder sb = new StringBuilder();
        boolean marked = false;
        Map<String, List<CellResult>> byGroup = ok.stream().filter(r -> !"train".equals(r.mode()))
                .collect(Collectors.groupingBy(r -> r.engineLabel() + " | " + r.workload() + " | " + r.threads(),
                        LinkedHashMap::new, Collectors.toList()));
        for (var e : byGroup.entrySet()) {
            List<CellResult> infer = e.getValue().stream().filter(r -> "infer".equals(r.mode())).toList();
            CellResult single = infer.stream().filter(r -> r.batch() == 1 && r.latency() != null).findFirst()
                    .orElse(null);
            CellResult offline = infer.stream().max((a, b) -> Integer.compare(a.batch(), b.batch())).orElse(null);
            CellResult server = e.getValue().stream().filter(r -> "server".equals(r.mode())).findFirst().orElse(null);
            if (single == null && server == null) {
                continue;
            }
            boolean hasServer = server != null && server.server() != null;
            sb.append("| ").append(e.getKey())
                    .append(" | ").append(single == null ? "" : ms(single.latency().p90Ms()) + mark(single))
                    .append(" | ").append(offline == null || offline.score() == null ? ""
                            : String.format(Locale.ROOT, "%,.0f (batch %d)", offline.score(), offline.batch())
                            + mark(offline))
                    .append(" | ").append(hasServer ? serverCell(server) + mark(server) : "")
                    .append(" |\n");
            for (CellResult shown : java.util.Arrays.asList(single, offline, hasServer ? server : null)) {
                marked |= shown != null && !Judged.clean(shown);
            }
        }
        if (sb.length() == 0) {
            return "";
        }
        return "| Engine | Workload | Threads | single-stream p90 ms | offline samples/s | server |\n"
                + "|---|---|---:|---:|---:|---|\n" + sb + (marked ? "\n" + NOT_VALID_NOTE : "");
    }

    /**
     * The server outcome: the rate and the p99 of the run it rests on (for a search, the full-length confirming run),
     * whether that met the bound, and how many trials the search took.
     */
    static String serverCell(CellResult r) {
        CellResult.Server s = r.server();
        long confirms = s.confirmations();
        long probes = s.trials().size() - confirms;
        String p99 = r.latency() == null ? "n/a" : ms(r.latency().p99Ms());
        if (!s.searched()) {
            return String.format(Locale.ROOT, "%,.0f req/s (fixed rate %,.0f), p99 %s ms %s %s ms bound",
                    s.achievedRate(), s.targetRate(), p99, s.boundMet() ? "within" : "**over**", ms(s.boundMs()));
        }
        String trials = String.format(Locale.ROOT, "%d trials: %d probe%s, %d confirming run%s", s.trials().size(),
                probes, probes == 1 ? "" : "s", confirms, confirms == 1 ? "" : "s");
        String capacity = s.capacity() == null ? "" : String.format(Locale.ROOT, "; capacity %,.0f/s", s.capacity());
        if (!s.boundMet()) {
            return String.format(Locale.ROOT, "**no rate met the %s ms bound** in a confirming run (last: %,.0f req/s, "
                    + "p99 %s ms; %s%s)", ms(s.boundMs()), s.targetRate(), p99, trials, capacity);
        }
        return String.format(Locale.ROOT, "%,.0f req/s, confirming p99 %s ms within %s ms bound (searched, %s%s)",
                s.achievedRate(), p99, ms(s.boundMs()), trials, capacity);
    }

    private static String status(CellResult r) {
        String s = r.status().id();
        if (r.status() == Status.OK && !r.checksPassed()) {
            s = "ok, CHECK FAILED";
        }
        if (r.reason() != null) {
            s += ": " + escape(r.reason());
        }
        return s;
    }

    /** Under every table that marks a number: what the marks mean and where the reasons are. */
    public static final String NOT_VALID_NOTE = "Numbers marked *noisy*, *inconsistent*, *invalid* or *no verdict* "
            + "are not valid: do not read them as clean measurements. The Throughput table gives each reason.\n";

    /** The verdict with its reason, bold unless valid; empty for cells that measured nothing. */
    static String verdict(CellResult r) {
        Judged j = Judged.of(r);
        if (j == null) {
            return "";
        }
        return j.valid() ? j.label() : "**" + j.label() + "**" + (j.reason() == null ? "" : ": " + escape(j.reason()));
    }

    /** The verdict alone, bold unless valid, for tables whose reasons are in the Throughput table. */
    static String shortVerdict(CellResult r) {
        Judged j = Judged.of(r);
        return j == null ? "" : j.valid() ? j.label() : "**" + j.label() + "**";
    }

    /** A marker after a number that is not valid (" *noisy*"); empty for valid numbers. */
    public static String mark(CellResult r) {
        Judged j = Judged.of(r);
        return j == null || j.valid() ? "" : " *" + j.label() + "*";
    }

    /** The confidence half-width with its share of the score, as reports show it. */
    public static String error(CellResult r) {
        if (r.scoreError() == null || r.score() == null) {
            return "";
        }
        if (r.scoreError().isNaN()) {
            return "n/a";
        }
        return String.format(Locale.ROOT, "%,.0f (%.1f%%)", r.scoreError(), 100 * r.scoreError() / r.score());
    }

    private static String checks(CellResult r) {
        return checks(r, true);
    }

    /** The checks a result passed, or the failed ones with what they measured; Markdown-escaped if asked. */
    public static String checks(CellResult r, boolean markdown) {
        if (r.checks() == null || r.checks().isEmpty()) {
            return "";
        }
        List<Check> failed = r.checks().stream().filter(c -> !c.passed()).toList();
        if (failed.isEmpty()) {
            return r.checks().stream().map(Check::name).collect(Collectors.joining(", "));
        }
        return "FAILED " + failed.stream().map(c -> c.name() + " (" + (markdown ? escape(c.detail()) : c.detail()) + ")")
                .collect(Collectors.joining(", "));
    }

    private static String ms(double v) {
        return v >= 100 ? String.format(Locale.ROOT, "%,.0f", v)
                : v >= 1 ? String.format(Locale.ROOT, "%.2f", v) : String.format(Locale.ROOT, "%.3f", v);
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%,.0f", bytes / (1024.0 * 1024));
    }

    private static String nz(String s) {
        return Objects.requireNonNullElse(s, "");
    }

    private static String escape(String s) {
        return s == null ? "" : s.replace("|", "\\|").replace("\n", " ");
    }
}
