package org.dlbench.core.run;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.dlbench.core.result.CellResult;

/**
 * MLPerf-style server scenario on one inference stream: requests arrive on a Poisson schedule (open loop), and each
 * request's latency runs from its scheduled arrival, not from when the engine got round to it, so queueing behind
 * a slow call counts (no coordinated omission).
 */
final class ServerScenario {
    static final long SEED = 20261126L;

    private ServerScenario() {
    }

    /** One trial at a fixed rate. */
    record Trial(double rate, double achievedRate, Latencies latencies) {
        boolean meets(double boundMs) {
            return latencies.summary().p99Ms() <= boundMs;
        }
    }

    static Trial run(Runnable request, double rate, double seconds) {
        long[] arrivals = PoissonSchedule.arrivals(rate, seconds, SEED);
        Latencies l = new Latencies();
        long start = System.nanoTime();
        for (long offset : arrivals) {
            long scheduled = start + offset;
            long wait;
            while ((wait = scheduled - System.nanoTime()) > 0) {
                if (wait > 200_000) {
                    LockSupport.parkNanos(wait - 100_000);
                } else {
                    Thread.onSpinWait();
                }
            }
            request.run();
            long done = System.nanoTime();
            l.record(done - scheduled);
            l.span(scheduled, done);
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        return new Trial(rate, arrivals.length / elapsed, l);
    }

    /**
     * Searches the highest rate whose p99 stays under the bound: capacity from a closed loop first, then bisection
     * over short trials, then a full-length run at the rate found.
     */
    static CellResult.Server search(Runnable request, double boundMs, double trialSeconds, double finalSeconds,
                                    List<Trial> finalTrial) {
        Latencies closed = Latencies.closedLoop(request, 0.5, 1.0, 50, System::nanoTime);
        double capacity = 1e3 / Math.max(1e-6, closed.summary().meanMs());
        double lo = 0;
        double hi = capacity;
        List<Double> tried = new ArrayList<>();
        for (int step = 0; step < 7; step++) {
            double rate = step == 0 ? capacity * 0.5 : (lo + hi) / 2;
            tried.add(rate);
            if (run(request, rate, trialSeconds).meets(boundMs)) {
                lo = rate;
            } else {
                hi = rate;
            }
        }
        double rate = lo > 0 ? lo : capacity * 0.01;
        Trial last = run(request, rate, finalSeconds);
        finalTrial.add(last);
        return new CellResult.Server(rate, last.achievedRate(), boundMs, last.meets(boundMs), true, tried);
    }
}
