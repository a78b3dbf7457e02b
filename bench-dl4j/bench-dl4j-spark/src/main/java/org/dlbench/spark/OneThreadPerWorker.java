package org.dlbench.spark;

import java.util.LinkedHashMap;
import java.util.Map;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.spark.api.TrainingHook;
import org.nd4j.linalg.dataset.api.DataSet;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;

/**
 * Keeps every Spark worker at one intra-op thread, so N workers use N cores. The harness starts this module's JVMs
 * with OMP_NUM_THREADS=1 ({@code dlbench-env.properties}), which sizes libnd4j's pool, ND4J's OpenBLAS pool and every
 * thread's OpenMP default to one when the natives load. For JVMs started otherwise (executors on a cluster) the
 * runtime settings are applied too, once per JVM (libnd4j's threads per op, OpenBLAS's pool) and once per worker
 * thread (its OpenMP default), before the first minibatch. libnd4j's own pool size cannot be changed after load
 * ({@code Environment.setMaxThreads} does nothing in 1.0.0-M2), so it is only read back.
 */
final class OneThreadPerWorker implements TrainingHook {
    private static final long serialVersionUID = 1L;
    private static volatile boolean applied;
    private static final ThreadLocal<Boolean> APPLIED_ON_THREAD = ThreadLocal.withInitial(() -> false);

    /** Sets libnd4j's threads per op and OpenBLAS's threads to one; returns the thread settings as read back. */
    static synchronized Map<String, String> apply() {
        if (!applied) {
            Nd4j.getEnvironment().setMaxMasterThreads(1);
            Nd4j.factory().blas().setMaxThreads(1);
            applied = true;
        }
        applyOnThisThread();
        var ops = NativeOpsHolder.getInstance().getDeviceNativeOps();
        Map<String, String> s = new LinkedHashMap<>();
        String perOp = Integer.toString(Nd4j.getEnvironment().maxMasterThreads());
        // the threads each libnd4j op runs on, per worker (its OpenMP team size)
        s.put("intra_op_threads", perOp);
        s.put("threads_per_worker", perOp);
        s.put("blas_threads", Integer.toString(Nd4j.factory().blas().getMaxThreads()));
        s.put("nd4j_pool_threads", Integer.toString(Nd4j.getEnvironment().maxThreads()));
        s.put("omp_max_threads", Integer.toString(ops.ompGetMaxThreads()));
        s.put("threads_read_back", "intra_op_threads,threads_per_worker,blas_threads,nd4j_pool_threads,"
                + "omp_max_threads");
        String omp = System.getenv("OMP_NUM_THREADS");
        s.put("omp_num_threads_requested", omp == null ? "unset" : omp.strip());
        return s;
    }

    /** OpenMP's thread count is per calling thread: a worker thread's own regions get one thread. */
    private static void applyOnThisThread() {
        if (!APPLIED_ON_THREAD.get()) {
            NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(1);
            APPLIED_ON_THREAD.set(true);
        }
    }

    private static void beforeMinibatch() {
        if (!applied) {
            apply();
        }
        applyOnThisThread();
    }

    @Override
    public void preUpdate(DataSet minibatch, Model model) {
        beforeMinibatch();
    }

    @Override
    public void preUpdate(MultiDataSet minibatch, Model model) {
        beforeMinibatch();
    }

    @Override
    public void postUpdate(DataSet minibatch, Model model) {
    }

    @Override
    public void postUpdate(MultiDataSet minibatch, Model model) {
    }
}
