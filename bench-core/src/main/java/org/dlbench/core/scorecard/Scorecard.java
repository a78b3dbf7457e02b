package org.dlbench.core.scorecard;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.dlbench.core.result.CellResult;
import org.dlbench.core.result.Check;
import org.dlbench.core.result.Judged;
import org.dlbench.core.result.RunResult;
import org.dlbench.core.result.ScalingReport;
import org.dlbench.core.result.Status;

/**
 * The scorecard of one or several runs: per engine (its best variant), what it can do, how well and how far it
 * scales, with every number from a {@code valid} cell ({@link Judged#clean}). Dimensions, each 1.0 for the best
 * engine:
 * <ul>
 * <li>coverage: the share of zoo cells (built-in workload x {@code infer}/{@code train}, those the runs hold) it
 * ran {@code ok}, weighted by family and mode, with the ops it lacks from its {@code unsupported} reasons;</li>
 * <li>correctness: checks passed / checks run, failures listed first;</li>
 * <li>throughput (the capability index): per mode, the geometric mean over its valid cells of
 * {@code score / best score on the cell}, with a delta-method interval ({@link IndexMath}); modes combined with
 * their weights;</li>
 * <li>latency: {@code best p90 / own p90} over single-stream inference cells; startup: {@code best / own} time to
 * first result (engine load + model build + first inference); both geometric means;</li>
 * <li>memory: {@code smallest / own} peak RSS per workload and mode (the engine's largest over its cells there),
 * geometric mean;</li>
 * <li>efficiency: median % of peak over its valid cells, as index its share of the best engine's median;</li>
 * <li>scale: 1 -> N threads scaling efficiency {@code (s_N / s_1) / (N / 1)} per workload, mode and batch measured
 * at several thread counts (geometric mean), as index its share of the best engine's; and for an engine with a
 * distributed path (its cells name {@link ScalingReport#BASELINE_SETTING}), data-parallel efficiency
 * {@code s_N / (N x s_1)} over worker counts.</li>
 * </ul>
 * Every relative number (throughput, latency, first result, memory, and the heat map) is taken only where at least
 * two engines have a valid cell: a cell no other engine ran validly has nothing to be set against, and counting it
 * as 1.0 would reward an engine for running alone. Such cells still count in coverage and correctness, and the
 * scorecard says how many there are ({@code uncontested}).
 * The overall index is the weighted geometric mean of the dimensions an engine has a number for
 * ({@link ScoreWeights}); it is ranked with {@link Ranking}'s tie rule. Engines without a JVM runtime keep a row
 * with their reason and the workloads they would be measured on.
 *
 * @param runIds the runs scored
 * @param weights the weights used (and where they were read from)
 * @param rows the engines in rank order
 * @param noJvm the engines without a JVM runtime
 * @param measured measured ({@code ok}) cells of the scored variants
 * @param leftOut measured cells left out of every number, per verdict ({@code noisy}, {@code invalid}, ...)
 * @param otherVariants cells of variants other than the one picked as best, not scored
 * @param uncontested valid infer/train cells no other engine has a valid cell beside (same workload, mode, batch,
 *     threads, device, instances): in coverage and correctness, not in the relative indices
 * @param zooCells zoo cells the runs hold ({@code workload mode}), in index order
 * @param zooNotInRuns zoo cells the runs do not hold
 * @param heat per family, per engine label, per {@code workload mode}: the geometric mean of the engine's relative
 *     throughput on that workload and mode
 */
