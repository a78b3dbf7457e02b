package org.dlbench.core.result;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The verdict reports show: the recorded one, except failed or missing checks (invalid) and none recorded. */
class JudgedTest {
    static final Check PASSED = new Check("forward_matches_reference", true, "max abs error 1e-7");

    static CellResult.Builder cell() {
        return new CellResult.Builder(new CellKey("E", "mlp", "infer", 32, 1, "cpu")).score(100.0, 1.0, List.of(100.0))
                .checks(List.of(PASSED));
    }

    @Test
    void recordedVerdictsAreShownAsRecorded() {
        assertEquals(new Judged("valid", null), Judged.of(cell().verdict("valid", null).build()));
        assertTrue(Judged.clean(cell().verdict("valid", null).build()));
        Judged noisy = Judged.of(cell().verdict("noisy", "error +-12.0% above 10%").build());
        assertEquals("noisy: error +-12.0% above 10%", noisy.describe());
        assertFalse(noisy.valid());
        assertFalse(noisy.isInvalid());
        Judged inconsistent = Judged.of(cell().verdict(Verdicts.INCONSISTENT, null).build());
        assertEquals("inconsistent: no reason recorded", inconsistent.describe());
        assertFalse(Judged.clean(cell().verdict(Verdicts.INCONSISTENT, "x").build()));
        assertTrue(Judged.invalid(cell().verdict(Verdicts.INVALID, "measured 1.0 s, minimum 3 s").build()));
    }

    @Test
    void okWithFailedOrNoChecksIsInvalidWhateverWasRecorded() {
        CellResult failed = cell().verdict("valid", null)
                .checks(List.of(PASSED, new Check("training_lowers_loss", false, "loss 2.3 -> 2.4"))).build();
        assertEquals(new Judged("invalid", "correctness check failed: training_lowers_loss"), Judged.of(failed));
        assertTrue(Judged.invalid(failed));
        assertFalse(Judged.clean(failed));
        CellResult unchecked = cell().verdict("valid", null).checks(List.of()).build();
        assertEquals(new Judged("invalid", "no correctness check ran"), Judged.of(unchecked));
    }

    @Test
    void aMissingVerdictIsNotValidAndSaysSo() {
        Judged none = Judged.of(cell().build());
        assertNull(none.verdict());
        assertEquals("no verdict", none.label());
        assertFalse(none.valid());
        assertFalse(none.isInvalid(), "drawn, but marked");
        assertTrue(none.reason().contains("older run"), none.reason());
    }

    @Test
    void cellsThatMeasuredNothingHaveNone() {
        assertNull(Judged.of(CellResult.unsupported(new CellKey("E", "mlp", "train", 32, 1, "cpu"), "no")));
        assertFalse(Judged.clean(CellResult.failed(new CellKey("E", "mlp", "train", 32, 1, "cpu"), null, "crash",
                List.of(), null, 1.0)));
    }
}
