package org.dlbench.core.result;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The verdict rules on fixed results. */
class VerdictsTest {
    private static final CellKey KEY = new CellKey("E", "mlp", "infer", 32, 1, "cpu");
    private static final Check PASSED = new Check("forward_matches_reference", true, "ok");
    private static final CellResult.Latency MANY_CALLS = new CellResult.Latency(5000, 1, 1, 1, 1, 1, 1, 3);

    private static CellResult cell(double score, double error, int iterations, Check check) {
        return new CellResult.Builder(KEY).score(score, error, java.util.Collections.nCopies(iterations, score))
                .checks(List.of(check)).latency(MANY_CALLS).build();
    }

    /** One fork of 1 s iterations, so iteration counts translate into seconds directly. */
    private static final Profile ONE_SECOND = new Profile("test", 1, 1, 1.0, 5, 1.0, 3.0, 60);

    private static CellResult judged(CellResult r) {
        return Verdicts.judge(r, ONE_SECOND);
    }

    @Test
    void tightAndLongEnoughIsValid() {
        CellResult r = judged(cell(1000, 50, 5, PASSED));
        assertEquals("valid", r.verdict());
        assertEquals(null, r.verdictReason());
    }

    @Test
    void wideErrorIsNoisy() {
        CellResult r = judged(cell(1000, 150, 5, PASSED));
        assertEquals("noisy", r.verdict());
        assertEquals("error +-15.0% above 10%", r.verdictReason());
        assertEquals("noisy", judged(cell(1000, Double.NaN, 5, PASSED)).verdict());
    }

    @Test
    void fewIterationsAreNoisyAndTooShortIsInvalid() {
        // 3 iterations of 1 s meet the minimum duration but 2 do not
        assertEquals("valid", judged(cell(1000, 10, 3, PASSED)).verdict());
        CellResult short2 = judged(cell(1000, 10, 2, PASSED));
        assertEquals("invalid", short2.verdict());
        assertEquals("measured 2.0 s, minimum 3 s", short2.verdictReason());
        CellResult thoroughButFew = Verdicts.judge(cell(1000, 10, 2, PASSED), Profile.THOROUGH);
        assertEquals("noisy", thoroughButFew.verdict()); // 6 s measured, but 2 iterations
    }

    @Test
    void failedCheckIsInvalidWhateverTheNoise() {
        CellResult r = judged(cell(1000, 1, 5, new Check("forward_matches_reference", false, "max abs error 3")));
        assertEquals("invalid", r.verdict());
        assertEquals("correctness check failed: forward_matches_reference", r.verdictReason());
    }

    @Test
    void fewLatencySamplesAreNoisy() {
        CellResult r = judged(cell(1000, 10, 5, PASSED).toBuilder()
                .latency(new CellResult.Latency(50, 1, 1, 1, 1, 1, 1, 3)).build());
        assertEquals("noisy", r.verdict());
        assertEquals("50 latency samples, minimum 200", r.verdictReason());
    }

    @Test
    void onlyOkResultsAreJudged() {
        CellResult failed = CellResult.failed(KEY, null, "boom", List.of(), java.util.Map.of(), 1.0);
        assertEquals(null, judged(failed).verdict());
    }
}
