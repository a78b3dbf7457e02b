package org.dlbench.core.compare;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Fixed samples with known verdicts; reference p-values and intervals computed independently. */
class SampleComparisonTest {
    static final Criteria DEFAULT = Criteria.DEFAULT;

    /** Each value is one fork's mean (a fork of one iteration). */
    static SampleComparison cmp(List<Double> base, List<Double> cand) {
        return cmp(base, cand, DEFAULT);
    }

    static SampleComparison cmp(List<Double> base, List<Double> cand, Criteria criteria) {
        return SampleComparison.of(forks(base), forks(cand), null, criteria);
    }

    static List<List<Double>> forks(List<Double> means) {
        return means.stream().map(List::of).toList();
    }

    @Test
    void welchAndFiellerMatchReferenceValues() {
        SampleComparison c = cmp(List.of(10.0, 12.0, 14.0), List.of(15.0, 17.0, 19.0, 21.0));
        assertEquals(1.5, c.ratio(), 1e-12);
        assertEquals(0.018201779914779517, c.pValue(), 1e-9);
        assertEquals(4.959183673469387, c.df(), 1e-9);
        assertEquals(1.1094333761483552, c.ciLow(), 1e-8);
        assertEquals(2.0871163974009157, c.ciHigh(), 1e-8);
        assertEquals(Verdict.FASTER, c.verdict());
        assertEquals(3, c.baselineN());
        assertEquals(4, c.candidateN());
    }

    @Test
    void tenPercentFaster() {
        SampleComparison c = cmp(List.of(100.0, 101.0, 99.0, 100.0, 100.0), List.of(110.0, 111.0, 109.0, 110.0, 110.0));
        assertEquals(Verdict.FASTER, c.verdict());
        assertEquals(1.69e-8, c.pValue(), 1e-9);
        assertEquals(10.0, c.changePercent(), 1e-9);
        assertNull(c.note());
    }

    @Test
    void tenPercentSlower() {
        SampleComparison c = cmp(List.of(100.0, 101.0, 99.0, 100.0, 100.0), List.of(90.0, 91.0, 89.0, 90.0, 90.0));
        assertEquals(Verdict.SLOWER, c.verdict());
        assertTrue(c.ciHigh() < 0.95, "interval lies below the threshold: " + c);
    }

    @Test
    void noChangeIsSame() {
        SampleComparison c = cmp(List.of(100.0, 103.0, 97.0, 101.0), List.of(99.0, 102.0, 98.0, 101.5));
        assertEquals(Verdict.SAME, c.verdict());
        assertTrue(c.pValue() > 0.5, c.toString());
        assertTrue(c.ciLow() < 1 && c.ciHigh() > 1, c.toString());
        assertNull(c.note());
    }

    @Test
    void bigRatioWithHugeNoiseIsNotSignificant() {
        // +50% on average, but the iterations scatter over a factor of nine
        SampleComparison c = cmp(List.of(100.0, 20.0, 180.0), List.of(150.0, 30.0, 270.0));
        assertEquals(1.5, c.ratio(), 1e-12);
        assertEquals(0.5850278698480763, c.pValue(), 1e-9);
        assertEquals(Verdict.SAME, c.verdict());
        assertTrue(c.note().startsWith("not significant (p = 0.59)"), c.note());
    }

    @Test
    void significantButWithinThresholdIsSame() {
        SampleComparison c = cmp(List.of(100.0, 100.1, 99.9, 100.0), List.of(102.0, 102.1, 101.9, 102.0));
        assertTrue(c.pValue() < 0.001, c.toString());
        assertEquals(Verdict.SAME, c.verdict());
        assertEquals("significant but within 5%", c.note());
        // the same samples with a 1% threshold are a real speed-up
        SampleComparison strict = cmp(List.of(100.0, 100.1, 99.9, 100.0),
                List.of(102.0, 102.1, 101.9, 102.0), new Criteria(0.01, 0.05, false));
        assertEquals(Verdict.FASTER, strict.verdict());
    }

