package org.dlbench.core.result;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Flags thread setups that make a number measure something other than the requested thread count, from a cell's
 * standardized thread settings (the keys described in {@link org.dlbench.core.adapter.Session#settings}).
 */
public final class ThreadFlags {
    /** Standard keys; see {@link org.dlbench.core.adapter.Session#settings}. */
    public static final String INTRA_OP = "intra_op_threads";
    public static final String INTER_OP = "inter_op_threads";
    public static final String BLAS = "blas_threads";
    public static final String WORKERS = "workers";
    public static final String REQUESTED = "_requested";
    public static final String READ_BACK = "threads_read_back";
    public static final String IDLE_WAIT = "pool_idle_wait";

    private ThreadFlags() {
    }

    /**
     * Why the cell's thread setup is suspect, one reason per problem; empty when it is sound.
     *
     * <ul>
     *   <li>no intra-op thread setting recorded at all (neither read back nor requested);</li>
     *   <li>a read-back pool size that differs from what was requested: the intra-op pool (per worker when
     *       {@code workers} is recorded: then the requested threads are workers x threads per worker) or a
     *       BLAS pool larger than the requested threads;</li>
     *   <li>a requested-only value that differs from the request (the adapter asked the engine for the wrong
     *       count);</li>
     *   <li>an engine pool and a separate BLAS pool both at N &gt; 1 whose idle threads spin: while one pool
     *       computes, the other's threads poll, so up to 2N-1 threads compete for N cores.</li>
     * </ul>
     */
    public static List<String> problems(Map<String, String> settings, int requestedThreads) {
        List<String> out = new ArrayList<>();
        Map<String, String> s = settings == null ? Map.of() : settings;
        Integer workers = number(s, WORKERS);
        int perWorker = workers != null && workers > 0 ? Math.max(1, requestedThreads / workers) : requestedThreads;
        if (workers != null && workers != requestedThreads) {
            out.add(String.format(Locale.ROOT, "read-back workers %d differ from requested %d", workers,
                    requestedThreads));
        }
        Integer intra = number(s, INTRA_OP);
        Integer intraRequested = number(s, INTRA_OP + REQUESTED);
        if (intra == null && intraRequested == null) {
            out.add("no intra-op thread setting recorded (neither " + INTRA_OP + " nor " + INTRA_OP + REQUESTED + ")");
        }
        String what = workers != null ? " per worker" : "";
        if (intra != null && intra != perWorker) {
            out.add(String.format(Locale.ROOT, "read-back intra-op threads %d%s differ from requested %d%s", intra,
                    what, perWorker, what));
        }
        if (intraRequested != null && intraRequested != perWorker) {
            out.add(String.format(Locale.ROOT, "requested intra-op threads %d%s differ from the cell's %d%s",
                    intraRequested, what, perWorker, what));
        }
        Integer blas = number(s, BLAS);
        if (blas == null) {
            blas = number(s, BLAS + REQUESTED);
        }
        if (blas != null && blas > perWorker) {
            out.add(String.format(Locale.ROOT, "BLAS pool %d%s exceeds requested %d%s", blas, what, perWorker, what));
        }
        Integer engine = intra != null ? intra : intraRequested;
        if (engine != null && blas != null && engine > 1 && blas > 1 && engine == perWorker && blas == perWorker
                && !"passive".equalsIgnoreCase(s.getOrDefault(IDLE_WAIT, "").strip())) {
            out.add(String.format(Locale.ROOT, "engine pool %d and BLAS pool %d both at N=%d with %s idle threads: "
                    + "up to %d threads compete for %d cores", engine, blas, perWorker,
                    s.containsKey(IDLE_WAIT) ? s.get(IDLE_WAIT).strip() : "spinning (not recorded passive)",
                    2 * perWorker - 1, perWorker));
        }
        return out;
    }

    /** The integer at a key, or null when absent or not a number. */
    private static Integer number(Map<String, String> s, String key) {
        String v = s.get(key);
        if (v == null) {
            return null;
        }
        try {
            return Integer.parseInt(v.strip());
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
