package org.dlbench.core.run;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.dlbench.core.bench.BareLoop;
import org.dlbench.core.bench.ForkReport;
import org.dlbench.core.compare.Stats;
import org.dlbench.core.result.CellResult;
import org.dlbench.core.result.Check;

/**
 * Joins what the benchmark processes reported ({@link ForkReport}) with JMH's score and the latency phase into the
 * cell's cross-check, execution record and checks. Pure arithmetic, so it is tested on fixed numbers.
 */
public final class CrossChecks {
    /** Measures of one cell may differ by this much, plus twice their combined standard error, and still agree. */
    public static final double BASE_TOLERANCE = 0.10;
    /** Confidence of the bare loop's half-width, the same as JMH's. */
    static final double CONFIDENCE = 0.999;

    private CrossChecks() {
    }

    /**
     * The cell's three measures side by side; {@code latency} is the latency phase's summary (null for training).
     * Returns null when no benchmark process reported a bare loop.
     *
     * <p>With K instances ({@link ForkReport#instances}) all three are aggregates over the K sessions called at once:
     * JMH's score sums its K threads, every bare-loop chunk sums the instances' rates (and the loop's calls and
     * seconds are of all instances), and the latency phase's figure is K x batch / mean latency, its mean taken over
     * every call of every instance. The tolerance is the same rule on the same relative scale: 10% plus twice the
     * combined relative standard error of the JMH and bare-loop means, each from the spread of its aggregate
     * (iterations and chunks), so K enters only through those spreads.
     */
    public static CellResult.CrossCheck of(double jmh, double jmhError, int jmhIterations, List<ForkReport> forks,
                                           int samplesPerStep, CellResult.Latency latency, int batch) {
        List<Double> chunks = new ArrayList<>();
        List<Double> before = new ArrayList<>();
        List<Double> after = new ArrayList<>();
        long calls = 0;
        double seconds = 0;
        for (ForkReport f : forks) {
            for (BareLoop loop : new BareLoop[] {f.bareLoopBefore(), f.bareLoopAfter()}) {
                if (loop == null || loop.calls() == 0) {
                    continue;
                }
                calls += loop.calls();
                seconds += loop.seconds();
                loop.chunkRates().forEach(r -> chunks.add(r * samplesPerStep));
                (loop == f.bareLoopBefore() ? before : after).add(loop.rate() * samplesPerStep);
            }
        }
        if (calls == 0) {
            return null;
        }
        double bare = calls * (double) samplesPerStep / seconds;
        Double bareError = halfWidth(chunks);
        // K instances each completing a batch every mean latency: K x batch / mean latency in all
        int instances = forks.stream().mapToInt(ForkReport::instanceCount).max().orElse(1);
        Double latencyRate = latency == null || !(latency.meanMs() > 0) ? null
                : instances * batch * 1000.0 / latency.meanMs();
        double tolerance = tolerance(jmh, jmhError, jmhIterations, bare, bareError,
                chunks.size());
        return new CellResult.CrossCheck(bare, bareError, before, after, latencyRate, jmh / bare,
                latencyRate == null ? null : jmh / latencyRate, tolerance);
    }

    /**
     * The relative disagreement two measures may show and still agree: {@link #BASE_TOLERANCE} plus twice the
     * combined relative standard error of JMH's mean and the bare loop's mean (each recovered from its 99.9%
     * half-width through Student's t with its own degrees of freedom), so about a 95% band on their difference.
     */
    static double tolerance(double jmh, double jmhError, int jmhIterations, double bare, Double bareError,
                            int bareChunks) {
        double seJmh = standardError(relative(jmhError, jmh), jmhIterations);
        double seBare = standardError(relative(bareError, bare), bareChunks);
        return BASE_TOLERANCE + 2 * Math.sqrt(seJmh * seJmh + seBare * seBare);
    }

    private static double standardError(double relativeHalfWidth, int n) {
        if (relativeHalfWidth <= 0 || n < 2) {
            return 0;
        }
        return relativeHalfWidth / Stats.tQuantile(1 - (1 - CONFIDENCE) / 2, n - 1);
    }

    /** 99.9% half-width of the mean of the values (Student's t), null with fewer than two values. */
    static Double halfWidth(List<Double> xs) {
        if (xs.size() < 2) {
            return null;
        }
        double sd = Math.sqrt(Stats.variance(xs));
        return Stats.tQuantile(1 - (1 - CONFIDENCE) / 2, xs.size() - 1) * sd / Math.sqrt(xs.size());
    }

    private static double relative(Double error, double value) {
        return error == null || !Double.isFinite(error) || value <= 0 ? 0 : error / value;
    }

    /**
     * The latency phase of the benchmark process whose mean latency is the median of all processes' (the only one
     * with a single process); null when none ran one.
     */
    public static CellResult.Latency latency(List<ForkReport> forks) {
        List<CellResult.Latency> all = forks.stream().map(ForkReport::latency).filter(Objects::nonNull)
                .sorted(java.util.Comparator.comparingDouble(CellResult.Latency::meanMs)).toList();
        return all.isEmpty() ? null : all.get((all.size() - 1) / 2);
    }

    /** Parallelism, page faults and warm-up of the benchmark processes. */
    public static CellResult.Execution execution(List<ForkReport> forks) {
        if (forks.isEmpty()) {
            return null;
        }
        List<Double> measured = new ArrayList<>();
        List<Double> bare = new ArrayList<>();
        List<Double> faults = new ArrayList<>();
        double warmup = 0;
        boolean steady = true;
        for (ForkReport f : forks) {
            if (f.measuredParallelism() != null) {
                measured.add(f.measuredParallelism());
            }
            for (BareLoop loop : new BareLoop[] {f.bareLoopBefore(), f.bareLoopAfter()}) {
                if (loop != null && Double.isFinite(loop.parallelism())) {
                    bare.add(loop.parallelism());
                }
                if (loop != null && Double.isFinite(loop.minorFaultsPerCall())) {
                    faults.add(loop.minorFaultsPerCall());
                }
            }
            if (f.warmup() != null) {
                warmup = Math.max(warmup, f.warmup().seconds());
                steady &= f.warmup().steady() || f.warmup().windowRates().isEmpty();
            }
        }
        return new CellResult.Execution(mean(measured), mean(bare), mean(faults), warmup, steady, forks.size());
    }

    private static Double mean(List<Double> xs) {
        return xs.isEmpty() ? null : Stats.mean(xs);
    }

    /**
     * One check per name over all benchmark processes: passed only if it passed in every one; the detail is the
     * first failure's (with its process number) or the first process's.
     */
    public static List<Check> checks(List<ForkReport> forks) {
        Map<String, Check> merged = new LinkedHashMap<>();
        for (int i = 0; i < forks.size(); i++) {
            List<Check> cs = Objects.requireNonNullElse(forks.get(i).checks(), List.of());
            for (Check c : cs) {
                String where = forks.size() > 1 ? " (benchmark process " + (i + 1) + " of " + forks.size() + ")" : "";
                Check seen = merged.get(c.name());
                if (seen == null) {
                    merged.put(c.name(), new Check(c.name(), c.passed(), c.detail() + where));
                } else if (seen.passed() && !c.passed()) {
                    merged.put(c.name(), new Check(c.name(), false, c.detail() + where));
                }
            }
        }
        return new ArrayList<>(merged.values());
    }
}
