package org.dlbench.core.run;

import org.dlbench.core.bench.Latencies;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.dlbench.core.result.CellResult;

/**
 * MLPerf-style server scenario on one inference stream: requests arrive on a Poisson schedule (open loop), and each
 * request's latency runs from its scheduled arrival, not from when the engine got round to it, so queueing behind
 * a slow call counts (no coordinated omission).
 *
 * <p>The search for the highest rate that meets a p99 bound works as MLPerf's peak finding does:
 * <ol>
 *   <li>capacity: closed-loop windows are repeated until two consecutive ones agree within
 *       {@link #CAPACITY_AGREEMENT} (or {@link #CAPACITY_MAX_SECONDS} pass), so a slow warm-up cannot cap it;</li>
 *   <li>bisection over short probe trials between 0 and that capacity (above it, in steps of
 *       {@link #ABOVE_CAPACITY_FACTOR}, while the bound is still met there), until the bracket is narrower than
 *       {@link #BRACKET} of the capacity;</li>
 *   <li>a full-length confirming run at the highest rate that passed; when it fails the bound, the rate steps down by
 *       {@link #STEP_DOWN} and is confirmed again, down to {@link #FLOOR} of the first confirming rate.</li>
 * </ol>
 * The reported rate is the highest one whose full-length confirming run met the bound; if none did, the outcome
 * says so ({@code boundMet} false with the reason).
 */
final class ServerScenario {
    static final long SEED = 20261126L;
    /** One closed-loop capacity window. */
    static final double CAPACITY_WINDOW_SECONDS = 1.0;
    /** Two consecutive capacity windows within 3% of each other: the engine is warm. */
    static final double CAPACITY_AGREEMENT = 0.03;
    /** The capacity measurement gives up waiting for steady state after this long and takes the best window. */
    static final double CAPACITY_MAX_SECONDS = 30.0;
    /** The bisection stops when its bracket is narrower than 2% of the capacity. */
    static final double BRACKET = 0.02;
    /** Above the capacity (when the bound is met there) the probe rate grows by this factor per probe. */
    static final double ABOVE_CAPACITY_FACTOR = 1.25;
    static final int MAX_ABOVE_CAPACITY_PROBES = 8;
    /** A confirming run that fails the bound is retried 10% lower. */
    static final double STEP_DOWN = 0.10;
    /** Confirming runs stop below half the first confirming rate. */
    static final double FLOOR = 0.5;

    private ServerScenario() {
    }

    /** Time as the trials see it: the real clock, or a simulated one in tests. */
    interface Clock {
        long nanoTime();

        /** Returns at (or just after) {@code nanos} on this clock. */
        void waitUntil(long nanos);
    }

    /** The machine's clock: parks while far from the deadline, then spins. */
    static final Clock SYSTEM = new Clock() {
        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public void waitUntil(long nanos) {
            long wait;
            while ((wait = nanos - System.nanoTime()) > 0) {
                if (wait > 200_000) {
                    LockSupport.parkNanos(wait - 100_000);
                } else {
                    Thread.onSpinWait();
                }
            }
        }
    };

    /** What the search needs of the engine: closed-loop windows and open-loop trials. */
    interface Service {
        /** Calls back to back for about {@code seconds}; the requests served per second. */
        double closedLoopRate(double seconds);

        /** An open-loop trial at a Poisson rate for {@code seconds}. */
        Trial trial(double rate, double seconds);
    }

    /** One trial at a fixed rate: the latencies from every request's scheduled arrival. */
    record Trial(double rate, double achievedRate, double seconds, CellResult.Latency latency) {
        /** p99 within the bound; a trial that served no request proves nothing and does not meet it. */
        boolean meets(double boundMs) {
            return latency.count() > 0 && latency.p99Ms() <= boundMs;
        }

        CellResult.ServerTrial record(String kind, double boundMs) {
            return new CellResult.ServerTrial(kind, rate, achievedRate, latency.p99Ms(), meets(boundMs), seconds);
        }
    }

