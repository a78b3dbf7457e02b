package org.dlbench.core.compare;

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

    static SampleComparison cmp(List<Double> base, List<Double> cand) {
        return SampleComparison.of(base, cand, DEFAULT);
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
        SampleComparison strict = SampleComparison.of(List.of(100.0, 100.1, 99.9, 100.0),
                List.of(102.0, 102.1, 101.9, 102.0), new Criteria(0.01, 0.05, false));
        assertEquals(Verdict.FASTER, strict.verdict());
    }

    @Test
    void tooFewSamplesCannotBeTested() {
        SampleComparison c = cmp(List.of(100.0), List.of(50.0, 51.0, 49.0));
        assertEquals(Verdict.SAME, c.verdict());
        assertNull(c.pValue());
        assertNull(c.ciLow());
        assertEquals(0.5, c.ratio(), 1e-12);
        assertTrue(c.note().startsWith("too few samples to test (1 vs 3 iterations"), c.note());
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