public record Scorecard(List<String> runIds, ScoreWeights weights, List<EngineRow> rows, List<NoJvmRow> noJvm,
                        int measured, Map<String, Integer> leftOut, int otherVariants, int uncontested,
                        List<String> zooCells,
                        List<String> zooNotInRuns, Map<String, Map<String, Map<String, Double>>> heat) {

    /** The start of the reason of an engine no JVM can drive. */
    public static final String NO_JVM = "no JVM runtime";
    static final String NO_DISTRIBUTED = "no distributed path in the JVM";
    private static final Pattern OP = Pattern.compile("^([A-Za-z][A-Za-z0-9_]*) \\(node '");

    /**
     * An engine no JVM can drive.
     *
     * @param engine its name
     * @param reason why
     * @param workloads the workloads it would be measured on (those of its cells)
     */
    public record NoJvmRow(String engine, String reason, List<String> workloads) {
    }

    /** The scorecard of one run with the built-in weights (the section of its reports). */
    public static Scorecard of(RunResult run) {
        return of(MergedRuns.of(run), ScoreWeights.builtIn());
    }

    /** The scorecard of merged runs. */
    public static Scorecard of(MergedRuns runs, ScoreWeights w) {
        List<CellResult> all = runs.cells();
        // engines no JVM can drive: every cell unsupported for that reason
        Map<String, List<CellResult>> byEngine = group(all, CellResult::engine);
        List<NoJvmRow> noJvm = new ArrayList<>();
        Set<String> noJvmNames = new LinkedHashSet<>();
        byEngine.forEach((e, cells) -> {
            if (cells.stream().allMatch(c -> c.status() == Status.UNSUPPORTED && c.reason() != null
                    && c.reason().startsWith(NO_JVM))) {
                noJvmNames.add(e);
                noJvm.add(new NoJvmRow(e, cells.get(0).reason(),
                        cells.stream().map(CellResult::workload).distinct().toList()));
            }
        });
        // the best variant of an engine measured in several
        Set<String> withBest = all.stream().filter(c -> c.pickedAs("best")).map(CellResult::engine)
                .collect(Collectors.toSet());
        List<CellResult> scored = all.stream().filter(c -> !noJvmNames.contains(c.engine()))
                .filter(c -> !withBest.contains(c.engine()) || c.pickedAs("best")).toList();
        int otherVariants = (int) all.stream().filter(c -> !noJvmNames.contains(c.engine()))
                .filter(c -> withBest.contains(c.engine()) && !c.pickedAs("best")).count();
        List<CellResult> measured = scored.stream().filter(c -> c.status() == Status.OK && c.score() != null).toList();
        Map<String, Integer> leftOut = new TreeMap<>();
        for (CellResult c : measured) {
            if (!valid(c)) {
                leftOut.merge(Judged.of(c).label(), 1, Integer::sum);
            }
        }
        List<CellResult> valid = measured.stream().filter(Scorecard::valid).toList();

        // zoo cells the runs hold
        List<String> zooCells = new ArrayList<>();
        List<String> zooNotInRuns = new ArrayList<>();
        for (String wl : Zoo.families().keySet()) {
            for (String mode : ScoreWeights.MODES) {
                boolean held = all.stream().anyMatch(c -> !noJvmNames.contains(c.engine())
                        && c.workload().equals(wl) && c.mode().equals(mode));
                (held ? zooCells : zooNotInRuns).add(wl + " " + mode);
            }
        }

        Context ctx = new Context(w, valid, bestBy(valid, c -> c.score(), true),
                bestBy(valid.stream().filter(c -> c.mode().equals("infer") && c.instanceCount() == 1
                        && c.latency() != null && c.latency().p90Ms() > 0).toList(), c -> c.latency().p90Ms(), false),
                bestBy(valid.stream().filter(c -> startupMs(c) != null).toList(), Scorecard::startupMs, false));
        Map<String, List<CellResult>> scoredByEngine = group(scored, CellResult::engine);
        List<Partial> partials = new ArrayList<>();
        for (Map.Entry<String, List<CellResult>> e : scoredByEngine.entrySet()) {
            partials.add(partial(e.getKey(), e.getValue(), zooCells, all, ctx));
        }
        // indices relative to the best engine's own number
        Map<String, Double> memory = memory(valid, w);
        double bestEff = partials.stream().filter(p -> p.efficiency != null).mapToDouble(p -> p.efficiency).max()
                .orElse(Double.NaN);
        double bestScale = partials.stream().filter(p -> p.scale != null).mapToDouble(p -> p.scale).max()
                .orElse(Double.NaN);
        List<EngineRow> rows = new ArrayList<>();
        for (Partial p : partials) {
            Map<Dimension, Double> dims = new EnumMap<>(Dimension.class);
            if (p.throughput != null) {
                dims.put(Dimension.THROUGHPUT, p.throughput.value());
            }
            if (p.coverage.share() != null) {
                dims.put(Dimension.COVERAGE, p.coverage.share());
            }
            if (p.correctness.run() > 0) {
                dims.put(Dimension.CORRECTNESS, (double) p.correctness.passed() / p.correctness.run());
            }
            putIf(dims, Dimension.LATENCY, p.latency);
            putIf(dims, Dimension.STARTUP, p.startup);
            putIf(dims, Dimension.MEMORY, memory.get(p.engine));
            if (p.efficiency != null && bestEff > 0) {
                dims.put(Dimension.EFFICIENCY, p.efficiency / bestEff);
            }
            if (p.scale != null && bestScale > 0) {
                dims.put(Dimension.SCALE, p.scale / bestScale);
            }
            rows.add(new EngineRow(p.engine, p.label, p.coverage, p.correctness, p.infer, p.train, p.throughput,
                    dims, p.efficiency, p.threadScaling, dataParallel(p.engine, p.cells, scored, valid),
                    (int) p.cells.stream().filter(Scorecard::valid).count(), overall(dims, p.throughput, w), null));
        }
        int uncontested = (int) valid.stream().filter(c -> !c.mode().equals("server"))
                .filter(c -> !ctx.bestScore().containsKey(slot(c))).count();
        return new Scorecard(runs.runIds(), w, Ranking.rank(rows), noJvm, measured.size(), leftOut, otherVariants,
                uncontested, zooCells, zooNotInRuns, heat(ctx, scoredByEngine, partials.stream()
                        .collect(Collectors.toMap(q -> q.engine, q -> q.label))));
    }

    /** Measured cells that count: valid, with a positive score. */
    static boolean valid(CellResult c) {
        return Judged.clean(c) && c.score() > 0;
    }

    /** What the numbers of one engine need before they are set against the others'. */
    private record Context(ScoreWeights w, List<CellResult> valid, Map<String, CellResult> bestScore,
                           Map<String, CellResult> bestLatency, Map<String, CellResult> bestStartup) {
    }

    private static final class Partial {
        String engine;
        String label;
        List<CellResult> cells;
        EngineRow.Coverage coverage;
        EngineRow.Correctness correctness;
        Estimate infer;
        Estimate train;
        Estimate throughput;
        Double latency;
        Double startup;
        Double efficiency;
        Double scale;
        String threadScaling;
    }

    private static Partial partial(String engine, List<CellResult> cells, List<String> zooCells,
                                   List<CellResult> all, Context ctx) {
        ScoreWeights w = ctx.w();
        Partial p = new Partial();
        p.engine = engine;
        p.cells = cells;
        p.label = engine + cells.stream().map(c -> c.cellKey().shownVariant()).filter(s -> !s.isEmpty()).distinct()
                .collect(Collectors.joining(""));
        p.coverage = coverage(cells, zooCells, w);
        p.correctness = correctness(cells);
        List<CellResult> mine = cells.stream().filter(Scorecard::valid).toList();
        List<IndexMath.Term> modes = new ArrayList<>();
        for (String mode : ScoreWeights.MODES) {
            List<IndexMath.Term> terms = new ArrayList<>();
            for (CellResult c : mine) {
                if (!c.mode().equals(mode)) {
                    continue;
                }
                CellResult best = ctx.bestScore().get(slot(c));
                if (best == null) {
                    continue; // uncontested
                }
                terms.add(IndexMath.ratio(c.score(), IndexMath.standardError(c), best.score(),
                        IndexMath.standardError(best), c.score() >= best.score(), w.family(Zoo.family(c.workload()))));
            }
            Estimate e = IndexMath.combine(terms, w.z());
            if (mode.equals("infer")) {
                p.infer = e;
            } else {
                p.train = e;
            }
            if (e != null) {
                modes.add(new IndexMath.Term(e.logMean(), e.logSe() * e.logSe(), w.mode(mode)));
            }
        }
        p.throughput = IndexMath.combine(modes, w.z());
        p.latency = relative(mine, ctx.bestLatency(), c -> c.latency() == null ? null : c.latency().p90Ms(), w);
        p.startup = relative(mine, ctx.bestStartup(), Scorecard::startupMs, w);
        List<Double> peaks = mine.stream().map(CellResult::percentOfPeak).filter(v -> v != null && v > 0).toList();
        p.efficiency = peaks.isEmpty() ? null : IndexMath.median(peaks);
        threads(p, mine, all);
        return p;
    }

    /** Best own / own (lower is better): geometric mean over the cells with a best, or null. */
    private static Double relative(List<CellResult> mine, Map<String, CellResult> best,
                                   Function<CellResult, Double> value, ScoreWeights w) {
        List<IndexMath.Term> terms = new ArrayList<>();
        for (CellResult c : mine) {
            CellResult b = best.get(slot(c));
            Double own = value.apply(c);
            if (b != null && own != null && own > 0) {
                terms.add(new IndexMath.Term(Math.log(value.apply(b) / own), 0, w.family(Zoo.family(c.workload()))));
            }
        }
        Estimate e = IndexMath.combine(terms, 0);
        return e == null ? null : e.value();
    }

    static EngineRow.Coverage coverage(List<CellResult> cells, List<String> zooCells, ScoreWeights w) {
        Map<String, int[]> fam = new LinkedHashMap<>();
        Map<String, int[]> mod = new LinkedHashMap<>();
        ScoreWeights.FAMILIES.forEach(f -> fam.put(f, new int[2]));
        ScoreWeights.MODES.forEach(m -> mod.put(m, new int[2]));
        double okWeight = 0;
        double weight = 0;
        int ok = 0;
        int failed = 0;
        Map<String, Set<String>> lacks = new LinkedHashMap<>();
        for (String zc : zooCells) {
            String wl = zc.substring(0, zc.indexOf(' '));
            String mode = zc.substring(zc.indexOf(' ') + 1);
            List<CellResult> here = cells.stream().filter(c -> c.workload().equals(wl) && c.mode().equals(mode))
                    .toList();
            boolean ran = here.stream().anyMatch(c -> c.status() == Status.OK);
            String family = Zoo.family(wl);
            double cw = w.family(family) * w.mode(mode);
            weight += cw;
            fam.get(family)[1]++;
            mod.get(mode)[1]++;
            if (ran) {
                okWeight += cw;
                ok++;
                fam.get(family)[0]++;
                mod.get(mode)[0]++;
                continue;
            }
            if (here.stream().anyMatch(c -> c.status() == Status.FAILED)) {
                failed++;
            }
            for (CellResult c : here) {
                if (c.status() == Status.UNSUPPORTED && c.reason() != null) {
                    for (String op : ops(c.reason())) {
                        lacks.computeIfAbsent(op, k -> new LinkedHashSet<>()).add(wl);
                    }
                }
            }
        }
        Map<String, EngineRow.Count> families = new LinkedHashMap<>();
        fam.forEach((k, v) -> {
            if (v[1] > 0) {
                families.put(k, new EngineRow.Count(v[0], v[1]));
            }
        });
        Map<String, EngineRow.Count> modes = new LinkedHashMap<>();
        mod.forEach((k, v) -> {
            if (v[1] > 0) {
                modes.put(k, new EngineRow.Count(v[0], v[1]));
            }
        });
        List<String> lacking = lacks.entrySet().stream()
                .map(e -> e.getKey() + " (" + String.join(", ", e.getValue()) + ")").toList();
        return new EngineRow.Coverage(weight > 0 ? okWeight / weight : null, new EngineRow.Count(ok, zooCells.size()),
                families, modes, lacking, failed);
    }

    /**
     * The ops an {@code unsupported} reason names: the layer type of each {@code Type (node 'x'): why} part; any
     * other reason as it is (shortened).
     */
    static List<String> ops(String reason) {
        List<String> out = new ArrayList<>();
        for (String part : reason.split("; ")) {
            Matcher m = OP.matcher(part.trim());
            if (m.find()) {
                out.add(m.group(1));
            } else {
                String s = part.trim();
                out.add(s.length() > 90 ? s.substring(0, 87) + "..." : s);
            }
        }
        return out;
    }

    static EngineRow.Correctness correctness(List<CellResult> cells) {
        int passed = 0;
        int run = 0;
        int without = 0;
        List<String> failures = new ArrayList<>();
        for (CellResult c : cells) {
            if (c.checks() == null || c.checks().isEmpty()) {
                without += c.status() == Status.OK ? 1 : 0;
                continue;
            }
            for (Check k : c.checks()) {
                run++;
                if (k.passed()) {
                    passed++;
                } else {
                    failures.add(c.label() + ": " + k.name() + (k.detail() == null ? "" : " (" + k.detail() + ")"));
                }
            }
        }
        return new EngineRow.Correctness(passed, run, List.copyOf(failures), without);
    }

    /** 1 -> N threads: per workload, mode, batch, device and instances measured at several thread counts. */
    private static void threads(Partial p, List<CellResult> mine, List<CellResult> all) {
        List<Double> effs = new ArrayList<>();
        int lo = Integer.MAX_VALUE;
        int hi = 0;
        Map<String, List<CellResult>> groups = group(mine.stream().filter(c -> !c.mode().equals("server")).toList(),
                c -> c.workload() + "|" + c.mode() + "|" + c.batch() + "|" + c.device() + "|" + c.instanceCount());
        for (List<CellResult> g : groups.values()) {
            CellResult min = g.stream().min(java.util.Comparator.comparingInt(CellResult::threads)).orElseThrow();
            CellResult max = g.stream().max(java.util.Comparator.comparingInt(CellResult::threads)).orElseThrow();
            if (min.threads() == max.threads()) {
                continue;
            }
            effs.add(scaling(min.score(), min.threads(), max.score(), max.threads()));
            lo = Math.min(lo, min.threads());
            hi = Math.max(hi, max.threads());
        }
        if (!effs.isEmpty()) {
            p.scale = IndexMath.geometricMean(effs);
            p.threadScaling = String.format(Locale.ROOT, "%.0f%% at %d -> %d threads (%d cell group%s)",
                    100 * p.scale, lo, hi, effs.size(), effs.size() == 1 ? "" : "s");
            return;
        }
        Set<Integer> counts = new TreeSet<>();
        all.stream().filter(c -> c.status() == Status.OK).forEach(c -> counts.add(c.threads()));
        p.threadScaling = counts.size() <= 1
                ? "not measured (" + (counts.isEmpty() ? 1 : counts.iterator().next()) + " thread"
                + (counts.isEmpty() || counts.iterator().next() == 1 ? "" : "s") + ")"
                : "not measured (one valid thread count for this engine)";
    }

    /** Scaling efficiency from {@code n1} to {@code n2} threads or workers: {@code (s2 / s1) / (n2 / n1)}. */
    public static double scaling(double s1, int n1, double s2, int n2) {
        return (s2 / s1) / ((double) n2 / n1);
    }

    /** Data-parallel scaling of an engine with a distributed path, or what stands for it. */
    private static String dataParallel(String engine, List<CellResult> cells, List<CellResult> scored,
                                       List<CellResult> valid) {
        List<CellResult> dp = cells.stream().filter(c -> c.settings() != null
                && c.settings().containsKey(ScalingReport.BASELINE_SETTING)).toList();
        if (dp.isEmpty()) {
            List<String> by = scored.stream().filter(c -> c.settings() != null
                            && engine.equals(c.settings().get(ScalingReport.BASELINE_SETTING)))
                    .map(CellResult::engine).distinct().toList();
            return by.isEmpty() ? NO_DISTRIBUTED : "distributed as " + String.join(", ", by) + " (its row)";
        }
        List<CellResult> ok = dp.stream().filter(Scorecard::valid).filter(c -> c.mode().equals("train")).toList();
        List<Double> effs = new ArrayList<>();
        int lo = Integer.MAX_VALUE;
        int hi = 0;
        for (List<CellResult> g : group(ok, c -> c.workload() + "|" + c.batch() + "|" + c.device()).values()) {
            CellResult min = g.stream().min(java.util.Comparator.comparingInt(Scorecard::workers)).orElseThrow();
            CellResult max = g.stream().max(java.util.Comparator.comparingInt(Scorecard::workers)).orElseThrow();
            if (workers(min) != workers(max)) {
                effs.add(scaling(min.score(), workers(min), max.score(), workers(max)));
                lo = Math.min(lo, workers(min));
                hi = Math.max(hi, workers(max));
            }
        }
        if (!effs.isEmpty()) {
            return String.format(Locale.ROOT, "%.0f%% at %d -> %d workers (samples/s at N over N x at %d)",
                    100 * IndexMath.geometricMean(effs), lo, hi, lo);
        }
        List<Double> perWorker = new ArrayList<>();
        Set<String> against = new TreeSet<>();
        Set<Integer> workers = new TreeSet<>();
        for (CellResult c : ok) {
            ScalingReport.baseline(valid, c).ifPresent(b -> {
                perWorker.add(ScalingReport.efficiency(c, b));
                against.add(b.engine());
                workers.add(workers(c));
            });
        }
        if (!perWorker.isEmpty()) {
            return String.format(Locale.ROOT, "%.0f%% per worker against %s on 1 thread (%s workers; one worker "
                    + "count measured)", 100 * IndexMath.geometricMean(perWorker), String.join(", ", against),
                    workers.stream().map(String::valueOf).collect(Collectors.joining(", ")));
        }
        return "distributed path; no valid cells at several worker counts";
    }

    private static int workers(CellResult c) {
        try {
            String v = c.settings() == null ? null : c.settings().get("workers");
            return v == null ? c.threads() : Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            return c.threads();
        }
    }

    /**
     * Smallest / own peak RSS per workload and mode (own: the largest over its cells there) where at least two
     * engines have one, geometric mean.
     */
    static Map<String, Double> memory(List<CellResult> valid, ScoreWeights w) {
        Map<String, Map<String, Long>> peak = new LinkedHashMap<>();
        for (CellResult c : valid) {
            if (c.memory() != null && c.memory().peakRssBytes() > 0 && !c.mode().equals("server")) {
                peak.computeIfAbsent(c.engine(), k -> new LinkedHashMap<>())
                        .merge(c.workload() + " " + c.mode(), c.memory().peakRssBytes(), Math::max);
            }
        }
        Map<String, Long> smallest = new LinkedHashMap<>();
        Map<String, Integer> engines = new LinkedHashMap<>();
        peak.values().forEach(m -> m.forEach((k, v) -> {
            smallest.merge(k, v, Math::min);
            engines.merge(k, 1, Integer::sum);
        }));
        Map<String, Double> out = new LinkedHashMap<>();
        peak.forEach((engine, m) -> {
            List<IndexMath.Term> terms = new ArrayList<>();
            m.entrySet().stream().filter(e -> engines.get(e.getKey()) >= 2).forEach(e -> terms.add(new IndexMath.Term(
                    Math.log((double) smallest.get(e.getKey()) / e.getValue()), 0,
                    w.family(Zoo.family(e.getKey().substring(0, e.getKey().indexOf(' ')))))));
            Estimate e = IndexMath.combine(terms, 0);
            if (e != null) {
                out.put(engine, e.value());
            }
        });
        return out;
    }

    /** The weighted geometric mean of the dimensions, its variance from throughput's; null without throughput. */
    static Estimate overall(Map<Dimension, Double> dims, Estimate throughput, ScoreWeights w) {
        if (throughput == null) {
            return null;
        }
        List<IndexMath.Term> terms = new ArrayList<>();
        dims.forEach((d, v) -> terms.add(new IndexMath.Term(Math.log(Math.max(v, 1e-6)),
                d == Dimension.THROUGHPUT ? throughput.logSe() * throughput.logSe() : 0, w.weight(d))));
        return IndexMath.combine(terms, w.z());
    }

    /** Per family, engine and workload-mode column: the geometric mean of the engine's relative throughput. */
    private static Map<String, Map<String, Map<String, Double>>> heat(Context ctx,
                                                                      Map<String, List<CellResult>> byEngine,
                                                                      Map<String, String> labels) {
        Map<String, Map<String, Map<String, Double>>> out = new LinkedHashMap<>();
        List<String> order = new ArrayList<>(ScoreWeights.FAMILIES);
        order.add("other");
        order.forEach(f -> out.put(f, new LinkedHashMap<>()));
        for (Map.Entry<String, List<CellResult>> e : byEngine.entrySet()) {
            List<CellResult> mine = e.getValue().stream().filter(Scorecard::valid)
                    .filter(c -> !c.mode().equals("server")).toList();
            if (mine.isEmpty()) {
                continue;
            }
            String label = labels.get(e.getKey());
            for (Map.Entry<String, List<CellResult>> col : group(mine, c -> c.workload() + " " + c.mode()).entrySet()) {
                String family = Zoo.family(col.getValue().get(0).workload());
                List<Double> r = col.getValue().stream().filter(c -> ctx.bestScore().containsKey(slot(c)))
                        .map(c -> c.score() / ctx.bestScore().get(slot(c)).score()).toList();
                if (r.isEmpty()) {
                    continue; // uncontested
                }
                out.get(family == null ? "other" : family).computeIfAbsent(label, k -> new LinkedHashMap<>())
                        .put(col.getKey(), IndexMath.geometricMean(r));
            }
        }
        out.values().removeIf(Map::isEmpty);
        return out;
    }

    /** The cell engines are set against each other on: workload, mode, batch, threads, device, instances. */
    static String slot(CellResult c) {
        return c.workload() + "|" + c.mode() + "|" + c.batch() + "|" + c.threads() + "|" + c.device() + "|"
                + c.instanceCount();
    }

    /** Time to first result in ms: engine load (when recorded) + model build + first inference; null without. */
    static Double startupMs(CellResult c) {
        if (c.startup() == null) {
            return null;
        }
        double t = (c.startup().engineLoadMs() == null ? 0 : c.startup().engineLoadMs()) + c.startup().modelBuildMs()
                + c.startup().firstInferenceMs();
        return t > 0 ? t : null;
    }

    /** Per slot where at least two engines have a cell, the infer/train cell with the highest (or lowest) value. */
    private static Map<String, CellResult> bestBy(List<CellResult> cells, Function<CellResult, Double> value,
                                                  boolean highest) {
        Map<String, CellResult> best = new LinkedHashMap<>();
        Map<String, Set<String>> engines = new LinkedHashMap<>();
        for (CellResult c : cells) {
            if (c.mode().equals("server")) {
                continue;
            }
            engines.computeIfAbsent(slot(c), k -> new LinkedHashSet<>()).add(c.engine());
            best.merge(slot(c), c, (a, b) -> {
                double va = value.apply(a);
                double vb = value.apply(b);
                return (highest ? vb > va : vb < va) ? b : a;
            });
        }
        best.keySet().removeIf(k -> engines.get(k).size() < 2);
        return best;
    }

    private static void putIf(Map<Dimension, Double> dims, Dimension d, Double v) {
        if (v != null) {
            dims.put(d, v);
        }
    }

    static <T> Map<String, List<T>> group(List<T> xs, Function<T, String> key) {
        Map<String, List<T>> out = new LinkedHashMap<>();
        for (T x : xs) {
            out.computeIfAbsent(key.apply(x), k -> new ArrayList<>()).add(x);
        }
        return out;
    }

    /** Measured cells left out of the numbers. */
    public int leftOutCount() {
        return leftOut.values().stream().mapToInt(Integer::intValue).sum();
    }
}
