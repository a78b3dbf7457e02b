package org.dlbench.core.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * The plainest measure there is: {@code System.nanoTime()} around back-to-back calls of the benchmark's own call on
 * the session JMH times, nothing else in the loop. Split into chunks so that it carries its own error estimate.
 *
 * @param chunkRates calls per second of each chunk (several instances: the sum of their rates)
 * @param calls calls made in all (by every instance, when several sessions were called at once)
 * @param seconds wall time of all chunks (several instances: the time their calls take at the aggregate rate)
 * @param parallelism process CPU time over wall time during the loop
 * @param minorFaultsPerCall page faults per call during the loop (a sign of memory allocated and touched per call)
 */
public record BareLoop(List<Double> chunkRates, long calls, double seconds, double parallelism,
                       double minorFaultsPerCall) {

    /** Calls per second over the whole loop. */
    public double rate() {
        return calls / seconds;
    }

    /**
     * Calls {@code call} back to back for at least {@code nanos} and {@code minCalls} calls; returns the calls made and
     * the nanoseconds they took, with nothing but {@code System.nanoTime()} between calls.
     */
    static long[] window(Runnable call, long nanos, long minCalls) {
        long n = 0;
        long t0 = System.nanoTime();
        long t;
        do {
            call.run();
            n++;
            t = System.nanoTime();
        } while (t - t0 < nanos || n < minCalls);
        return new long[] {n, t - t0};
    }

    /**
     * A window of back-to-back calls on one session or on K instances at once: at least {@code nanos} and
     * {@code minCalls} calls (per instance); returns the calls made and the nanoseconds they took. For K instances
     * the calls are those of all instances and the nanoseconds the time they take at the sum of the instances' own
     * rates (calls over own time), the way JMH sums its threads' scores.
     */
    @FunctionalInterface
    public interface Windowed {
        long[] window(long nanos, long minCalls);
    }

    /**
     * Runs {@code call} for about {@code seconds}, in {@code chunks} equal chunks of at least {@code minCallsPerChunk}
     * calls each.
     */
    public static BareLoop run(Runnable call, double seconds, int chunks, int minCallsPerChunk) {
        return run((nanos, min) -> window(call, nanos, min), 1, seconds, chunks, minCallsPerChunk);
    }

    /**
     * The same over {@code instances} sessions called at once ({@link InstanceThreads#window}): each chunk's rate is
     * the aggregate (the sum of the instances' own rates), {@code calls} counts every instance's calls and
     * {@code seconds} is then the time those calls take at the chunks' aggregate rates, so that {@link #rate()} is
     * the aggregate too (with one instance it is the loop's wall time).
     */
    static BareLoop run(Windowed windows, int instances, double seconds, int chunks, int minCallsPerChunk) {
        long chunkNanos = Math.max(1, (long) (seconds * 1e9 / chunks));
        List<Double> rates = new ArrayList<>(chunks);
        long calls = 0;
        long timed = 0;
        ProcessClock start = ProcessClock.now();
        for (int c = 0; c < chunks; c++) {
            long[] w = windows.window(chunkNanos, minCallsPerChunk);
            rates.add(w[0] / (w[1] / 1e9));
            calls += w[0];
            timed += w[1];
        }
        ProcessClock end = ProcessClock.now();
        double wall = instances == 1 ? (end.wallNanos() - start.wallNanos()) / 1e9 : timed / 1e9;
        double faults = start.minorFaults() < 0 || end.minorFaults() < 0 ? Double.NaN
                : (end.minorFaults() - start.minorFaults()) / (double) calls;
        return new BareLoop(List.copyOf(rates), calls, wall, end.parallelismSince(start), faults);
    }
}
