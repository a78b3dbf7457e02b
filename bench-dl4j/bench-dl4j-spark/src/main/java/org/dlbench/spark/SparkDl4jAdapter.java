package org.dlbench.spark;

import org.dlbench.core.adapter.Device;
import org.dlbench.core.adapter.EngineAdapter;
import org.dlbench.core.adapter.Mode;
import org.dlbench.core.adapter.Session;
import org.dlbench.core.adapter.SessionSpec;
import org.dlbench.core.adapter.Support;
import org.dlbench.core.workload.Workload;

/**
 * Deeplearning4j data-parallel training on Apache Spark: {@code SparkComputationGraph} (every workload is built as a
 * ComputationGraph) with parameter averaging.
 * The harness's threads column is the number of Spark workers ({@code local[threads]} unless
 * {@code DLBENCH_SPARK_MASTER} names another master); each worker trains with one intra-op thread.
 */
public final class SparkDl4jAdapter implements EngineAdapter {
    public static final String NAME = "DL4J-Spark";

    @Override
    public String name() {
        return NAME;
    }

    /**
     * Every Spark worker trains with DL4J's ND4J BLAS (one thread each): % of peak is against the single-process DL4J
     * engine's calibration at the same thread count (the number of workers).
     */
    @Override
    public String calibratedBy() {
        return "DL4J";
    }

    @Override
    public Support supports(Workload workload, Mode mode, Device device) {
        if (mode == Mode.INFER) {
            return Support.no("DL4J on Spark is measured for data-parallel training; inference is the single-process"
                    + " DL4J engine's cell");
        }
        if (!device.isCpu()) {
            return Support.no("no CUDA backend (nd4j-cuda) on this module's classpath: DL4J on Spark runs on nd4j-native"
                    + " (CPU) here");
        }
        String reason = NetworkFactory.unsupportedReason(workload);
        return reason == null ? Support.yes() : Support.no(reason);
    }

    @Override
    public Session open(SessionSpec spec) {
        // a session trains; the harness's forward check also reads logits from it, whatever the mode
        Support s = supports(spec.workload(), Mode.TRAIN, spec.device());
        if (!s.supported()) {
            throw new IllegalArgumentException(s.reason());
        }
        return SparkTrainingSession.open(spec.workload(), spec.weights(), spec.batchSize(),
                SparkOptions.configured(spec.threads()));
    }

    /** One Spark context per JVM, whose workers are already the parallelism measured: no concurrent sessions. */
    @Override
    public Support supportsInstances(int instances) {
        return instances <= 1 ? Support.yes() : Support.no("DL4J on Spark runs one Spark context per JVM and its "
                + "workers are the parallelism it measures; concurrent instances are not supported");
    }

    /** Every worker of the one Spark context shares the process's ND4J runtime. */
    @Override
    public org.dlbench.core.adapter.ThreadPoolScope threadPoolScope() {
        return org.dlbench.core.adapter.ThreadPoolScope.process("one Spark context per JVM; its local workers share the process's ND4J runtime "
                + "(one OpenMP thread each)");
    }
}