    @Test
    void oneForkASideIsUndecidedNeverSame() {
        // one fork of ten iterations against another: the iterations say nothing about the spread between forks
        List<List<Double>> a = List.of(List.of(100.0, 101.0, 99.0, 100.0, 100.5, 99.5, 100.0, 100.2, 99.8, 100.0));
        List<List<Double>> b = List.of(List.of(80.0, 81.0, 79.0, 80.0, 80.5, 79.5, 80.0, 80.2, 79.8, 80.0));
        SampleComparison c = SampleComparison.of(a, b, null, DEFAULT);
        assertEquals(Verdict.UNDECIDED, c.verdict());
        assertEquals(SampleComparison.Level.UNTESTABLE, c.level());
        assertNull(c.pValue());
        assertNull(c.minDetectable());
        assertEquals(0.8, c.ratio(), 1e-12);
        assertEquals(SampleComparison.UNTESTABLE_NOTE, c.note());
        // one side with several forks is not enough either
        assertEquals(Verdict.UNDECIDED, SampleComparison.of(a, forks(List.of(80.0, 81.0, 79.0)), null, DEFAULT)
                .verdict());
    }

    @Test
    void forkMeansAreTheUnitNotIterations() {
        // three forks a side: iterations within a fork agree closely, the forks do not
        List<List<Double>> base = List.of(List.of(100.0, 100.1, 99.9), List.of(90.0, 90.1, 89.9),
                List.of(110.0, 110.1, 109.9));
        List<List<Double>> cand = List.of(List.of(95.0, 95.1, 94.9), List.of(85.0, 85.1, 84.9),
                List.of(105.0, 105.1, 104.9));
        SampleComparison c = SampleComparison.of(base, cand, null, DEFAULT);
        assertEquals(SampleComparison.Level.FORKS, c.level());
        assertEquals(3, c.baselineN());
        assertEquals(0.95, c.ratio(), 1e-12);
        // Welch on fork means 100, 90, 110 vs 95, 85, 105: t = -5 / sqrt(100/3 + 100/3), df 4
        assertEquals(0.5734, c.pValue(), 1e-4);
        assertEquals(Verdict.SAME, c.verdict());
        // MDE = t(0.975, 4) x sqrt(200/3) / 100
        assertEquals(2.7764451 * Math.sqrt(200.0 / 3) / 100, c.minDetectable(), 1e-6);
    }

    @Test
    void aNoiseFloorTestsEachRunsMeanAgainstTheMachinesRunToRunSpread() {
        // 2% run-to-run spread from 5 runs (4 degrees of freedom); one fork a side would be untestable without it
        NoiseFloor.Cell floor = new NoiseFloor.Cell("x", 5, 100.0, 0.02, List.of());
        SampleComparison slower = SampleComparison.of(List.of(List.of(100.0, 100.0)), List.of(List.of(85.0, 85.0)),
                floor, DEFAULT);
        assertEquals(SampleComparison.Level.NOISE_FLOOR, slower.level());
        assertEquals(4.0, slower.df(), 1e-12);
        // t = -15 / sqrt(2^2 + 1.7^2), two-sided with 4 df
        double t = -15 / Math.sqrt(4 + 1.7 * 1.7);
        assertEquals(2 * Stats.tCdf(t, 4), slower.pValue(), 1e-12);
        assertEquals(Verdict.SLOWER, slower.verdict());
        // MDE = t(0.975, 4) x sqrt(2^2 + 1.7^2) / 100, about 7.3%: a 6% change is beyond the 5% threshold but not
        // beyond what this floor can detect, so it is not called
        assertEquals(2.7764451 * Math.sqrt(4 + 1.7 * 1.7) / 100, slower.minDetectable(), 1e-6);
        SampleComparison small = SampleComparison.of(List.of(List.of(100.0)), List.of(List.of(94.0)), floor, DEFAULT);
        assertEquals(Verdict.SAME, small.verdict());
        assertTrue(small.minDetectable() > 0.06, small.toString());
    }

