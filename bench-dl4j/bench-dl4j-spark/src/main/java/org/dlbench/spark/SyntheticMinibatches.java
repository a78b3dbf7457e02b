package org.dlbench.spark;

import org.apache.spark.api.java.function.Function;
import org.dlbench.core.data.SyntheticData;
import org.dlbench.core.workload.Workload;
import org.dlbench.core.workload.Workloads;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * Makes minibatch number {@code i} of a workload's {@link SyntheticData} where it runs, so a Spark executor builds its
 * own partitions from a few numbers: the task carries the batch indices and this function (the workload as JSON, the
 * seed and the batch size, about a kilobyte), never the samples. The same index gives the same minibatch on the
 * driver and on every executor, so the reference can redo what the workers trained.
 */
final class SyntheticMinibatches implements Function<Long, MultiDataSet> {
    private static final long serialVersionUID = 1L;

    private final String name;
    private final byte[] workloadJson;
    private final long seed;
    private final int batch;
    /** Built on first use in each JVM (each deserialised copy): the class prototypes. */
    private transient SyntheticData data;
    private transient Workload parsed;

    /**
     * @throws IllegalStateException if the workload does not survive its JSON round trip unchanged (the executors
     *                               would then train on other data than the driver describes)
     */
    SyntheticMinibatches(Workload workload, long seed, int batch) {
        this.name = workload.name();
        this.seed = seed;
        this.batch = batch;
        this.workloadJson = Workloads.toJson(workload);
        if (!java.util.Arrays.equals(Workloads.toJson(workload()), workloadJson)) {
            throw new IllegalStateException("workload " + name + " changes in its JSON round trip: "
                    + new String(workloadJson, java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    private Workload workload() {
        return Workloads.parse(workloadJson, "workload " + name + " sent to the Spark executors");
    }

    @Override
    public MultiDataSet call(Long index) {
        if (data == null) {
            parsed = workload();
            data = new SyntheticData(parsed, seed);
        }
        return NetworkFactory.multiDataSet(parsed, data.batch(index, batch));
    }
}
