package org.dlbench.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.Logger;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;
import org.apache.spark.Partition;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.storage.RDDInfo;
import org.dlbench.core.data.SyntheticData;
import org.dlbench.core.data.Weights;
import org.dlbench.core.workload.Workload;
import org.dlbench.core.workload.Workloads;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import scala.reflect.ClassTag$;

/**
 * A 3x32x32 CNN at 256 samples per worker on local[2], about 3 MB a minibatch: the data reaches the workers as
 * cached RDD blocks made on the executors, not inside every task. The rounds finish (the time limit is a hang guard,
 * not a speed test) with finite losses, every partition of a round is cached and serialises to a few bytes, the
 * executors' minibatches are the driver's, and Spark never warns of a large task.
 */
class SparkLargeBatchCnnTest {
    /** LeNet-like (narrower, to keep the test short), on CIFAR-sized input. */
    static final String CNN = """
            {"name": "cnn32", "description": "conv/pool/dense on 3x32x32",
             "input": [3, 32, 32], "classes": 10,
             "layers": [
               {"type": "conv2d", "filters": 4, "kernel": 5, "activation": "relu"},
               {"type": "maxpool2d", "kernel": 2},
               {"type": "conv2d", "filters": 8, "kernel": 5, "activation": "relu"},
               {"type": "maxpool2d", "kernel": 2},
               {"type": "flatten"},
               {"type": "dense", "units": 32, "activation": "relu"},
               {"type": "dense", "units": 10}
             ],
             "batchSizes": [256],
             "training": {"optimizer": "sgd", "learningRate": 0.01, "loss": "softmax_cross_entropy"}}
            """;
    private static final int BATCH = 256;
    private static final int ROUNDS = 2;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void trainsACifarSizedCnnAtBatch256WithoutShippingTheDataInTasks() {
        Workload w = Workloads.parse(CNN.getBytes(StandardCharsets.UTF_8), "test workload cnn32");
        // 2 workers x 1 minibatch of 256 a round, 2 rounds an epoch
        SparkOptions o = new SparkOptions("local[2]", 2, 1, 2 * 2 * BATCH, Duration.ofSeconds(90));
        Logger taskSetManager = (Logger) LogManager.getLogger("org.apache.spark.scheduler.TaskSetManager");
        Warnings warnings = new Warnings();
        warnings.start();
        taskSetManager.addAppender(warnings);
        long t0 = System.nanoTime();
        try (SparkTrainingSession s = SparkTrainingSession.open(w, Weights.initial(w), BATCH, o)) {
            List<String> seconds = new ArrayList<>();
            seconds.add(String.format("open %.1f s", (System.nanoTime() - t0) / 1e9));
            assertEquals(2, s.roundsPerEpoch());
            assertEquals("made_on_executors_from_batch_numbers", s.settings().get("training_data"));
            List<Float> losses = new ArrayList<>();
            for (int r = 0; r < ROUNDS; r++) {
                long t = System.nanoTime();
                float loss = s.trainStep(null);
                seconds.add(String.format("round %d %.1f s", r + 1, (System.nanoTime() - t) / 1e9));
                assertTrue(Float.isFinite(loss), "round " + r + " loss " + loss);
                losses.add(loss);
            }
            System.out.println("DL4J-Spark local[2] cnn32 batch 256 round losses " + losses + ", " + seconds);

            JavaRDD<MultiDataSet> round = s.round(0);
            for (Partition p : round.partitions()) {
                long bytes = SparkEnv.get().closureSerializer().newInstance()
                        .serialize(p, ClassTag$.MODULE$.apply(Partition.class)).remaining();
                assertTrue(bytes < 4096, "partition " + p.index() + " of a round serialises to " + bytes + " bytes");
            }
            RDDInfo info = Arrays.stream(s.context().sc().getRDDStorageInfo())
                    .filter(i -> i.id() == round.id()).findFirst().orElseThrow();
            assertEquals(2, info.numCachedPartitions(), "both workers' partitions of round 1 stay cached");

            // what the executors made is the driver's synthetic data: worker 1's minibatch of round 1 is batch 1
            MultiDataSet made = round.collect().get(1);
            DataSet expected = NetworkFactory.dataSet(w, new SyntheticData(w).batch(1, BATCH));
            assertEquals(expected.getFeatures(), made.getFeatures(0));
            assertEquals(expected.getLabels(), made.getLabels(0));
        } finally {
            taskSetManager.removeAppender(warnings);
            warnings.stop();
        }
        assertEquals(List.of(), warnings.lines, "Spark's task-size warnings");
    }

    /** Collects Spark's "task of very large size" warnings. */
    private static final class Warnings extends AbstractAppender {
        final List<String> lines = new CopyOnWriteArrayList<>();

        Warnings() {
            super("task-size-warnings", null, null, true, Property.EMPTY_ARRAY);
        }

        @Override
        public void append(LogEvent event) {
            String m = event.getMessage().getFormattedMessage();
            if (m.contains("very large size")) {
                lines.add(m);
            }
        }
    }
}
