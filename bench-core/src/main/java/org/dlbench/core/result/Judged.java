package org.dlbench.core.result;

import java.util.stream.Collectors;

/**
 * The verdict every report, chart, comparison and history page shows for a cell, and whether its number may be
 * shown (or compared) as clean. It is the recorded verdict, except that a measured cell which failed a
 * correctness check, or ran none, is {@link Verdicts#INVALID} whatever was recorded, and a measured cell recorded
 * without any verdict (a run from before verdicts existed) has none: {@code verdict} is null, it is shown as
 * {@value #NONE_LABEL} and never treated as valid.
 *
 * @param verdict {@code valid}, {@code noisy}, {@code inconsistent}, {@code invalid} (or any later verdict), null
 *     for a measured cell recorded without one
 * @param reason why it is not valid; null for valid cells
 */
public record Judged(String verdict, String reason) {
    /** How a missing verdict is shown. */
    public static final String NONE_LABEL = "no verdict";
    static final String NONE_REASON = "recorded without a verdict (older run); not treated as valid";

    /** The verdict of a measured ({@code ok}) cell; cells that did not measure have none to show (null). */
    public static Judged of(CellResult r) {
        if (r.status() != Status.OK) {
            return null;
        }
        if (r.checks() == null || r.checks().isEmpty()) {
            return new Judged(Verdicts.INVALID, "no correctness check ran");
        }
        if (!r.checksPassed()) {
            return new Judged(Verdicts.INVALID, "correctness check failed: " + r.checks().stream()
                    .filter(c -> !c.passed()).map(Check::name).collect(Collectors.joining(", ")));
        }
        if (r.verdict() == null) {
            return new Judged(null, NONE_REASON);
        }
        return new Judged(r.verdict(), Verdicts.isValid(r.verdict()) ? null
                : r.verdictReason() == null ? "no reason recorded" : r.verdictReason());
    }

    /** A measured cell whose number is valid: the only kind shown, charted or compared as clean. */
    public static boolean clean(CellResult r) {
        Judged j = of(r);
        return j != null && j.valid() && r.score() != null;
    }

    /**
     * A measured cell whose number must not be drawn as if measured: {@code invalid} (a check failed or none ran,
     * or the measurement was too short). Noisy, inconsistent and unjudged cells are drawn, but marked.
     */
    public static boolean invalid(CellResult r) {
        Judged j = of(r);
        return j != null && j.isInvalid();
    }

    public boolean valid() {
        return Verdicts.isValid(verdict);
    }

    public boolean isInvalid() {
        return Verdicts.INVALID.equals(verdict);
    }

    /** The verdict as shown: the verdict itself, or {@value #NONE_LABEL}. */
    public String label() {
        return verdict == null ? NONE_LABEL : verdict;
    }

    /** "noisy: error +-12.0% above 10%", or just "valid". */
    public String describe() {
        return reason == null ? label() : label() + ": " + reason;
    }
}
