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
                .checks(List.of(check)).latency(MANY_CALLS).crossCheck(agreeing(score))
                .execution(new CellResult.Execution(1.05, 1.02, 0.0, 2.0, true, 1)).build();
    }

    /** Bare loop and latency phase within 2% of JMH's score, before and after alike. */
    private static CellResult.CrossCheck agreeing(double score) {
        return crossCheck(score, score * 0.98, score * 0.99, score * 0.99, score * 1.01);
    }

    private static CellResult.CrossCheck crossCheck(double jmh, double bare, double latency, double before,
                                                    double after) {
        return new CellResult.CrossCheck(bare, bare * 0.01, List.of(before), List.of(after), latency, jmh / bare,
                jmh / latency, 0.12);
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
    void measuresThatDisagreeAreInconsistentWithTheirRatios() {
        // the published ONNX Runtime case: JMH 3.4x below the bare loop and the latency phase
        CellResult r = judged(cell(80_000, 2_000, 5, PASSED).toBuilder()
                .crossCheck(crossCheck(80_000, 270_000, 260_000, 270_000, 270_000)).build());
        assertEquals("inconsistent", r.verdict());
        assertEquals("JMH / bare loop = 0.30 (JMH 80,000, bare loop 270,000 samples/s); "
                + "JMH / latency phase = 0.31 (latency phase 260,000 samples/s)", r.verdictReason());
        // within the tolerance (12% here) they agree
        assertEquals("valid", judged(cell(1000, 10, 5, PASSED).toBuilder()
                .crossCheck(crossCheck(1000, 1110, 900, 1100, 1120)).build()).verdict());
    }

    @Test
    void aBareLoopThatSpeedsUpDuringTheCellIsInconsistent() {
        CellResult r = judged(cell(1000, 10, 5, PASSED).toBuilder()
                .crossCheck(crossCheck(1000, 1000, 1000, 700, 1300)).build());
        assertEquals("inconsistent", r.verdict());
        assertEquals("bare loop after / before JMH = 1.86 (not steady)", r.verdictReason());
    }

    @Test
    void moreBusyCoresThanThreadsIsInconsistent() {
        CellResult r = judged(cell(1000, 10, 5, PASSED).toBuilder()
                .execution(new CellResult.Execution(1.8, 1.7, 0.0, 2.0, true, 1)).build());
        assertEquals("inconsistent", r.verdict());
        assertEquals("effective parallelism 1.80 cores with 1 thread(s) requested", r.verdictReason());
        assertEquals("valid", judged(cell(1000, 10, 5, PASSED).toBuilder()
                .execution(new CellResult.Execution(1.45, 1.4, 0.0, 2.0, true, 1)).build()).verdict());
    }

    @Test
    void withoutABareLoopOrWithoutChecksNothingIsProven() {
        CellResult noBare = judged(cell(1000, 10, 5, PASSED).toBuilder().crossCheck(null).build());
        assertEquals("inconsistent", noBare.verdict());
        assertEquals("no bare-loop measure from the benchmark process to cross-check JMH's score",
                noBare.verdictReason());
        CellResult noChecks = judged(cell(1000, 10, 5, PASSED).toBuilder().checks(List.of()).build());
        assertEquals("invalid", noChecks.verdict());
        assertEquals("no correctness check was made", noChecks.verdictReason());
    }

    @Test
    void noSteadyStateIsNoisy() {
        CellResult r = judged(cell(1000, 10, 5, PASSED).toBuilder()
                .execution(new CellResult.Execution(1.0, 1.0, 0.0, 15.2, false, 1)).build());
        assertEquals("noisy", r.verdict());
        assertEquals("no steady state: throughput still changing after 15 s of warm-up", r.verdictReason());
    }

    @Test
    void onlyOkResultsAreJudged() {
        CellResult failed = CellResult.failed(KEY, null, "boom", List.of(), java.util.Map.of(), 1.0);
        assertEquals(null, judged(failed).verdict());
    }
}
