package org.dlbench.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.JavaRDD;
import org.dlbench.core.adapter.Adapters;
import org.dlbench.core.adapter.Device;
import org.dlbench.core.adapter.EngineAdapter;
import org.dlbench.core.adapter.Mode;
import org.dlbench.core.data.Batch;
import org.dlbench.core.data.SyntheticData;
import org.dlbench.core.data.Weights;
import org.dlbench.core.reference.Metrics;
import org.dlbench.core.reference.ReferenceModel;
import org.dlbench.core.reference.Tolerance;
import org.dlbench.core.workload.Workload;
import org.dlbench.core.workload.Workloads;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Real data-parallel training on Spark local[2], bound to loopback: the loss falls epoch after epoch, and a job
 * that fails or hangs ends the step with a clear reason instead of hanging the benchmark.
 */
class SparkTrainingTest {
    private static final Duration LIMIT = Duration.ofSeconds(120);

    /** Two workers, two minibatches of 32 between averagings: 128 samples a round, 4 rounds an epoch of 512. */
    private static SparkOptions local2() {
        return new SparkOptions("local[2]", 2, 2, 512, Duration.ofSeconds(60));
    }

    @Test
    void adapterTrainsOnlyAndSaysWhy() {
        EngineAdapter a = Adapters.byName("DL4J-Spark");
        Workload mlp = Workloads.resolve("mlp");
        assertTrue(a.supports(mlp, Mode.TRAIN, Device.CPU).supported());
        assertTrue(a.supports(Workloads.resolve("lenet"), Mode.TRAIN, Device.CPU).supported());
        assertTrue(a.supports(Workloads.resolve("resnet"), Mode.TRAIN, Device.CPU).supported());
        assertTrue(a.supports(Workloads.resolve("mobilenet"), Mode.TRAIN, Device.CPU).supported());
        assertFalse(a.supports(mlp, Mode.INFER, Device.CPU).supported());
        assertTrue(a.supports(mlp, Mode.INFER, Device.CPU).reason().contains("single-process DL4J"));
        assertFalse(a.supports(mlp, Mode.TRAIN, new Device("gpu", 0)).supported());
        // the build keeps the parent's test environment and adds Spark's loopback binding
        assertEquals("1", System.getenv("OMP_NUM_THREADS"));
        assertEquals("127.0.0.1", System.getenv("SPARK_LOCAL_IP"));
    }

