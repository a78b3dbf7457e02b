package org.dlbench.core.adapter;

import org.dlbench.core.workload.Workload;

/**
 * Turns a workload definition into a real model of one engine. Implementations are registered in
 * {@code META-INF/services/org.dlbench.core.adapter.EngineAdapter} and must be cheap to construct: no engine is
 * loaded until {@link #open}.
 */
public interface EngineAdapter {

    /** Unique engine name used on the command line and in results, e.g. {@code PyTorch}. */
    String name();

    /** Whether this engine can run the workload in this mode on this device, and if not, why. */
    Support supports(Workload workload, Mode mode, Device device);

    /** Builds the model and loads the shared weights; the thread count is applied before the engine starts. */
    Session open(SessionSpec spec) throws Exception;

    /**
     * Loads the engine's natives and applies the thread setting without building a model, so that engine start-up
     * is timed apart from model building. Adapters that do not override it have their start-up counted in
     * {@link #open}.
     */
    default void loadEngine(SessionSpec spec) throws Exception {
    }

    /**
     * Environment variables the child JVMs of this engine's cells need beyond the harness's defaults, with
     * {@code {threads}} replaced by the cell's thread count; an empty value removes the variable (for example the
     * default {@code OMP_NUM_THREADS}, for an engine whose own thread setting must govern alone). The runner reads
     * it from the engine module's child JVM when it lists the engines.
     */
    default java.util.Map<String, String> environment() {
        return java.util.Map.of();
    }

    /**
     * Optional: GFLOP/s of an n x n float32 matrix multiply with this engine's own BLAS, measured for about
     * {@code seconds} at {@code threads} threads. The harness calls it several times in one JVM and records the
     * median: each result's efficiency is against its own engine's median (see {@link #calibratedBy}), and the best
     * engine's is shown beside it.
     */
    default java.util.OptionalDouble sgemmGflops(int n, int threads, double seconds) throws Exception {
        return java.util.OptionalDouble.empty();
    }

    /**
     * The engine whose {@link #sgemmGflops} measures the library this engine computes with, so that its % of peak
     * is against its own library: itself by default. An adapter that runs on another adapter's library (the same
     * native runtime under another API) names that adapter. An engine without such a calibration is measured
     * against the best engine's peak, and its results say so.
     */
    default String calibratedBy() {
        return name();
    }

    /**
     * The engine's named variants (native builds, switch sets or both), fastest expected first, exactly one of them
     * {@link org.dlbench.core.variant.Variant#shipped}: the engine as its users get it. A variant's switches reach the
     * cell's JVMs as system properties and environment variables; the adapter reads them when it opens a session and
     * reports what the engine applied in {@link Session#settings}. The default is one shipped variant without
     * switches.
     */
    default java.util.List<org.dlbench.core.variant.Variant> variants() {
        return java.util.List.of(org.dlbench.core.variant.Variant.shippedOnly(name()));
    }

    // --- concurrent instances (issue 14) ---

    /**
     * Whether this engine's compute threads belong to each session or to the whole process, recorded with every cell
     * that measures more than one instance ({@link ThreadPoolScope#SETTING}). The default does not know.
     */
    default ThreadPoolScope threadPoolScope() {
        return ThreadPoolScope.unknown("the adapter does not say whether its engine's thread pool is per session");
    }

    /**
     * Whether {@code instances} independent sessions of this engine can be opened in one process and called at once
     * from as many Java threads; yes by default (every session is built by {@link #open}).
     */
    default Support supportsInstances(int instances) {
        return Support.yes();
    }

    /**
     * Environment variables the child JVMs of this engine's cells of more than one instance need besides
     * {@link #environment} (MXNet's NaiveEngine, for one); the runner reads it when it lists the engines.
     */
    default java.util.Map<String, String> instancesEnvironment() {
        return java.util.Map.of();
    }
}