    /** The closed-loop capacity after warm-up, with every window it took. */
    record Capacity(double rate, List<Double> windows, boolean steady) {
    }

    /** What a search or fixed-rate run reports, and the trial whose latencies the cell shows. */
    record Outcome(CellResult.Server server, Trial reported) {
    }

    /** A request stream on a clock: the real engine call with {@link #SYSTEM}, or a simulation. */
    static Service service(Runnable request, Clock clock) {
        return new Service() {
            @Override
            public double closedLoopRate(double seconds) {
                long start = clock.nanoTime();
                long end = start + (long) (seconds * 1e9);
                long calls = 0;
                long now;
                do {
                    request.run();
                    calls++;
                    now = clock.nanoTime();
                } while (now < end);
                return calls / ((now - start) / 1e9);
            }

            @Override
            public Trial trial(double rate, double seconds) {
                return run(request, rate, seconds, clock);
            }
        };
    }

    static Trial run(Runnable request, double rate, double seconds) {
        return run(request, rate, seconds, SYSTEM);
    }

    static Trial run(Runnable request, double rate, double seconds, Clock clock) {
        long[] arrivals = PoissonSchedule.arrivals(rate, seconds, SEED);
        Latencies l = new Latencies();
        long start = clock.nanoTime();
        for (long offset : arrivals) {
            long scheduled = start + offset;
            clock.waitUntil(scheduled);
            request.run();
            long done = clock.nanoTime();
            l.record(done - scheduled);
            l.span(scheduled, done);
        }
        double elapsed = Math.max(1e-9, (clock.nanoTime() - start) / 1e9);
        return new Trial(rate, arrivals.length / elapsed, elapsed, l.summary());
    }

    /**
     * Closed-loop windows of {@code windowSeconds} until two consecutive ones agree within {@code agreement} (the
     * higher of the two is the capacity) or {@code maxSeconds} of windows have run (then the best window is).
     */
    static Capacity capacity(Service service, double windowSeconds, double agreement, double maxSeconds) {
        List<Double> windows = new ArrayList<>();
        double spent = 0;
        while (true) {
            windows.add(service.closedLoopRate(windowSeconds));
            spent += windowSeconds;
            int n = windows.size();
            if (n >= 2) {
                double a = windows.get(n - 2);
                double b = windows.get(n - 1);
                if (Math.abs(a - b) <= agreement * Math.max(a, b)) {
                    return new Capacity(Math.max(a, b), windows, true);
                }
            }
            if (spent >= maxSeconds) {
                return new Capacity(windows.stream().mapToDouble(Double::doubleValue).max().orElseThrow(), windows,
                        false);
            }
        }
    }

    /** The search with the default capacity measurement; see the class description. */
    static Outcome search(Service service, double boundMs, double probeSeconds, double confirmSeconds,
                          Consumer<String> log) {
        Capacity capacity = capacity(service, CAPACITY_WINDOW_SECONDS, CAPACITY_AGREEMENT, CAPACITY_MAX_SECONDS);
        log.accept(String.format(Locale.ROOT, "capacity %.0f requests/s (%s after %d closed-loop windows: %s)",
                capacity.rate(), capacity.steady() ? "steady" : "not steady", capacity.windows().size(),
                capacity.windows().stream().map(w -> String.format(Locale.ROOT, "%.0f", w)).toList()));
        return search(service, capacity, boundMs, probeSeconds, confirmSeconds, log);
    }

