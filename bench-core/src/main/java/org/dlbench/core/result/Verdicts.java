package org.dlbench.core.result;

import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Whether a number can be trusted. {@code invalid}: a correctness check failed, the measurement ran shorter
 * than {@link #MIN_MEASURED_SECONDS}, or a server-scenario search found no rate whose full-length confirming run met
 * the p99 bound. {@code noisy}: fewer than {@link #MIN_ITERATIONS} iterations, a confidence
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
}
