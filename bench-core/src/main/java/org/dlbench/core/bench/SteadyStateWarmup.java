package org.dlbench.core.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * Warm-up that waits for steady state instead of a fixed time: the call runs in windows of equal length for at least
 * a minimum time and then until the mean rate of the last two windows is within {@link #TOLERANCE} of the two before
 * them (no trend left), or a time cap is reached. The minimum matters: engines measured here kept speeding up for 5-7
 * s after their first call (JIT compilation of the Java call path, the first garbage collections), slowly enough
 * that two short pairs of windows could agree on the way. A fixed warm-up that ends while an engine is still speeding up (JIT, allocator, lazy kernels)
 * would time the warm-up. JMH's own warm-up iterations still follow.
 *
 * @param windowRates calls per second of every window
 * @param seconds how long the warm-up ran
 * @param steady whether the rule was met before the cap
 */
public record SteadyStateWarmup(List<Double> windowRates, double seconds, boolean steady) {
    /** Consecutive pairs of windows may differ by this much and still count as steady. */
    public static final double TOLERANCE = 0.05;
    /** Windows needed before the rule can be met (two pairs). */
    public static final int MIN_WINDOWS = 4;

    /** Whether the window rates so far meet the rule. */
    public static boolean isSteady(List<Double> rates) {
        int n = rates.size();
        if (n < MIN_WINDOWS) {
            return false;
        }
        double last = (rates.get(n - 1) + rates.get(n - 2)) / 2;
        double before = (rates.get(n - 3) + rates.get(n - 4)) / 2;
        return before > 0 && Math.abs(last / before - 1) <= TOLERANCE;
    }

    /**
     * Runs windows of {@code windowSeconds} for at least {@code minSeconds}, then until steady or {@code capSeconds};
     * a cap of 0 skips the warm-up.
     */
    public static SteadyStateWarmup run(Runnable call, double windowSeconds, double minSeconds, double capSeconds) {
        return run((nanos, min) -> BareLoop.window(call, nanos, min), windowSeconds, minSeconds, capSeconds);
    }

    /**
     * The same over windows of several instances called at once ({@link InstanceThreads#window}): the rule applies
     * to their aggregate rate.
     */
    static SteadyStateWarmup run(BareLoop.Windowed windows, double windowSeconds, double minSeconds,
                                 double capSeconds) {
        List<Double> rates = new ArrayList<>();
        if (capSeconds <= 0 || windowSeconds <= 0) {
            return new SteadyStateWarmup(List.of(), 0, false);
        }
        long windowNanos = (long) (windowSeconds * 1e9);
        long start = System.nanoTime();
        while (true) {
            long[] w = windows.window(windowNanos, 1);
            rates.add(w[0] / (w[1] / 1e9));
            long t = System.nanoTime();
            if ((t - start) / 1e9 >= minSeconds && isSteady(rates)) {
                return new SteadyStateWarmup(List.copyOf(rates), (t - start) / 1e9, true);
            }
            if ((t - start) / 1e9 >= capSeconds) {
                return new SteadyStateWarmup(List.copyOf(rates), (t - start) / 1e9, false);
            }
        }
    }
}
