package org.dlbench.dl4j;

import org.bytedeco.javacpp.Pointer;

/**
 * Frees SameDiff's native garbage in time. SameDiff 1.0.0-M2.1 releases the native arrays of a call's intermediates
 * only when the Java GC collects their wrappers, and the little Java garbage a call makes seldom triggers a GC: in a
 * test loop on the built-in transformer resident memory rose by about 0.9 GB per training step and steps took 0.5-4 s
 * instead of 0.5 s; in a default run its benchmark JVM grew to 20 GB until the OS killed it. After a call (inside the timed call, so its cost is measured),
 * at most every {@link #CHECK_NANOS}, this reads the process's resident memory and asks for a GC while it stands
 * {@link #BYTES} or more above its lowest reading (the allocator keeps freed pages, so once a model's calls need that
 * much, each call is followed by a GC and its garbage is reused by the next); {@code -Ddlbench.samediff.gc=off} leaves it to the JVM, as
 * SameDiff ships. (ND4J's own periodic GC is not active on its CPU backend, and its arrays bypass JavaCPP's byte count.)
 */
final class NativeGarbage {
    static final String PROPERTY = "dlbench.samediff.gc";
    /** Growth that asks for a GC: many steps of a small model, under one step of the transformer. */
    static final long BYTES = 256L << 20;
    /** Reading the resident size costs microseconds: at most this often, a negligible share of any call. */
    static final long CHECK_NANOS = 20_000_000L;

    private final boolean on = !"off".equals(System.getProperty(PROPERTY));
    private long low = Long.MAX_VALUE;
    private long lastCheck = System.nanoTime();
    private long collections;

    /** Called after each inference or training call. */
    void afterCall() {
        if (!on) {
            return;
        }
        long t = System.nanoTime();
        if (t - lastCheck < CHECK_NANOS) {
            return;
        }
        lastCheck = t;
        long rss = Pointer.physicalBytes();
        if (rss < low) {
            low = rss;
        } else if (rss - low > BYTES) {
            System.gc();
            collections++;
        }
    }

    long collections() {
        return collections;
    }

    /** The session setting that says what this does. */
    static String setting() {
        return !"off".equals(System.getProperty(PROPERTY)) ? "System.gc() after a call once resident memory grew by " + (BYTES >> 20) + " MB (SameDiff frees"
                + " intermediates only on GC); -D" + PROPERTY + "=off leaves it to the JVM"
                : "left to the JVM (-D" + PROPERTY + "=off)";
    }
}
