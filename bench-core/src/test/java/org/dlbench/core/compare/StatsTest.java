package org.dlbench.core.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The t distribution against published values (reference values from a statistics package, to 1e-9). */
class StatsTest {
    @ParameterizedTest(name = "t quantile p={0} df={1}")
    @CsvSource({
        "0.975, 4,   2.7764451051977934",
        "0.975, 10,  2.228138851986274",
        "0.995, 2,   9.924843200918287",
        "0.975, 4.5, 2.6589123472044034",
        "0.025, 4,  -2.7764451051977934",
    })
    void quantiles(double p, double df, double expected) {
        assertEquals(expected, Stats.tQuantile(p, df), 1e-9);
    }

    @Test
    void cdfAndPValues() {
        assertEquals(0.9490302605850708, Stats.tCdf(2.0, 5), 1e-12);
        assertEquals(1 - 0.9490302605850708, Stats.tCdf(-2.0, 5), 1e-12);
        assertEquals(0.5, Stats.tCdf(0, 3), 1e-15);
        assertEquals(1.0, Stats.twoSidedP(0, 7), 1e-12);
        assertEquals(0.018201779914779517, Stats.twoSidedP(3.464101615137755, 4.959183673469389), 1e-10);
        assertEquals(0.0, Stats.twoSidedP(Double.POSITIVE_INFINITY, 3), 0);
    }

    @Test
    void meanAndUnbiasedVariance() {
        assertEquals(12, Stats.mean(List.of(10.0, 12.0, 14.0)), 0);
        assertEquals(4, Stats.variance(List.of(10.0, 12.0, 14.0)), 1e-12);
        assertEquals(0, Stats.variance(List.of(10.0)), 0);
    }

    @Test
    void logGammaMatchesFactorials() {
        assertEquals(Math.log(120), Stats.logGamma(6), 1e-12);
        assertEquals(0.5 * Math.log(Math.PI), Stats.logGamma(0.5), 1e-12);
    }

    @Test
    void quantileRejectsNonsense() {
        assertThrows(IllegalArgumentException.class, () -> Stats.tQuantile(1.0, 3));
        assertThrows(IllegalArgumentException.class, () -> Stats.tQuantile(0.5, 0));
    }
}
