package org.dlbench.core.compare;

import java.util.List;
import java.util.Locale;

/**
 * One cell's throughput in two runs, compared at the level where the variance that matters is measured.
 *
 * <p>The iterations of one JMH fork are not independent samples of a run's throughput: the spread between JVM forks,
 * and between runs made at different times on a shared machine, is larger (two default runs three days apart made 16
 * of 24 cells "significantly" different with a t-test on iterations). So the unit is never the iteration:
 * <ul>
 *   <li>{@link Level#NOISE_FLOOR}: a noise floor measured on this machine from repeated runs ({@code dlbench noise})
 *       gives the run-to-run spread of this cell's mean (its coefficient of variation over {@code n} runs, so
 *       {@code n - 1} degrees of freedom); each run's mean is one draw from it. Used when given, because it holds
 *       every source of variance between runs;</li>
 *   <li>{@link Level#FORKS}: otherwise, with at least two forks on each side, Welch's t-test on the fork means;</li>
 *   <li>{@link Level#UNTESTABLE}: otherwise (a single fork on a side, no floor) no test is possible, and the verdict
 *       is {@link Verdict#UNDECIDED}, never {@code same}.</li>
 * </ul>
 * The interval for the ratio of means is Fieller's, from the same standard errors and degrees of freedom. The
 * minimum detectable effect is the smallest relative change that would be significant at that spread
 * ({@code q * sqrt(se_b^2 + se_c^2) / baseline mean}). The verdict is {@code faster} or {@code slower} only when the
 * p-value (after the correction for many cells, see {@link Comparison}) is below alpha AND the change is beyond both
 * the threshold and the minimum detectable effect.
 *
 * @param baselineN units on the baseline side (runs for the noise floor, forks otherwise)
 * @param ratio candidate mean / baseline mean (above 1 = the candidate is faster)
 * @param ciLow lower end of the (1 - alpha) interval of the ratio; null when unbounded or not computable
 * @param ciHigh upper end; null when unbounded or not computable
 * @param pValue two-sided p-value of the cell on its own; null when untestable
 * @param adjustedP the p-value after the correction for the number of cells compared; null when untestable
 * @param df degrees of freedom; null when not computable
 * @param minDetectable minimum detectable effect, relative (0.12 = 12%); null when untestable
 * @param level what the test is made on
 * @param note why a verdict is what it is, when that is not obvious
 */
