package org.dlbench.core.result;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Whether a number can be trusted. {@code invalid}: a correctness check failed or none was made, the measurement
 * ran shorter than {@link #MIN_MEASURED_SECONDS}, or a server-scenario search found no rate whose full-length
 * confirming run met the p99 bound. {@code inconsistent}: the cell's independent measures disagree (JMH's score, the
 * bare loop and the latency phase beyond their tolerance, the bare loop before and after JMH's iterations), or the
 * process kept more than {@link #MAX_EXTRA_CORES} cores busy beyond its threads (threads x instances); the reason
 * gives the ratios.
 * {@code noisy}: no steady state within the warm-up cap, fewer than {@link #MIN_ITERATIONS} iterations, a confidence
 * half-width above {@link #NOISY_RELATIVE_ERROR} of the score, or fewer than {@link #MIN_LATENCY_SAMPLES} timed
 * calls behind the latency percentiles. Otherwise {@code valid}.
 */
public final class Verdicts {
    public static final String VALID = "valid";
    public static final String NOISY = "noisy";
    public static final String INVALID = "invalid";
    /**
     * Independent measures of the same cell (JMH's score, a bare timed loop on the timed session, the latency
     * phase) disagree beyond their tolerance: the number cannot be trusted whichever of them is right.
     */
    public static final String INCONSISTENT = "inconsistent";

    /** True only for {@link #VALID}: every other verdict (or none) must never be shown or compared as clean. */
    public static boolean isValid(String verdict) {
        return VALID.equals(verdict);
    }

    /** 10%: a difference smaller than this between two runs of the quick profile is within its noise anyway. */
    public static final double NOISY_RELATIVE_ERROR = 0.10;
    public static final int MIN_ITERATIONS = 3;
    public static final double MIN_MEASURED_SECONDS = 3.0;
    /** The busy cores a cell may use beyond its thread count (JIT, GC and the JVM's own threads). */
    public static final double MAX_EXTRA_CORES = 0.5;
    /** Below this a p99 rests on a handful of calls. */
    public static final long MIN_LATENCY_SAMPLES = 200;

    private Verdicts() {
    }

    /** The verdict and its reason; only ok results get one. */
    public static CellResult judge(CellResult r, Profile profile) {
        if (r.status() != Status.OK) {
            return r;
        }
        String[] v = verdict(r, profile);
        return r.toBuilder().verdict(v[0], v[1]).build();
    }

    static String[] verdict(CellResult r, Profile profile) {
        if (r.checks() == null || r.checks().isEmpty()) {
            return new String[] {INVALID, "no correctness check was made"};
        }
        if (!r.checksPassed()) {
            return new String[] {INVALID, "correctness check failed: " + r.checks().stream().filter(c -> !c.passed())
                    .map(Check::name).collect(Collectors.joining(", "))};
        }
        boolean server = "server".equals(r.mode());
        if (server && r.server() != null && r.server().searched() && !r.server().boundMet()) {
            return new String[] {INVALID, r.server().reason() != null ? r.server().reason()
                    : "no rate met the p99 bound in a confirming run"};
        }
        double measured = server && r.latency() != null ? r.latency().seconds()
                : r.samples().size() * profile.measurementSeconds();
        if (measured < MIN_MEASURED_SECONDS) {
            return new String[] {INVALID, String.format(Locale.ROOT, "measured %.1f s, minimum %.0f s", measured,
                    MIN_MEASURED_SECONDS)};
        }
        if (!server) {
            List<String> inconsistent = inconsistencies(r);
            if (!inconsistent.isEmpty()) {
                return new String[] {INCONSISTENT, String.join("; ", inconsistent)};
            }
            if (r.execution() != null && Boolean.FALSE.equals(r.execution().steadyState())) {
                return new String[] {NOISY, String.format(Locale.ROOT,
                        "no steady state: throughput still changing after %.0f s of warm-up",
                        r.execution().warmupSeconds())};
            }
            if (r.samples().size() < MIN_ITERATIONS) {
                return new String[] {NOISY, r.samples().size() + " iterations, minimum " + MIN_ITERATIONS};
            }
            double rel = r.scoreError() == null ? Double.NaN : r.scoreError() / r.score();
            if (!(rel <= NOISY_RELATIVE_ERROR)) {
                return new String[] {NOISY, String.format(Locale.ROOT, "error +-%.1f%% above %.0f%%", 100 * rel,
                        100 * NOISY_RELATIVE_ERROR)};
            }
        }
        if (r.latency() != null && r.latency().count() < MIN_LATENCY_SAMPLES) {
            return new String[] {NOISY, r.latency().count() + " latency samples, minimum " + MIN_LATENCY_SAMPLES};
        }
        return new String[] {VALID, null};
    }

    /**
     * Where the cell's independent measures disagree: JMH's score against the bare loop and the latency phase, the
     * bare loop before JMH against the one after it, and the cores the process kept busy against the threads asked
     * for. Empty when they agree.
     */
    static List<String> inconsistencies(CellResult r) {
        List<String> found = new ArrayList<>();
        CellResult.CrossCheck x = r.crossCheck();
        if (x == null || x.bareLoop() == null) {
            found.add("no bare-loop measure from the benchmark process to cross-check JMH's score");
            return found;
        }
        double tol = x.tolerance() == null ? 0.10 : x.tolerance();
        if (beyond(x.jmhOverBareLoop(), tol)) {
            found.add(String.format(Locale.ROOT, "JMH / bare loop = %.2f (JMH %,.0f, bare loop %,.0f samples/s)",
                    x.jmhOverBareLoop(), r.score(), x.bareLoop()));
        }
        if (beyond(x.jmhOverLatencyPhase(), tol)) {
            found.add(String.format(Locale.ROOT, "JMH / latency phase = %.2f (latency phase %,.0f samples/s)",
                    x.jmhOverLatencyPhase(), x.latencyPhase()));
        }
        if (x.bareLoopBefore() != null && x.bareLoopAfter() != null && !x.bareLoopBefore().isEmpty()
                && !x.bareLoopAfter().isEmpty()) {
            double drift = mean(x.bareLoopAfter()) / mean(x.bareLoopBefore());
            if (beyond(drift, tol)) {
                found.add(String.format(Locale.ROOT, "bare loop after / before JMH = %.2f (not steady)", drift));
            }
        }
        found.addAll(threadProblems(r));
        return found;
    }

    /**
     * Threads: the process kept more cores busy than it was given, or its recorded thread settings are suspect
     * ({@link ThreadFlags}: a read-back pool size other than requested, two spinning pools at N).
     */
    static List<String> threadProblems(CellResult r) {
        List<String> found = new ArrayList<>();
        if (r.settings() != null && !r.settings().isEmpty()) {
            ThreadFlags.problems(r.settings(), r.threads()).forEach(p -> found.add("threads: " + p));
        }
        CellResult.Execution e = r.execution();
        // K instances at T threads each may keep K x T cores busy (each session's own pool, or K calling threads
        // sharing the process's pool)
        int budget = r.threads() * r.instanceCount();
        if (e != null && e.effectiveParallelism() != null
                && e.effectiveParallelism() > budget + MAX_EXTRA_CORES) {
            found.add(String.format(Locale.ROOT, "effective parallelism %.2f cores with %d thread(s) requested%s",
                    e.effectiveParallelism(), r.threads(), r.instanceCount() == 1 ? ""
                            : " per instance x " + r.instanceCount() + " instances"));
        }
        return found;
    }

    private static boolean beyond(Double ratio, double tolerance) {
        return ratio != null && Double.isFinite(ratio) && Math.abs(ratio - 1) > tolerance;
    }

    private static double mean(List<Double> xs) {
        return xs.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }
}
