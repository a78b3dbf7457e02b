package org.dlbench.core.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.dlbench.core.bench.BareLoop;
import org.dlbench.core.bench.ForkReport;
import org.dlbench.core.bench.SteadyStateWarmup;
import org.dlbench.core.compare.Stats;
import org.dlbench.core.result.CellResult;
import org.dlbench.core.result.Check;
import org.junit.jupiter.api.Test;

/** Joining the benchmark processes' reports into the cell's cross-check, on fixed numbers. */
class CrossChecksTest {

    private static BareLoop loop(double rate, double seconds) {
        // five equal chunks: calls/s = rate
        return new BareLoop(List.of(rate, rate, rate, rate, rate), Math.round(rate * seconds), seconds, 1.0, 0.5);
    }

    private static ForkReport fork(BareLoop before, BareLoop after, boolean steady, Check... checks) {
        return fork(before, after, steady, null, checks);
    }

    private static ForkReport fork(BareLoop before, BareLoop after, boolean steady, CellResult.Latency latency,
                                   Check... checks) {
        return new ForkReport(List.of(checks), new SteadyStateWarmup(List.of(1.0, 1.0, 1.0, 1.0), 2.0, steady),
                before, after, 1.1, 5.0, "1", java.util.Map.of("intra_op_threads", "1"), 100L, 10L, latency);
    }

    @Test
    void bareLoopRateCountsEveryCallOfEveryProcessInSamples() {
        // 1,000 calls/s before and 3,000 after, each for 1 s, 32 samples per call: 2,000 calls/s in all
        List<ForkReport> forks = List.of(fork(loop(1000, 1), loop(3000, 1), true));
        CellResult.CrossCheck x = CrossChecks.of(64_000, 0, 10, forks, 32, null, 32);
        assertEquals(64_000, x.bareLoop(), 1e-6);
        assertEquals(List.of(32_000.0), x.bareLoopBefore());
        assertEquals(List.of(96_000.0), x.bareLoopAfter());
        assertEquals(1.0, x.jmhOverBareLoop(), 1e-9);
        assertNull(x.latencyPhase());
    }

    @Test
    void latencyPhaseThroughputIsBatchOverMeanLatency() {
        List<ForkReport> forks = List.of(fork(loop(1000, 1), loop(1000, 1), true));
        CellResult.Latency l = new CellResult.Latency(1000, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 3);
        CellResult.CrossCheck x = CrossChecks.of(32_000, 0, 10, forks, 32, l, 32);
        assertEquals(64_000, x.latencyPhase(), 1e-6); // 32 samples per 0.5 ms
        assertEquals(0.5, x.jmhOverLatencyPhase(), 1e-9);
    }

    @Test
    void toleranceIsTenPercentPlusTwiceTheCombinedStandardError() {
        double t = Stats.tQuantile(1 - 0.001 / 2, 9);
        // JMH +-t% (standard error 1%) and bare loop +-t% (1%): 10% + 2 * sqrt(2) %
        double tol = CrossChecks.tolerance(100, t, 10, 100, t, 10);
        assertEquals(0.10 + 2 * Math.sqrt(2) / 100, tol, 1e-9);
        assertEquals(0.10, CrossChecks.tolerance(100, 0, 10, 100, null, 10), 1e-12);
    }

    @Test
    void theLatencyPhaseOfTheMedianProcessIsReported() {
        CellResult.Latency fast = new CellResult.Latency(900, 0.4, 0.4, 0.5, 0.6, 0.7, 0.8, 3);
        CellResult.Latency mid = new CellResult.Latency(800, 0.5, 0.5, 0.6, 0.7, 0.8, 0.9, 3);
        CellResult.Latency slow = new CellResult.Latency(700, 0.6, 0.6, 0.7, 0.8, 0.9, 1.0, 3);
        assertEquals(mid, CrossChecks.latency(List.of(fork(null, null, true, slow), fork(null, null, true, fast),
                fork(null, null, true, mid))));
        assertNull(CrossChecks.latency(List.of(fork(null, null, true))));
    }

    @Test
    void checksMergeAcrossProcessesAndAFailureWins() {
        Check ok = new Check("forward_matches_reference", true, "max abs error 0");
        Check bad = new Check("forward_matches_reference", false, "max abs error 3");
        List<Check> merged = CrossChecks.checks(List.of(fork(null, null, true, ok), fork(null, null, true, bad)));
        assertEquals(1, merged.size());
        assertFalse(merged.get(0).passed());
        assertEquals("max abs error 3 (benchmark process 2 of 2)", merged.get(0).detail());
    }

    @Test
    void executionTakesTheLongestWarmupAndFlagsAnyUnsteadyProcess() {
        CellResult.Execution e = CrossChecks.execution(List.of(fork(loop(10, 1), loop(10, 1), true),
                fork(loop(10, 1), loop(10, 1), false)));
        assertEquals(2, e.forks());
        assertFalse(e.steadyState());
        assertEquals(1.1, e.effectiveParallelism(), 1e-9);
        assertTrue(e.minorFaultsPerCall() >= 0);
        assertNull(CrossChecks.execution(List.of()));
    }

    @Test
    void steadyStateNeedsTwoPairsOfWindowsWithinFivePercent() {
        assertFalse(SteadyStateWarmup.isSteady(List.of(1.0, 1.0, 1.0)));
        assertTrue(SteadyStateWarmup.isSteady(List.of(50.0, 100.0, 101.0, 102.0, 98.0)));
        // still speeding up: the last pair is 20% above the one before
        assertFalse(SteadyStateWarmup.isSteady(List.of(100.0, 100.0, 120.0, 120.0)));
    }
}
