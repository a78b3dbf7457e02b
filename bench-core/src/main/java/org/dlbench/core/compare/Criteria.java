package org.dlbench.core.compare;

/**
 * How a comparison decides.
 *
 * @param threshold the smallest relative change that counts, e.g. 0.05: faster means ratio &gt; 1 + threshold,
 *     slower means ratio &lt; 1 - threshold
 * @param alpha significance level of the two-sided test; the confidence interval shown is 1 - alpha
 * @param allowHostMismatch compare runs from different machines anyway (their rows are flagged)
 * @param correction how the p-values of all cells compared are corrected for their number
 */
public record Criteria(double threshold, double alpha, boolean allowHostMismatch, Correction correction) {
    public static final double DEFAULT_THRESHOLD = 0.05;
    public static final double DEFAULT_ALPHA = 0.05;
    public static final Criteria DEFAULT = new Criteria(DEFAULT_THRESHOLD, DEFAULT_ALPHA, false, Correction.BH);

    /** With the default correction for many cells (Benjamini-Hochberg). */
    public Criteria(double threshold, double alpha, boolean allowHostMismatch) {
        this(threshold, alpha, allowHostMismatch, Correction.BH);
    }

    public Criteria {
        if (correction == null) {
            throw new IllegalArgumentException("a correction for many cells is required (bh, holm or none)");
        }
        if (!(threshold >= 0 && threshold < 1)) {
            throw new IllegalArgumentException("threshold must be at least 0% and below 100%, got "
                    + formatPercent(threshold));
        }
        if (!(alpha > 0 && alpha < 1)) {
            throw new IllegalArgumentException("alpha must be between 0 and 1 (exclusive), got " + alpha);
        }
    }

    /**
     * Parses a threshold as the user writes it: {@code 5%} or {@code 5} (both five per cent), {@code 2.5%}.
     * A bare number is a percentage too, so {@code 0.05} means 0.05%, never 5%.
     */
    public static double parseThreshold(String text) {
        String t = text.trim();
        if (t.endsWith("%")) {
            t = t.substring(0, t.length() - 1).trim();
        }
        double pct;
        try {
            pct = Double.parseDouble(t);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("threshold must be a percentage such as 5% or 2.5%, got '" + text + "'");
        }
        if (!(pct >= 0 && pct < 100)) {
            throw new IllegalArgumentException("threshold must be at least 0% and below 100%, got '" + text + "'");
        }
        return pct / 100;
    }

    public int confidencePercent() {
        return (int) Math.round(100 * (1 - alpha));
    }

    static String formatPercent(double fraction) {
        String s = String.format(java.util.Locale.ROOT, "%.2f", 100 * fraction);
        s = s.replaceAll("0+$", "").replaceAll("\\.$", "");
        return s + "%";
    }

    public String thresholdText() {
        return formatPercent(threshold);
    }
}
