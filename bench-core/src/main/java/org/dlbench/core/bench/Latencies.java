package org.dlbench.core.bench;

import java.util.function.LongSupplier;
import org.HdrHistogram.Histogram;
import org.dlbench.core.result.CellResult;

/** Per-call latency in an HdrHistogram (3 significant digits, up to an hour), summarised as percentiles. */
public final class Latencies {
    private final Histogram histogram = new Histogram(3_600_000_000_000L, 3);
    private long started = -1;
    private long ended;

    public void record(long nanos) {
        histogram.recordValue(Math.max(0, Math.min(nanos, histogram.getHighestTrackableValue())));
    }

    public void span(long startNanos, long endNanos) {
        if (started < 0) {
            started = startNanos;
        }
        ended = endNanos;
    }

    /**
     * Adds another recording's calls (another instance's, timed at the same time) to this one: the percentiles are
     * then per call across instances, and the span runs from the first call's start to the last call's end.
     */
    public Latencies add(Latencies other) {
        histogram.add(other.histogram);
        if (other.started >= 0) {
            started = started < 0 ? other.started : Math.min(started, other.started);
            ended = Math.max(ended, other.ended);
        }
        return this;
    }

    public long count() {
        return histogram.getTotalCount();
    }

    /** Count, mean and percentiles in milliseconds, and the seconds the recorded calls spanned. */
    public CellResult.Latency summary() {
        double ms = 1e6;
        return new CellResult.Latency(histogram.getTotalCount(), histogram.getMean() / ms,
                histogram.getValueAtPercentile(50) / ms, histogram.getValueAtPercentile(90) / ms,
                histogram.getValueAtPercentile(99) / ms, histogram.getValueAtPercentile(99.9) / ms,
                histogram.getMaxValue() / ms, started < 0 ? 0 : (ended - started) / 1e9);
    }

    /**
     * Closed loop: calls {@code call} back to back, first for {@code warmupSeconds} unrecorded, then until both
     * {@code minSeconds} and {@code minCount} calls are reached.
     */
    public static Latencies closedLoop(Runnable call, double warmupSeconds, double minSeconds, long minCount,
                                LongSupplier clock) {
        return closedLoop(call, warmupSeconds, minSeconds, minCount, Double.POSITIVE_INFINITY, clock);
    }

    /**
     * The same, but never recording for longer than {@code maxSeconds} (at least one call): a slow engine (a second
     * per call) gets fewer than {@code minCount} samples, which its verdict then says, instead of running for minutes.
     */
    public static Latencies closedLoop(Runnable call, double warmupSeconds, double minSeconds, long minCount,
                                double maxSeconds, LongSupplier clock) {
        long warmEnd = clock.getAsLong() + (long) (warmupSeconds * 1e9);
        while (clock.getAsLong() < warmEnd) {
            call.run();
        }
        Latencies l = new Latencies();
        long start = clock.getAsLong();
        long minEnd = start + (long) (minSeconds * 1e9);
        double maxNanos = maxSeconds * 1e9;
        long now = start;
        while ((now < minEnd || l.count() < minCount) && (l.count() == 0 || now - start < maxNanos)) {
            long t0 = clock.getAsLong();
            call.run();
            now = clock.getAsLong();
            l.record(now - t0);
            l.span(t0, now);
        }
        return l;
    }
}
