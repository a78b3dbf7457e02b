package org.dlbench.core.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.dlbench.core.result.Check;
import org.junit.jupiter.api.Test;

/** K instances on K threads: who runs where, and how their windows, loops and latencies add up (no timing). */
class InstanceThreadsTest {

    @Test
    void everyInstanceRunsOnItsOwnThreadAndOneInstanceOnTheCaller() throws Exception {
        try (InstanceThreads three = new InstanceThreads(3)) {
            List<String> names = three.all(i -> Thread.currentThread().getName());
            assertEquals(List.of("dlbench-instance-0", "dlbench-instance-1", "dlbench-instance-2"), names);
            assertEquals("dlbench-instance-2", three.on(2, () -> Thread.currentThread().getName()));
            assertEquals("dlbench-instance-1", three.all(i -> Thread.currentThread().getName()).get(1),
                    "instance 1 always runs on the same thread");
        }
        try (InstanceThreads one = new InstanceThreads(1)) {
            assertEquals(List.of(Thread.currentThread().getName()), one.all(i -> Thread.currentThread().getName()));
            assertEquals(Thread.currentThread().getName(), one.on(0, () -> Thread.currentThread().getName()));
        }
    }

    @Test
    void anInstancesFailureIsRethrownAfterAllHaveRun() {
        AtomicLong ran = new AtomicLong();
        try (InstanceThreads two = new InstanceThreads(2)) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> two.all(i -> {
                ran.incrementAndGet();
                if (i == 1) {
                    throw new IllegalStateException("instance 1 broke");
                }
                return i;
            }));
            assertEquals("instance 1 broke", e.getMessage());
            assertEquals(2, ran.get());
        }
    }

    @Test
    void windowsAddCallsAndRatesLikeJmhThreads() {
        // 10 calls in 1 s and 20 calls in 2 s: 30 calls at 10 + 10 = 20 calls/s, i.e. the 30 calls take 1.5 s
        long[] w = InstanceThreads.aggregate(List.of(new long[] {10, 1_000_000_000L}, new long[] {20, 2_000_000_000L}));
        assertEquals(30, w[0]);
        assertEquals(1_500_000_000L, w[1]);
    }

    @Test
    void aBareLoopOverTwoInstancesCountsTheCallsOfBoth() {
        AtomicLong a = new AtomicLong();
        AtomicLong b = new AtomicLong();
        Set<String> threads = ConcurrentHashMap.newKeySet();
        Runnable[] calls = {() -> {
            a.incrementAndGet();
            threads.add(Thread.currentThread().getName());
        }, () -> {
            b.incrementAndGet();
            threads.add(Thread.currentThread().getName());
        }};
        try (InstanceThreads two = new InstanceThreads(2)) {
            BareLoop loop = BareLoop.run((nanos, min) -> two.window(calls, nanos, min), 2, 0.01, 5, 2);
            assertEquals(a.get() + b.get(), loop.calls());
            assertTrue(a.get() >= 10 && b.get() >= 10, "each instance makes at least 2 calls per chunk");
            assertEquals(5, loop.chunkRates().size());
            assertTrue(loop.seconds() > 0 && loop.rate() > 0);
            assertEquals(Set.of("dlbench-instance-0", "dlbench-instance-1"), threads);
            SteadyStateWarmup warm = SteadyStateWarmup.run((nanos, min) -> two.window(calls, nanos, min), 0.002,
                    0.004, 0.02);
            assertFalse(warm.windowRates().isEmpty());
        }
    }

    @Test
    void latenciesOfSeveralInstancesAddUpToOneHistogram() {
        Latencies a = new Latencies();
        a.record(1_000_000);
        a.record(3_000_000);
        a.span(100, 200);
        Latencies b = new Latencies();
        b.record(2_000_000);
        b.span(50, 150);
        Latencies all = a.add(b);
        assertEquals(3, all.count());
        var s = all.summary();
        assertEquals(2.0, s.meanMs(), 0.01);
        assertEquals(150 / 1e9, s.seconds(), 1e-15, "from the first call's start to the last call's end");
        assertEquals(3, a.add(new Latencies()).count(), "an empty recording adds nothing");
    }

    @Test
    void aCheckOnEveryInstancePassesOnlyIfEachPasses() {
        Check ok0 = new Check("forward_matches_reference", true, "max abs error 0");
        Check ok1 = new Check("forward_matches_reference", true, "max abs error 1e-7");
        Check bad = new Check("forward_matches_reference", false, "max abs error 3");
        assertEquals(ok0, EngineState.merge(List.of(ok0)));
        Check both = EngineState.merge(List.of(ok0, ok1));
        assertTrue(both.passed());
        assertTrue(both.detail().startsWith("all 2 instances passed"), both.detail());
        Check one = EngineState.merge(List.of(ok0, bad));
        assertFalse(one.passed());
        assertEquals("instance 2 of 2: max abs error 3", one.detail());
    }
}
