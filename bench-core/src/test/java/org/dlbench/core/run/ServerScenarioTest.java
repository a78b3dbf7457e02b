package org.dlbench.core.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.DoublePredicate;
import org.dlbench.core.result.CellKey;
import org.dlbench.core.result.CellResult;
import org.dlbench.core.result.Check;
import org.dlbench.core.result.Profile;
import org.dlbench.core.result.Verdicts;
import org.junit.jupiter.api.Test;

/**
 * The server scenario's rate search on simulated services: a simulated clock and engine for the whole path (open
 * loop, capacity, bisection, confirmation), and scripted services for the search's rules. Nothing here depends on
 * the speed of the machine running the tests.
 */
class ServerScenarioTest {
    private static final double BOUND_MS = 2.0;
    private static final double PROBE_SECONDS = 0.5;
    private static final double CONFIRM_SECONDS = 3.0;
    private static final List<String> LOG = new ArrayList<>();

    /** Simulated time: waiting jumps the clock forward, a request advances it by its service time. */
    private static final class SimClock implements ServerScenario.Clock {
        long now;

        @Override
        public long nanoTime() {
            return now;
        }

        @Override
        public void waitUntil(long nanos) {
            now = Math.max(now, nanos);
        }
    }

    /**
     * A simulated engine: 100 us per request +-20% (seeded), three times slower at first and warming up over the
     * first 5 simulated seconds, so its steady capacity is 10,000 requests/s.
     */
    private static Runnable engine(SimClock clock) {
        Random jitter = new Random(7);
        return () -> {
            double warm = Math.max(0, 1 - clock.now / 5e9);
            double serviceNanos = 100_000 * (1 + 2 * warm) * (0.8 + 0.4 * jitter.nextDouble());
            clock.now += (long) serviceNanos;
        };
    }

    private static final double SIMULATED_CAPACITY = 10_000;

    @Test
    void searchOnASimulatedEngineReachesNearItsCapacityAndReportsAConfirmedRate() {
        SimClock clock = new SimClock();
        ServerScenario.Service service = ServerScenario.service(engine(clock), clock);
        ServerScenario.Outcome o = ServerScenario.search(service, BOUND_MS, PROBE_SECONDS, CONFIRM_SECONDS, LOG::add);
        CellResult.Server s = o.server();

        // the slow warm-up did not cap the capacity: windows went on until two agreed
        assertTrue(s.capacitySteady(), s.capacityWindows().toString());
        assertTrue(s.capacityWindows().get(0) < 0.5 * SIMULATED_CAPACITY, s.capacityWindows().toString());
        assertTrue(Math.abs(s.capacity() - SIMULATED_CAPACITY) < 0.05 * SIMULATED_CAPACITY, "capacity " + s.capacity());

        assertTrue(s.searched());
        assertTrue(s.boundMet());
        assertNull(s.reason());
        assertReportedRateWasConfirmed(s, o);
        assertTrue(s.targetRate() > 0.75 * SIMULATED_CAPACITY && s.targetRate() < 1.02 * SIMULATED_CAPACITY,
                "rate found " + s.targetRate() + " of a capacity of " + SIMULATED_CAPACITY + ": " + s.trials());
        assertTrue(o.reported().latency().p99Ms() <= BOUND_MS);
        assertTrue(s.trials().stream().anyMatch(t -> t.kind().equals(CellResult.ServerTrial.PROBE) && !t.met()),
                "the bisection must have found where the bound fails: " + s.trials());
    }

    @Test
    void theSimulatedOpenLoopCountsQueueingBehindSlowCalls() {
        SimClock clock = new SimClock();
        clock.now = 10_000_000_000L; // past the warm-up
        Runnable request = engine(clock);
        ServerScenario.Trial overloaded = ServerScenario.run(request, 2 * SIMULATED_CAPACITY, 1.0, clock);
        assertTrue(overloaded.latency().p99Ms() > 100, "queueing hidden: " + overloaded.latency());
        assertTrue(overloaded.achievedRate() < 1.05 * SIMULATED_CAPACITY, "served " + overloaded.achievedRate());
        ServerScenario.Trial light = ServerScenario.run(request, 0.2 * SIMULATED_CAPACITY, 1.0, clock);
        assertTrue(light.latency().p99Ms() < 1, light.latency().toString());
    }

