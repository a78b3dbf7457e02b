package org.dlbench.core.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.dlbench.core.result.DriftReference;
import org.junit.jupiter.api.Test;

/** The drift reference's measurement on a tiny budget: positive, ordered and valid (no speed is asserted). */
class DriftProbeTest {

    @Test
    void measuresPositiveOrderedRates() {
        DriftReference d = DriftProbe.measure(0.01, 0.005, 3);
        assertEquals(DriftProbe.WORKLOAD, d.workload());
        assertEquals(DriftProbe.UNIT, d.unit());
        assertEquals(3, d.samples());
        assertEquals(3, d.values().size());
        assertTrue(d.min() > 0, d.toString());
        assertTrue(d.min() <= d.median() && d.median() <= d.max(), d.toString());
        assertTrue(d.values().stream().allMatch(v -> v >= d.min() && v <= d.max()), d.toString());
        assertTrue(d.seconds() >= 3 * 0.005, d.toString());
        d.validate("drift_reference");
        assertTrue(DriftProbe.summary(d).contains(" matmul/s ("), DriftProbe.summary(d));
    }

    @Test
    void aSampleCompletesAtLeastOneOperation() {
        DriftReference d = DriftProbe.measure(0, 1e-12, 1);
        assertEquals(1, d.samples());
        assertTrue(d.median() > 0 && Double.isFinite(d.median()), d.toString());
    }

    @Test
    void rejectsAnImpossibleBudget() {
        assertThrows(IllegalArgumentException.class, () -> DriftProbe.measure(-1, 0.1, 1));
        assertThrows(IllegalArgumentException.class, () -> DriftProbe.measure(0, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> DriftProbe.measure(0, 0.1, 0));
    }
}
