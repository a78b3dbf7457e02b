package org.dlbench.core.scorecard;

import java.util.List;
import java.util.Locale;
import org.dlbench.core.compare.Stats;
import org.dlbench.core.result.CellResult;

/**
 * The arithmetic of the scorecard's indices, kept apart so tests can check it on hand-computed numbers.
 *
 * <p><b>Relative to the best.</b> On each cell {@code c} (workload, mode, batch, threads, device, instances) the
 * ratio of an engine is {@code r = score / best score}, 1.0 for the fastest engine on the cell.
 *
 * <p><b>Geometric mean.</b> An index is {@code exp(sum w_c log r_c / sum w_c)} over the cells the engine ran: the
 * weighted mean of the logs, with each cell weighted by its workload family's weight (all 1: the plain geometric
 * mean).
 *
 * <p><b>Interval (delta method on the log scale).</b> A cell's score error is JMH's 99.9% half-width; divided by
 * Student's {@code t(0.9995, n - 1)} for its {@code n} measured iterations (the normal 3.29 when {@code n < 2}) it is
 * a standard error {@code se}. To first order {@code var(log r) = (se_e / score_e)^2 + (se_best / score_best)^2};
 * on the cells where the engine is itself the best {@code r} is 1 by definition and the variance 0. Cells are
 * independent measurements, so the mean of logs has {@code var = sum w_c^2 var_c / (sum w_c)^2}, and the interval
 * is {@code exp(mean -+ z sqrt(var))} with {@code z} the normal quantile of the confidence level. The overall index
 * combines dimensions the same way: a weighted mean of logs whose variance comes from the throughput dimension
 * alone (the other dimensions are taken as exact).
 */
public final class IndexMath {
    /** The 99.9% two-sided normal quantile, for a half-width without the iteration count. */
    static final double Z_999 = 3.2905267314919255;

    private IndexMath() {
    }

    /** One term of a mean of logs: its log value, the variance of that log and its weight. */
    public record Term(double log, double variance, double weight) {
    }

    /** The plain geometric mean of positive numbers. */
    public static double geometricMean(List<Double> xs) {
        if (xs.isEmpty()) {
            throw new IllegalArgumentException("no values");
        }
        double sum = 0;
        for (double x : xs) {
            sum += Math.log(x);
        }
        return Math.exp(sum / xs.size());
    }

    /** The term of one cell whose ratio is {@code score / best}, with the delta-method variance of its log. */
    public static Term ratio(double score, double se, double best, double bestSe, boolean isBest, double weight) {
        double var = isBest ? 0 : square(se / score) + square(bestSe / best);
        return new Term(Math.log(score / best), var, weight);
    }

    /** The weighted mean of the logs with its standard error; null without terms of positive weight. */
    public static Estimate combine(List<Term> terms, double z) {
        double w = 0;
        double sum = 0;
        double var = 0;
        int n = 0;
        for (Term t : terms) {
            if (t.weight() <= 0) {
                continue;
            }
            w += t.weight();
            sum += t.weight() * t.log();
            var += square(t.weight()) * t.variance();
            n++;
        }
        if (n == 0) {
            return null;
        }
        return new Estimate(sum / w, Math.sqrt(var) / w, z, n);
    }

    /**
     * The standard error of a cell's score: its 99.9% half-width over Student's t for its iterations; 0 when it
     * recorded no error.
     */
    public static double standardError(CellResult c) {
        if (c.scoreError() == null || !Double.isFinite(c.scoreError())) {
            return 0;
        }
        int n = c.samples() == null ? 0 : c.samples().size();
        double q = n >= 2 ? Stats.tQuantile(0.9995, n - 1) : Z_999;
        return c.scoreError() / q;
    }

    /**
     * The standard normal quantile (Acklam's rational approximation, relative error below 1.2e-9), for the
     * confidence level of the intervals.
     */
    public static double normalQuantile(double p) {
        if (!(p > 0 && p < 1)) {
            throw new IllegalArgumentException("normalQuantile needs 0 < p < 1, got " + p);
        }
        double[] a = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02,
            -3.066479806614716e+01, 2.506628277459239e+00};
        double[] b = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01,
            -1.328068155288572e+01};
        double[] c = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00,
            4.374664141464968e+00, 2.938163982698783e+00};
        double[] d = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00};
        double low = 0.02425;
        if (p < low) {
            double q = Math.sqrt(-2 * Math.log(p));
            return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
                    / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
        }
        if (p > 1 - low) {
            return -normalQuantile(1 - p);
        }
        double q = p - 0.5;
        double r = q * q;
        return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
                / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
    }

    /** The middle value (mean of the two middle values for an even count). */
    public static double median(List<Double> xs) {
        double[] v = xs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int mid = v.length / 2;
        return v.length % 2 == 1 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
    }

    /** Two decimals: how indices are shown. */
    static String fmt(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    private static double square(double x) {
        return x * x;
    }
}