    /** Bisection from a measured capacity, then confirming runs stepping down until one meets the bound. */
    static Outcome search(Service service, Capacity capacity, double boundMs, double probeSeconds,
                          double confirmSeconds, Consumer<String> log) {
        if (!(capacity.rate() > 0)) {
            throw new IllegalArgumentException("capacity must be positive, got " + capacity.rate());
        }
        List<CellResult.ServerTrial> trials = new ArrayList<>();
        double lo = 0; // highest probe rate that met the bound
        double hi; // lowest probe rate that failed it
        Trial first = probe(service, capacity.rate(), boundMs, probeSeconds, trials, log);
        if (first.meets(boundMs)) {
            lo = capacity.rate();
            hi = Double.NaN;
            double rate = capacity.rate();
            for (int i = 0; i < MAX_ABOVE_CAPACITY_PROBES; i++) {
                rate *= ABOVE_CAPACITY_FACTOR;
                if (probe(service, rate, boundMs, probeSeconds, trials, log).meets(boundMs)) {
                    lo = rate;
                } else {
                    hi = rate;
                    break;
                }
            }
            if (Double.isNaN(hi)) {
                hi = lo; // met all the way up: no bracket left to narrow
            }
        } else {
            hi = capacity.rate();
        }
        double width = BRACKET * capacity.rate();
        while (hi - lo > width) {
            double mid = (lo + hi) / 2;
            if (probe(service, mid, boundMs, probeSeconds, trials, log).meets(boundMs)) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        // nothing passed a probe: confirm from the lowest rate probed, which may still pass at full length
        double rate = lo > 0 ? lo : hi;
        double firstConfirm = rate;
        double floor = rate * FLOOR;
        while (true) {
            Trial t = service.trial(rate, confirmSeconds);
            trials.add(t.record(CellResult.ServerTrial.CONFIRM, boundMs));
            log.accept(describe("confirm", t, boundMs));
            if (t.meets(boundMs)) {
                return new Outcome(new CellResult.Server(rate, t.achievedRate(), boundMs, true, true,
                        capacity.rate(), capacity.windows(), capacity.steady(), null, trials), t);
            }
            double next = rate * (1 - STEP_DOWN);
            if (next < floor) {
                String reason = String.format(Locale.ROOT, "no rate met the p99 bound of %s ms in a full-length "
                                + "confirming run (%d confirming runs, from %.0f down to %.0f requests/s)",
                        trimmed(boundMs), countConfirms(trials), firstConfirm, rate);
                return new Outcome(new CellResult.Server(rate, t.achievedRate(), boundMs, false, true,
                        capacity.rate(), capacity.windows(), capacity.steady(), reason, trials), t);
            }
            rate = next;
        }
    }

    /** One full-length run at a fixed rate: met or not, as measured. */
    static Outcome fixed(Service service, double rate, double boundMs, double seconds, Consumer<String> log) {
        Trial t = service.trial(rate, seconds);
        log.accept(describe("fixed", t, boundMs));
        boolean met = t.meets(boundMs);
        return new Outcome(new CellResult.Server(rate, t.achievedRate(), boundMs, met, false, null, null, null,
                met ? null : String.format(Locale.ROOT, "p99 %.3f ms over the %s ms bound at %.0f requests/s",
                        t.latency().p99Ms(), trimmed(boundMs), rate),
                List.of(t.record(CellResult.ServerTrial.FIXED, boundMs))), t);
    }

    private static Trial probe(Service service, double rate, double boundMs, double seconds,
                               List<CellResult.ServerTrial> trials, Consumer<String> log) {
        Trial t = service.trial(rate, seconds);
        trials.add(t.record(CellResult.ServerTrial.PROBE, boundMs));
        log.accept(describe("probe", t, boundMs));
        return t;
    }

    private static long countConfirms(List<CellResult.ServerTrial> trials) {
        return trials.stream().filter(x -> x.kind().equals(CellResult.ServerTrial.CONFIRM)).count();
    }

    private static String describe(String kind, Trial t, double boundMs) {
        return String.format(Locale.ROOT, "%s at %.0f requests/s: achieved %.0f/s, p99 %.3f ms, %s (%.1f s)", kind,
                t.rate(), t.achievedRate(), t.latency().p99Ms(), t.meets(boundMs) ? "met" : "over the bound",
                t.seconds());
    }

    private static String trimmed(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
}