    /** A scripted service: a fixed capacity reading, and trials that meet the bound where {@code meets} says. */
    private static ServerScenario.Service scripted(double capacity, DoublePredicate probeMeets,
                                                   DoublePredicate confirmMeets) {
        return new ServerScenario.Service() {
            @Override
            public double closedLoopRate(double seconds) {
                return capacity;
            }

            @Override
            public ServerScenario.Trial trial(double rate, double seconds) {
                boolean met = seconds >= CONFIRM_SECONDS ? confirmMeets.test(rate) : probeMeets.test(rate);
                double p99 = met ? BOUND_MS / 2 : BOUND_MS * 5;
                return new ServerScenario.Trial(rate, rate * 0.99, seconds,
                        new CellResult.Latency((long) (rate * seconds), p99 / 3, p99 / 3, p99 / 2, p99, p99, p99,
                                seconds));
            }
        };
    }

    @Test
    void aFailedConfirmationStepsDownUntilAFullLengthRunMeetsTheBound() {
        // short probes pass up to 9,000/s, but full-length runs only up to 7,000/s (say, a pause every few seconds)
        ServerScenario.Service service = scripted(10_000, r -> r <= 9_000, r -> r <= 7_000);
        ServerScenario.Outcome o = ServerScenario.search(service, BOUND_MS, PROBE_SECONDS, CONFIRM_SECONDS, LOG::add);
        CellResult.Server s = o.server();
        assertTrue(s.boundMet());
        assertReportedRateWasConfirmed(s, o);
        assertTrue(s.targetRate() <= 7_000 && s.targetRate() > 7_000 * (1 - ServerScenario.STEP_DOWN) - 1,
                "reported " + s.targetRate());
        List<CellResult.ServerTrial> confirms = confirms(s);
        assertTrue(confirms.size() >= 3, confirms.toString());
        assertTrue(confirms.get(0).targetRate() > 8_800, "the first confirmation is at the rate the probes found");
        for (int i = 1; i < confirms.size(); i++) {
            assertFalse(confirms.get(i - 1).met(), "a confirmation follows only a failed one");
            assertEquals(confirms.get(i - 1).targetRate() * (1 - ServerScenario.STEP_DOWN),
                    confirms.get(i).targetRate(), 1e-6, "steps down by " + ServerScenario.STEP_DOWN);
        }
        assertEquals(CellResult.ServerTrial.CONFIRM, s.trials().get(s.trials().size() - 1).kind());
    }

    @Test
    void theSearchGoesAboveAnUnderestimatedCapacity() {
        // the closed loop read 5,000/s but the bound holds up to 8,000/s
        ServerScenario.Service service = scripted(5_000, r -> r <= 8_000, r -> r <= 8_000);
        CellResult.Server s = ServerScenario.search(service, BOUND_MS, PROBE_SECONDS, CONFIRM_SECONDS, LOG::add)
                .server();
        assertTrue(s.boundMet());
        assertTrue(s.targetRate() <= 8_000 && s.targetRate() >= 8_000 - ServerScenario.BRACKET * 5_000,
                "reported " + s.targetRate() + " after " + s.trials());
        assertEquals(1, confirms(s).size());
    }

    @Test
    void whenNoConfirmingRunMeetsTheBoundTheResultSaysSoAndIsNotValid() {
        ServerScenario.Service service = scripted(10_000, r -> r <= 6_000, r -> false);
        ServerScenario.Outcome o = ServerScenario.search(service, BOUND_MS, PROBE_SECONDS, CONFIRM_SECONDS, LOG::add);
        CellResult.Server s = o.server();
        assertFalse(s.boundMet());
        assertNotNull(s.reason());
        assertTrue(s.reason().startsWith("no rate met the p99 bound of 2 ms in a full-length confirming run"),
                s.reason());
        List<CellResult.ServerTrial> confirms = confirms(s);
        assertTrue(confirms.stream().noneMatch(CellResult.ServerTrial::met));
        double first = confirms.get(0).targetRate();
        double last = confirms.get(confirms.size() - 1).targetRate();
        assertTrue(last >= first * ServerScenario.FLOOR, "stops at the floor");
        assertTrue(last * (1 - ServerScenario.STEP_DOWN) < first * ServerScenario.FLOOR, "goes down to the floor");

        CellResult cell = serverCell(s, o.reported().latency());
        CellResult judged = Verdicts.judge(cell, Profile.QUICK);
        assertEquals(Verdicts.INVALID, judged.verdict());
        assertEquals(s.reason(), judged.verdictReason());
    }