    /**
     * The sequence layers learn on Spark too: ids, causal attention, positional embedding, layernorm and a last-state
     * lstm (tinyattn); the driver starts from the reference logits and the mean loss falls every epoch (epochs of 2
     * rounds of 128 samples). The first round of every sequence and sparse workload is checked against the reference
     * in SparkTrainingStepTest.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"tinyattn"})
    void sequenceAndSparseWorkloadsLearnOnTwoWorkers(String name) {
        Workload w = GraphWorkloads.resolve(name);
        Weights weights = Weights.initial(w);
        Batch eval = new SyntheticData(w).batch(999_999, 64);
        assertTimeoutPreemptively(LIMIT, () -> {
            SparkOptions options = new SparkOptions("local[2]", 2, 2, 256, Duration.ofSeconds(60));
            try (SparkTrainingSession s = SparkTrainingSession.open(w, weights, 32, options)) {
                Tolerance.Outcome o = Tolerance.DEFAULT.compare(s.infer(eval),
                        new ReferenceModel(w, weights).forward(eval));
                assertTrue(o.passed(), name + ": driver network starts from the shared weights: " + o.detail());
                assertTrue(Float.isFinite(s.trainStep(null)), "the checked round");
                List<Double> epochLoss = new ArrayList<>();
                for (int epoch = 0; epoch < 4; epoch++) {
                    double sum = 0;
                    for (int r = 0; r < s.roundsPerEpoch(); r++) {
                        sum += s.trainStep(null);
                    }
                    epochLoss.add(sum / s.roundsPerEpoch());
                }
                System.out.println("DL4J-Spark local[2] " + name + ": epoch losses " + epochLoss);
                for (int e = 1; e < epochLoss.size(); e++) {
                    assertTrue(epochLoss.get(e) < epochLoss.get(e - 1), name + ": epoch losses " + epochLoss);
                }
            }
        });
    }

    @Test
    void mlpOnTwoLocalWorkersLearnsEpochAfterEpoch() {
        Workload w = Workloads.resolve("mlp");
        Weights weights = Weights.initial(w);
        int batch = 32;
        SyntheticData data = new SyntheticData(w);
        Batch eval = data.batch(999_999, 256);
        assertTimeoutPreemptively(LIMIT, () -> {
            try (SparkTrainingSession s = SparkTrainingSession.open(w, weights, batch, local2())) {
                // loopback only: the driver's RPC endpoint listens on 127.0.0.1
                assertEquals("127.0.0.1", SparkEnv.get().rpcEnv().address().host());
                assertEquals("127.0.0.1", s.context().getConf().get("spark.driver.bindAddress"));
                assertEquals(4, s.roundsPerEpoch());
                assertEquals(128, s.samplesPerStep(batch));

                float[] before = s.infer(eval.features());
                float[] reference = new ReferenceModel(w, weights).forward(eval.features(), eval.size());
                Tolerance.Outcome o = Tolerance.DEFAULT.compare(before, reference);
                assertTrue(o.passed(), "driver network starts from the shared weights: " + o.detail());

                assertEquals("1 minibatch per worker", s.settings().get("checked_round"));
                assertTrue(Float.isFinite(s.trainStep(null)), "the checked round: one minibatch per worker");
                List<Double> epochLoss = new ArrayList<>();
                for (int epoch = 0; epoch < 5; epoch++) {
                    double sum = 0;
                    for (int r = 0; r < s.roundsPerEpoch(); r++) {
                        float loss = s.trainStep(null);
                        assertTrue(Float.isFinite(loss), "round loss " + loss);
                        sum += loss;
                    }
                    epochLoss.add(sum / s.roundsPerEpoch());
                }
                float[] after = s.infer(eval.features());
                double heldBefore = Metrics.crossEntropy(before, eval.labels(), w.classes());
                double heldAfter = Metrics.crossEntropy(after, eval.labels(), w.classes());
                double accuracy = Metrics.accuracy(after, eval.labels(), w.classes());
                String summary = String.format("epoch losses %s, held-out loss %.3f -> %.3f, accuracy %.3f",
                        epochLoss, heldBefore, heldAfter, accuracy);
                System.out.println("DL4J-Spark local[2] mlp: " + summary);
                for (int e = 1; e < epochLoss.size(); e++) {
                    assertTrue(epochLoss.get(e) < epochLoss.get(e - 1), "loss must fall every epoch: " + summary);
                }
                assertTrue(epochLoss.get(4) < 0.8 * epochLoss.get(0), summary);
                // 512 samples are memorised faster than the teacher rule is learnt: held-out loss falls, slowly
                assertTrue(heldAfter < heldBefore, summary);

                Map<String, String> st = s.settings();
                assertEquals("local[2]", st.get("master"));
                assertEquals("2", st.get("workers"));
                assertEquals("2", st.get("averaging_frequency"));
                assertEquals("32", st.get("batch_per_worker"));
                assertEquals("512", st.get("epoch_samples"));
                assertEquals("ParameterAveragingTrainingMaster", st.get("training_master"));
                assertEquals("3.5.1", st.get("spark_version"));
                assertEquals("1.0.0-M2", st.get("dl4j_version"));
                assertEquals("1", st.get("threads_per_worker"));
                assertEquals("1", st.get("intra_op_threads"));
                assertEquals("1", st.get("blas_threads"));
                assertEquals("2", st.get("spark_task_slots"));
                assertEquals(List.of(), org.dlbench.core.result.ThreadFlags.problems(st, 2));
                assertEquals("1.0.0-M2 on Spark 3.5.1", s.engineVersion());
            }
        });
    }

    @Test
    void lenetTrainsOnTwoLocalWorkers() {
        Workload w = Workloads.resolve("lenet");
        // 2 workers x 1 minibatch of 16 per round, 2 rounds an epoch, 5 epochs
        SparkOptions o = new SparkOptions("local[2]", 2, 1, 64, Duration.ofSeconds(60));
        assertTimeoutPreemptively(LIMIT, () -> {
            try (SparkTrainingSession s = SparkTrainingSession.open(w, Weights.initial(w), 16, o)) {
                List<Float> losses = new ArrayList<>();
                for (int r = 0; r < 10; r++) {
                    losses.add(s.trainStep(null));
                }
                double first = (losses.get(0) + losses.get(1)) / 2;
                double last = (losses.get(8) + losses.get(9)) / 2;
                assertTrue(last < 0.8 * first, "lenet round losses " + losses);
            }
        });
    }

    /**
     * A graph workload (residual add, batchnorm, depthwise conv, relu6, globalavgpool) trains on two workers: the
     * round loss falls. The same layers as ResNet-20 and MobileNet, small enough for the suite.
     */
    @Test
    void aResidualGraphTrainsOnTwoLocalWorkers() {
        Workload w = GraphWorkloads.resolve("tinyres");
        // 2 workers x 2 minibatches of 16 per round, 2 rounds an epoch, 6 epochs
        SparkOptions o = new SparkOptions("local[2]", 2, 2, 128, Duration.ofSeconds(60));
        assertTimeoutPreemptively(LIMIT, () -> {
            try (SparkTrainingSession s = SparkTrainingSession.open(w, Weights.initial(w), 16, o)) {
                s.trainStep(null); // the checked round; then the configured rounds 1, 2, 1, 2, ...
                List<Float> losses = new ArrayList<>();
                for (int r = 0; r < 12; r++) {
                    losses.add(s.trainStep(null));
                }
                System.out.println("DL4J-Spark local[2] tinyres round losses " + losses);
                // each of the two rounds trains the same minibatches every epoch: compare a round with itself
                for (int r = 0; r < 2; r++) {
                    assertTrue(losses.get(10 + r) < 0.9 * losses.get(r), "tinyres round losses " + losses);
                }
            }
        });
    }

