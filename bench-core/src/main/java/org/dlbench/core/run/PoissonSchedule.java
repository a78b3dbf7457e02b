package org.dlbench.core.run;

import java.util.Random;

/**
 * Arrival times of requests in the server scenario: a Poisson process (exponential gaps with mean 1/rate), seeded
 * so that every engine faces the same arrivals.
 */
public final class PoissonSchedule {
    private PoissonSchedule() {
    }

    /** Arrival offsets in nanoseconds from the start, covering {@code seconds}. */
    public static long[] arrivals(double ratePerSecond, double seconds, long seed) {
        if (!(ratePerSecond > 0) || !(seconds > 0)) {
            throw new IllegalArgumentException("rate and duration must be positive");
        }
        Random random = new Random(seed);
        int expected = (int) Math.min(Integer.MAX_VALUE - 8, Math.ceil(ratePerSecond * seconds * 1.5) + 16);
        long[] buffer = new long[expected];
        double t = 0;
        int n = 0;
        double end = seconds * 1e9;
        while (true) {
            // inverse transform of U in (0, 1]: never log(0)
            t += -Math.log(1.0 - random.nextDouble()) / ratePerSecond * 1e9;
            if (t >= end) {
                break;
            }
            if (n == buffer.length) {
                buffer = java.util.Arrays.copyOf(buffer, buffer.length * 2);
            }
            buffer[n++] = (long) t;
        }
        return java.util.Arrays.copyOf(buffer, n);
    }
}