public record SampleComparison(double baselineMean, double candidateMean, int baselineN, int candidateN,
                               double ratio, Double ciLow, Double ciHigh, Double pValue, Double adjustedP, Double df,
                               Double minDetectable, Level level, Verdict verdict, String note) {

    /** What a comparison's test is made on. */
    public enum Level {
        /** The run-to-run spread of a noise floor measured on the machine. */
        NOISE_FLOOR("noise floor"),
        /** The means of each side's JMH forks. */
        FORKS("fork means"),
        /** Nothing: a side has one fork and no noise floor covers the cell. */
        UNTESTABLE("untestable");

        private final String label;

        Level(String label) {
            this.label = label;
        }

        @com.fasterxml.jackson.annotation.JsonValue
        public String label() {
            return label;
        }
    }

    /** Why a cell with one fork a side and no noise floor gets no verdict. */
    public static final String UNTESTABLE_NOTE = "one fork a side and no noise floor: the spread between forks and"
            + " runs is not measured, so no verdict (compare thorough runs, which have 3 forks, or give a noise floor"
            + " from repeated runs: dlbench noise)";

    /**
     * Compares two runs of a cell from each side's per-fork iteration throughputs ({@code forks.get(f)} holds fork
     * {@code f}'s iterations), with the noise floor's coefficient of variation of a run's mean for this cell when
     * one is given ({@code floor} may be null).
     */
    public static SampleComparison of(List<List<Double>> baselineForks, List<List<Double>> candidateForks,
                                      NoiseFloor.Cell floor, Criteria criteria) {
        if (baselineForks.isEmpty() || candidateForks.isEmpty()
                || baselineForks.stream().anyMatch(List::isEmpty) || candidateForks.stream().anyMatch(List::isEmpty)) {
            throw new IllegalArgumentException("both sides need at least one fork with at least one sample");
        }
        List<Double> fb = baselineForks.stream().map(Stats::mean).toList();
        List<Double> fc = candidateForks.stream().map(Stats::mean).toList();
        double mb = Stats.mean(fb);
        double mc = Stats.mean(fc);
        if (floor != null) {
            return ofNoiseFloor(mb, mc, floor, criteria);
        }
        if (fb.size() < 2 || fc.size() < 2) {
            return new SampleComparison(mb, mc, fb.size(), fc.size(), mc / mb, null, null, null, null, null, null,
                    Level.UNTESTABLE, Verdict.UNDECIDED, UNTESTABLE_NOTE);
        }
        double vb = Stats.variance(fb) / fb.size();
        double vc = Stats.variance(fc) / fc.size();
        Double df = vb + vc == 0 ? null
                : (vb + vc) * (vb + vc) / (vb * vb / (fb.size() - 1) + vc * vc / (fc.size() - 1));
        return test(mb, mc, fb.size(), fc.size(), vb, vc, df, Level.FORKS, criteria);
    }

    /** Each side's mean is one draw with the floor's spread: standard error cv x mean, {@code runs - 1} df. */
    static SampleComparison ofNoiseFloor(double mb, double mc, NoiseFloor.Cell floor, Criteria criteria) {
        double vb = Math.pow(floor.cv() * mb, 2);
        double vc = Math.pow(floor.cv() * mc, 2);
        return test(mb, mc, 1, 1, vb, vc, (double) (floor.runs() - 1), Level.NOISE_FLOOR, criteria);
    }

    private static SampleComparison test(double mb, double mc, int nb, int nc, double vb, double vc, Double df,
                                         Level level, Criteria criteria) {
        double ratio = mc / mb;
        if (vb + vc == 0 || df == null) {
            // no spread on either side (only seen with synthetic data): the difference is exact
            double p = mb != mc ? 0.0 : 1.0;
            return decide(new SampleComparison(mb, mc, nb, nc, ratio, ratio, ratio, p, p, null, 0.0, level,
                    Verdict.SAME, null), criteria);
        }
        double t = (mc - mb) / Math.sqrt(vb + vc);
        double p = Stats.twoSidedP(t, df);
        double q = Stats.tQuantile(1 - criteria.alpha() / 2, df);
        double mde = q * Math.sqrt(vb + vc) / mb;
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
        return decide(new SampleComparison(mb, mc, nb, nc, ratio, lo, hi, p, p, df, mde, level, Verdict.SAME, null),
                criteria);
    }

    /** The same test with its p-value corrected for the number of cells compared, decided again. */
    public SampleComparison withAdjustedP(double adjusted, Criteria criteria) {
        if (pValue == null) {
            return this;
        }
        return decide(new SampleComparison(baselineMean, candidateMean, baselineN, candidateN, ratio, ciLow, ciHigh,
                pValue, adjusted, df, minDetectable, level, Verdict.SAME, null), criteria);
    }

    /**
     * The tests with the p-values of those that have one corrected together for their number
     * ({@link Criteria#correction()}) and decided again, in the order given; untested ones as they are.
     */
    public static List<SampleComparison> corrected(List<SampleComparison> tests, Criteria criteria) {
        List<Integer> tested = new java.util.ArrayList<>();
        for (int i = 0; i < tests.size(); i++) {
            if (tests.get(i).pValue() != null) {
                tested.add(i);
            }
        }
        double[] q = criteria.correction().adjust(tested.stream().mapToDouble(i -> tests.get(i).pValue()).toArray());
        List<SampleComparison> out = new java.util.ArrayList<>(tests);
        for (int k = 0; k < q.length; k++) {
            out.set(tested.get(k), tests.get(tested.get(k)).withAdjustedP(q[k], criteria));
        }
        return out;
    }

    /** The same comparison with a verdict and note set from outside (machine drift, see {@link Comparison}). */
    SampleComparison overruled(Verdict v, String why) {
        return new SampleComparison(baselineMean, candidateMean, baselineN, candidateN, ratio, ciLow, ciHigh, pValue,
                adjustedP, df, minDetectable, level, v, note == null ? why : note + "; " + why);
    }

    private static SampleComparison decide(SampleComparison s, Criteria criteria) {
        double p = s.adjustedP;
        double change = Math.abs(s.ratio - 1);
        boolean significant = p < criteria.alpha();
        double smallest = Math.max(criteria.threshold(), s.minDetectable == null ? 0 : s.minDetectable);
        boolean beyond = change > smallest;
        Verdict v = Verdict.SAME;
        String note = null;
        if (significant && beyond) {
            v = s.ratio > 1 ? Verdict.FASTER : Verdict.SLOWER;
        } else if (significant) {
            note = "significant but within " + (s.minDetectable != null && s.minDetectable > criteria.threshold()
                    ? String.format(Locale.ROOT, "the minimum detectable effect %.1f%%", 100 * s.minDetectable)
                    : criteria.thresholdText());
        } else if (change > criteria.threshold()) {
            note = String.format(Locale.ROOT, "not significant (p = %.2g%s): too noisy to tell", p,
                    s.pValue != null && !s.pValue.equals(s.adjustedP)
                            ? String.format(Locale.ROOT, " after correction, %.2g alone", s.pValue) : "");
        }
        if (s.ciLow == null && s.df != null) {
            note = (note == null ? "" : note + "; ") + "baseline too noisy for a bounded interval";
        }
        return new SampleComparison(s.baselineMean, s.candidateMean, s.baselineN, s.candidateN, s.ratio, s.ciLow,
                s.ciHigh, s.pValue, s.adjustedP, s.df, s.minDetectable, s.level, v, note);
    }

    /** Relative change in per cent, e.g. +6.7 for a ratio of 1.067. */
    public double changePercent() {
        return 100 * (ratio - 1);
    }
}
