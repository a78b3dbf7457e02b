package org.dlbench.core.run;

import org.dlbench.core.bench.Latencies;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import org.dlbench.core.result.CellResult;
import org.junit.jupiter.api.Test;

/** Percentiles, the Poisson schedule and the closed loop's stopping rule, on fixed inputs. */
class MeasurementMathsTest {

    @Test
    void percentilesOfAKnownDistribution() {
        Latencies l = new Latencies();
        for (int ms = 1; ms <= 1000; ms++) {
            l.record(ms * 1_000_000L);
        }
        CellResult.Latency s = l.summary();
        assertEquals(1000, s.count());
        // HdrHistogram keeps 3 significant digits: values are exact to 0.1%
        assertEquals(500, s.p50Ms(), 0.5);
        assertEquals(900, s.p90Ms(), 0.9);
        assertEquals(990, s.p99Ms(), 1.0);
        assertEquals(999, s.p999Ms(), 1.0);
        assertEquals(1000, s.maxMs(), 1.0);
        assertEquals(500.5, s.meanMs(), 0.5);
    }

    @Test
    void oneSlowCallShowsInTheTailNotTheMedian() {
        Latencies l = new Latencies();
        for (int i = 0; i < 998; i++) {
            l.record(100_000L); // 0.1 ms
        }
        l.record(50_000_000L); // two calls of 50 ms: the slowest 0.2%
        l.record(50_000_000L);
        CellResult.Latency s = l.summary();
        assertEquals(0.1, s.p50Ms(), 0.001);
        assertEquals(0.1, s.p99Ms(), 0.001);
        assertEquals(50, s.p999Ms(), 0.05);
        assertEquals(50, s.maxMs(), 0.05);
    }

    @Test
    void poissonScheduleHasTheRateAndExponentialGaps() {
        long[] a = PoissonSchedule.arrivals(1000, 20, 42);
        assertEquals(20_000, a.length, 3 * Math.sqrt(20_000)); // count ~ Poisson(rate * seconds)
        double[] gaps = new double[a.length - 1];
        for (int i = 1; i < a.length; i++) {
            assertTrue(a[i] >= a[i - 1], "arrivals are ordered");
            gaps[i - 1] = (a[i] - a[i - 1]) / 1e6; // ms
        }
        double mean = Arrays.stream(gaps).average().orElseThrow();
        double sd = Math.sqrt(Arrays.stream(gaps).map(g -> (g - mean) * (g - mean)).sum() / gaps.length);
        assertEquals(1.0, mean, 0.03);
        assertEquals(1.0, sd / mean, 0.05, "an exponential's coefficient of variation is 1");
        long below = Arrays.stream(gaps).filter(g -> g < 1.0).count();
        assertEquals(1 - Math.exp(-1), (double) below / gaps.length, 0.02, "P(gap < mean) = 1 - 1/e");
        assertTrue(a[a.length - 1] < 20e9);
    }

    @Test
    void poissonScheduleIsSeeded() {
        assertTrue(Arrays.equals(PoissonSchedule.arrivals(50, 2, 7), PoissonSchedule.arrivals(50, 2, 7)));
        assertTrue(!Arrays.equals(PoissonSchedule.arrivals(50, 2, 7), PoissonSchedule.arrivals(50, 2, 8)));
        assertThrows(IllegalArgumentException.class, () -> PoissonSchedule.arrivals(0, 1, 1));
    }

    @Test
    void closedLoopStopsOnlyWhenBothDurationAndCountAreMet() {
        // a fake clock: every call takes 10 ms
        AtomicLong now = new AtomicLong();
        Runnable call = () -> now.addAndGet(10_000_000L);
        Latencies fewCallsLongTime = Latencies.closedLoop(call, 0, 1.0, 20, now::get);
        assertEquals(100, fewCallsLongTime.count(), "1 s of 10 ms calls, more than the 20 required");
        now.set(0);
        Latencies manyCallsShortTime = Latencies.closedLoop(call, 0, 0.05, 200, now::get);
        assertEquals(200, manyCallsShortTime.count(), "0.05 s would be 5 calls; the minimum count wins");
        assertEquals(10, manyCallsShortTime.summary().p99Ms(), 0.01);
    }

    @Test
    void openLoopCountsQueueingFromTheScheduledArrival() {
        // requests of 2 ms offered at 1000/s cannot keep up: latencies must grow far beyond the 2 ms service time
        ServerScenario.Trial overloaded = ServerScenario.run(() -> busy(2_000_000L), 1000, 0.5);
        assertTrue(overloaded.latency().p99Ms() > 50, "queueing hidden: "
                + overloaded.latency());
        assertTrue(!overloaded.meets(10));
        // the same requests at 50/s mostly find the engine idle
        ServerScenario.Trial light = ServerScenario.run(() -> busy(2_000_000L), 50, 1.0);
        assertTrue(light.latency().p50Ms() < 10, light.latency().toString());
    }

    private static void busy(long nanos) {
        long end = System.nanoTime() + nanos;
        while (System.nanoTime() < end) {
            Thread.onSpinWait();
        }
    }
}
