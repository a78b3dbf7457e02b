package org.dlbench.core.scorecard;

/**
 * An index with its confidence interval, carried on the log scale: {@code value = exp(logMean)}, the interval
 * {@code exp(logMean -+ z * logSe)}.
 *
 * @param logMean the (weighted) mean of the logs of the terms
 * @param logSe the standard error of {@code logMean} (0 when no term carries an error)
 * @param z the normal quantile of the confidence level the interval is drawn at
 * @param terms how many cells (or workloads) the mean is over
 */
public record Estimate(double logMean, double logSe, double z, int terms) {
    /** An exact number (no error), e.g. a share. */
    public static Estimate exact(double value) {
        return new Estimate(Math.log(value), 0, 0, 1);
    }

    public double value() {
        return Math.exp(logMean);
    }

    public double low() {
        return Math.exp(logMean - z * logSe);
    }

    public double high() {
        return Math.exp(logMean + z * logSe);
    }

    /** Whether the two intervals share a point (touching counts): the tie rule. */
    public boolean overlaps(Estimate other) {
        return low() <= other.high() && other.low() <= high();
    }

    /** "0.82 (0.74-0.91)", or just "0.82" without an interval. */
    public String describe() {
        return logSe == 0 || z == 0 ? IndexMath.fmt(value())
                : IndexMath.fmt(value()) + " (" + IndexMath.fmt(low()) + "-" + IndexMath.fmt(high()) + ")";
    }
}