    @Test
    void correctedPValuesDecide() {
        SampleComparison c = cmp(List.of(100.0, 101.0, 99.0, 100.0, 100.0), List.of(90.0, 91.0, 89.0, 90.0, 90.0));
        assertEquals(Verdict.SLOWER, c.verdict());
        SampleComparison afterCorrection = c.withAdjustedP(0.2, DEFAULT);
        assertEquals(Verdict.SAME, afterCorrection.verdict());
        assertEquals(c.pValue(), afterCorrection.pValue());
        assertEquals(0.2, afterCorrection.adjustedP());
        assertTrue(afterCorrection.note().startsWith("not significant (p = 0.20 after correction"),
                afterCorrection.note());
    }

    @Test
    void benjaminiHochbergAndHolmOnFixedPValues() {
        double[] p = {0.01, 0.04, 0.03, 0.005};
        assertArrayEquals(new double[] {0.02, 0.04, 0.04, 0.02}, Correction.BH.adjust(p), 1e-12);
        assertArrayEquals(new double[] {0.03, 0.06, 0.06, 0.02}, Correction.HOLM.adjust(p), 1e-12);
        assertArrayEquals(p, Correction.NONE.adjust(p), 0);
        assertArrayEquals(new double[0], Correction.BH.adjust(new double[0]), 0);
        // never above 1
        assertArrayEquals(new double[] {1.0, 1.0}, Correction.HOLM.adjust(new double[] {0.9, 0.8}), 1e-12);
        assertEquals(Correction.HOLM, Correction.parse(" Holm "));
        assertThrows(IllegalArgumentException.class, () -> Correction.parse("bonferroni"));
    }

    @Test
    void identicalIterationsAreExact() {
        SampleComparison differ = cmp(List.of(100.0, 100.0), List.of(80.0, 80.0));
        assertEquals(Verdict.SLOWER, differ.verdict());
        assertEquals(0.0, differ.pValue());
        SampleComparison same = cmp(List.of(100.0, 100.0), List.of(100.0, 100.0));
        assertEquals(Verdict.SAME, same.verdict());
        assertEquals(1.0, same.pValue());
    }

    @Test
    void noisyBaselineGivesAnUnboundedInterval() {
        SampleComparison c = cmp(List.of(1.0, 200.0), List.of(100.0, 101.0));
        assertNull(c.ciLow());
        assertNull(c.ciHigh());
        assertNotNull(c.pValue());
        assertEquals(Verdict.SAME, c.verdict());
        assertTrue(c.note().contains("too noisy for a bounded interval"), c.note());
    }

    /** The interval excludes 1 exactly when the test is significant: the table never contradicts itself. */
    @ParameterizedTest
    @CsvSource({"1.0", "1.01", "1.02", "1.03", "1.05", "1.1", "0.97", "0.9"})
    void intervalAgreesWithTest(double factor) {
        List<Double> base = List.of(100.0, 104.0, 97.0, 101.0, 99.0);
        List<Double> cand = base.stream().map(x -> x * factor + (x % 3)).toList();
        SampleComparison c = cmp(base, cand);
        boolean significant = c.pValue() < DEFAULT.alpha();
        boolean excludesOne = c.ciLow() > 1 || c.ciHigh() < 1;
        assertEquals(significant, excludesOne, c.toString());
        assertTrue(c.ciLow() <= c.ratio() && c.ratio() <= c.ciHigh(), c.toString());
    }

    @Test
    void emptySideIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> cmp(List.of(), List.of(1.0)));
        assertThrows(IllegalArgumentException.class,
                () -> SampleComparison.of(List.of(List.of()), List.of(List.of(1.0)), null, DEFAULT));
    }

    @ParameterizedTest(name = "threshold {0}")
    @CsvSource({"5%, 0.05", "5, 0.05", "2.5%, 0.025", "0, 0", " 10 % , 0.1", "0.05, 0.0005"})
    void thresholdsAreReadAsPercent(String text, double expected) {
        assertEquals(expected, Criteria.parseThreshold(text), 1e-12);
    }

    @ParameterizedTest(name = "bad threshold {0}")
    @CsvSource({"abc", "-5%", "100%", "150", "NaN"})
    void badThresholdsAreRejected(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Criteria.parseThreshold(text));
        assertTrue(e.getMessage().startsWith("threshold must be"), e.getMessage());
        assertFalse(e.getMessage().isBlank());
    }
}