    @Test
    void nothingPassingEvenAProbeStillEndsInConfirmingRunsAndNoClaim() {
        ServerScenario.Service service = scripted(10_000, r -> false, r -> false);
        CellResult.Server s = ServerScenario.search(service, BOUND_MS, PROBE_SECONDS, CONFIRM_SECONDS, LOG::add)
                .server();
        assertFalse(s.boundMet());
        assertTrue(confirms(s).get(0).targetRate() <= ServerScenario.BRACKET * 10_000, s.trials().toString());
    }

    @Test
    void aFixedRateReportsMetOrNotAndStaysValid() {
        ServerScenario.Service service = scripted(10_000, r -> r <= 5_000, r -> r <= 5_000);
        ServerScenario.Outcome over = ServerScenario.fixed(service, 6_000, BOUND_MS, CONFIRM_SECONDS, LOG::add);
        assertFalse(over.server().boundMet());
        assertFalse(over.server().searched());
        assertEquals(List.of(CellResult.ServerTrial.FIXED), over.server().trials().stream()
                .map(CellResult.ServerTrial::kind).toList());
        assertEquals(Verdicts.VALID, Verdicts.judge(serverCell(over.server(), over.reported().latency()),
                Profile.QUICK).verdict(), "a fixed rate over the bound is a valid measurement of that rate");
        ServerScenario.Outcome within = ServerScenario.fixed(service, 4_000, BOUND_MS, CONFIRM_SECONDS, LOG::add);
        assertTrue(within.server().boundMet());
        assertNull(within.server().reason());
    }

    @Test
    void capacityWaitsForTwoAgreeingWindowsWithinItsTimeCap() {
        double[] ramp = {100, 150, 200, 250, 300, 305, 500};
        int[] i = {0};
        ServerScenario.Capacity steady = ServerScenario.capacity(scriptedWindows(ramp, i), 1.0, 0.03, 30);
        assertTrue(steady.steady());
        assertEquals(305, steady.rate(), 1e-9);
        assertEquals(List.of(100.0, 150.0, 200.0, 250.0, 300.0, 305.0), steady.windows());

        double[] noisy = {100, 200, 100, 200, 100, 200, 100, 200};
        i[0] = 0;
        ServerScenario.Capacity capped = ServerScenario.capacity(scriptedWindows(noisy, i), 1.0, 0.03, 5);
        assertFalse(capped.steady());
        assertEquals(5, capped.windows().size());
        assertEquals(200, capped.rate(), 1e-9, "the best window when steady state never came");
    }

    private static ServerScenario.Service scriptedWindows(double[] windows, int[] next) {
        return new ServerScenario.Service() {
            @Override
            public double closedLoopRate(double seconds) {
                return windows[next[0]++];
            }

            @Override
            public ServerScenario.Trial trial(double rate, double seconds) {
                throw new AssertionError("no trial expected");
            }
        };
    }

    private static List<CellResult.ServerTrial> confirms(CellResult.Server s) {
        return s.trials().stream().filter(t -> t.kind().equals(CellResult.ServerTrial.CONFIRM)).toList();
    }

    /** The reported rate is that of a full-length confirming run that met the bound, the highest such. */
    private static void assertReportedRateWasConfirmed(CellResult.Server s, ServerScenario.Outcome o) {
        List<CellResult.ServerTrial> passed = confirms(s).stream().filter(CellResult.ServerTrial::met).toList();
        assertEquals(1, passed.size(), "confirming stops at the first that meets the bound: " + s.trials());
        assertEquals(passed.get(0).targetRate(), s.targetRate(), 1e-9);
        assertEquals(o.reported().rate(), s.targetRate(), 1e-9);
        assertEquals(CONFIRM_SECONDS, o.reported().seconds(), 0.5, "the reported run is a full-length one");
        assertTrue(confirms(s).stream().filter(t -> !t.met()).allMatch(t -> t.targetRate() > s.targetRate()),
                "every failed confirmation was at a higher rate");
    }

    private static CellResult serverCell(CellResult.Server s, CellResult.Latency latency) {
        return new CellResult.Builder(new CellKey("E", "mlp", "server", 1, 1, "cpu"))
                .checks(List.of(new Check("forward_matches_reference", true, "ok")))
                .score(s.achievedRate(), null, List.of()).latency(latency).server(s).build();
    }
}
