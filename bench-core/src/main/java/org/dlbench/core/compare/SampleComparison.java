package org.dlbench.core.compare;

import java.util.List;
import java.util.Locale;

/**
 * Two sets of per-iteration throughputs (samples/s) of one cell, compared.
 *
 * <p>The test is Welch's two-sample t-test (no equal-variance assumption) on the raw iteration throughputs. The
 * interval for the ratio of means is Fieller's, built from the same standard errors and the same Welch degrees of
 * freedom, so it excludes 1 exactly when the test is significant. The verdict is {@code faster} or {@code slower}
 * only when the difference is significant at {@code alpha} AND the ratio lies beyond the threshold; everything
 * else is {@code same}.
 *
 * @param ratio candidate mean / baseline mean (above 1 = the candidate is faster)
 * @param ciLow lower end of the (1 - alpha) interval of the ratio; null when the interval is unbounded
 * @param ciHigh upper end; null when unbounded or not computable
 * @param pValue two-sided p-value; null when there are too few samples to test
 * @param df Welch-Satterthwaite degrees of freedom; null when not computable
 * @param note why a verdict is what it is, when that is not obvious (too few samples, not significant, ...)
 */
public record SampleComparison(double baselineMean, double candidateMean, int baselineN, int candidateN,
                               double ratio, Double ciLow, Double ciHigh, Double pValue, Double df,
                               Verdict verdict, String note) {

    public static SampleComparison of(List<Double> baseline, List<Double> candidate, Criteria criteria) {
        if (baseline.isEmpty() || candidate.isEmpty()) {
            throw new IllegalArgumentException("both sides need at least one sample");
        }
        int nb = baseline.size();
        int nc = candidate.size();
        double mb = Stats.mean(baseline);
        double mc = Stats.mean(candidate);
        double ratio = mc / mb;
        if (nb < 2 || nc < 2) {
            return new SampleComparison(mb, mc, nb, nc, ratio, null, null, null, null, Verdict.SAME,
                    "too few samples to test (" + nb + " vs " + nc + " iterations; use a profile with more)");
        }
        double vb = Stats.variance(baseline) / nb;
        double vc = Stats.variance(candidate) / nc;
        if (vb + vc == 0) {
            // identical iterations on both sides (only seen with synthetic data): the difference is exact
            boolean differs = mb != mc;
            return decide(mb, mc, nb, nc, ratio, ratio, ratio, differs ? 0.0 : 1.0, null, criteria);
        }
        double t = (mc - mb) / Math.sqrt(vb + vc);
        double df = (vb + vc) * (vb + vc) / (vb * vb / (nb - 1) + vc * vc / (nc - 1));
        double p = Stats.twoSidedP(t, df);
        double q = Stats.tQuantile(1 - criteria.alpha() / 2, df);
        // Fieller: the ratios r with (mc - r mb)^2 <= q^2 (vc + r^2 vb), a quadratic a r^2 + b r + c <= 0
        double a = mb * mb - q * q * vb;
        double b = -2 * mc * mb;
        double c = mc * mc - q * q * vc;
        Double lo = null;
        Double hi = null;
        if (a > 0) {
            double disc = Math.max(0, b * b - 4 * a * c);
            lo = (-b - Math.sqrt(disc)) / (2 * a);
            hi = (-b + Math.sqrt(disc)) / (2 * a);
        }
        return decide(mb, mc, nb, nc, ratio, lo, hi, p, df, criteria);
    }

    private static SampleComparison decide(double mb, double mc, int nb, int nc, double ratio, Double lo, Double hi,
                                           double p, Double df, Criteria criteria) {
        boolean significant = p < criteria.alpha();
        boolean beyond = ratio > 1 + criteria.threshold() || ratio < 1 - criteria.threshold();
        Verdict v = Verdict.SAME;
        String note = null;
        if (significant && beyond) {
            v = ratio > 1 ? Verdict.FASTER : Verdict.SLOWER;
        } else if (significant) {
            note = "significant but within " + criteria.thresholdText();
        } else if (beyond) {
            note = String.format(Locale.ROOT, "not significant (p = %.2g): too noisy to tell", p);
        }
        if (lo == null && df != null) {
            note = (note == null ? "" : note + "; ") + "baseline too noisy for a bounded interval";
        }
        return new SampleComparison(mb, mc, nb, nc, ratio, lo, hi, p, df, v, note);
    }

    /** Relative change in per cent, e.g. +6.7 for a ratio of 1.067. */
    public double changePercent() {
        return 100 * (ratio - 1);
    }
}