    @Test
    void anInvalidMasterUrlFailsAtOnceWithSparksReason() {
        Workload w = Workloads.resolve("mlp");
        RuntimeException e = assertTimeoutPreemptively(LIMIT, () -> assertThrows(RuntimeException.class,
                () -> SparkTrainingSession.open(w, Weights.initial(w), 8, local2().withMaster("nonsense://nowhere"))));
        assertTrue(String.valueOf(e.getMessage()).contains("Could not parse Master URL"), e.toString());
    }

    @Test
    void aFailingJobEndsTheStepWithTheWorkersErrorAndTheSessionStaysUsable() {
        Workload w = Workloads.resolve("mlp");
        assertTimeoutPreemptively(LIMIT, () -> {
            try (SparkTrainingSession s = SparkTrainingSession.open(w, Weights.initial(w), 8, local2())) {
                // features of the wrong width: DL4J refuses them inside the Spark task
                List<DataSet> bad = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    bad.add(new DataSet(Nd4j.rand(8, 5), Nd4j.zeros(8, 10)));
                }
                JavaRDD<DataSet> rdd = s.context().parallelize(bad, 2);
                RuntimeException e = assertThrows(RuntimeException.class, () -> s.fit("bad data", rdd));
                Throwable root = e;
                while (root.getCause() != null) {
                    root = root.getCause();
                }
                assertTrue(e.getMessage().contains("Spark job 'bad data' failed"), e.getMessage());
                // the runner reports the innermost cause: DL4J's own words from inside the task
                assertTrue(String.valueOf(root.getMessage()).contains("does not match layer input size"),
                        root.toString());
                assertTrue(Float.isFinite(s.trainStep(null)), "a good round still trains after a failed one");
            }
        });
    }

    @Test
    void aHangingJobIsCancelledAtTheTimeLimit() {
        Workload w = Workloads.resolve("mlp");
        assertTimeoutPreemptively(LIMIT, () -> {
            try (SparkTrainingSession s = SparkTrainingSession.open(w, Weights.initial(w), 8,
                    local2().withJobTimeout(Duration.ofSeconds(3)))) {
                JavaRDD<DataSet> hanging = s.context().parallelize(List.of(1, 2), 2).map(i -> {
                    Thread.sleep(600_000);
                    return (DataSet) null;
                });
                long start = System.nanoTime();
                SparkJobException e = assertThrows(SparkJobException.class, () -> s.fit("hanging job", hanging));
                double seconds = (System.nanoTime() - start) / 1e9;
                assertTrue(e.getMessage().contains("did not finish within 3 s"), e.getMessage());
                assertTrue(e.getMessage().contains("DLBENCH_SPARK_JOB_TIMEOUT"), e.getMessage());
                assertTrue(seconds < 30, "gave up after " + seconds + " s");
            }
        });
    }
}
