package org.dlbench.spark;

import java.util.LinkedHashMap;
import java.util.Map;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.spark.api.TrainingHook;
import org.nd4j.linalg.dataset.api.DataSet;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Keeps every Spark worker at one intra-op thread, so N workers use N cores: libnd4j's parallel loops and
 * OpenBLAS take their thread counts from process-wide settings that default to OMP_NUM_THREADS or all cores. The
 * driver applies them when a session opens (in local mode the executor is the driver's JVM); as a training hook the
 * same settings reach executor JVMs on a cluster, once per JVM, before their first minibatch.
 */
final class OneThreadPerWorker implements TrainingHook {
    private static final long serialVersionUID = 1L;
    private static volatile boolean applied;

    /** Sets nd4j's and OpenBLAS's thread counts to one; returns them as read back. */
    static synchronized Map<String, String> apply() {
        if (!applied) {
            Nd4j.getEnvironment().setMaxThreads(1);
            Nd4j.getEnvironment().setMaxMasterThreads(1);
            Nd4j.factory().blas().setMaxThreads(1);
            applied = true;
        }
        Map<String, String> s = new LinkedHashMap<>();
        s.put("threads_per_worker", Integer.toString(Nd4j.getEnvironment().maxThreads()));
        s.put("blas_threads", Integer.toString(Nd4j.factory().blas().getMaxThreads()));
        String omp = System.getenv("OMP_NUM_THREADS");
        s.put("omp_num_threads_env", omp == null ? "unset" : omp);
        return s;
    }

    @Override
    public void preUpdate(DataSet minibatch, Model model) {
        if (!applied) {
            apply();
        }
    }

    @Override
    public void preUpdate(MultiDataSet minibatch, Model model) {
        if (!applied) {
            apply();
        }
    }

    @Override
    public void postUpdate(DataSet minibatch, Model model) {
    }

    @Override
    public void postUpdate(MultiDataSet minibatch, Model model) {
    }
}
