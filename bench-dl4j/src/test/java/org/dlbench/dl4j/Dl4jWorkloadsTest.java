package org.dlbench.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.OptionalDouble;
import org.dlbench.core.adapter.Adapters;
import org.dlbench.core.adapter.Device;
import org.dlbench.core.adapter.Mode;
import org.dlbench.core.adapter.Session;
import org.dlbench.core.adapter.SessionSpec;
import org.dlbench.core.adapter.Support;
import org.dlbench.core.data.Batch;
import org.dlbench.core.data.SyntheticData;
import org.dlbench.core.data.Weights;
import org.dlbench.core.reference.Metrics;
import org.dlbench.core.reference.ReferenceModel;
import org.dlbench.core.reference.Tolerance;
import org.dlbench.core.result.Check;
import org.dlbench.core.check.CorrectnessChecks;
import org.dlbench.core.workload.Workload;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Both DL4J adapters beyond the shared conformance test: the rest of the workload language, threads, devices. */
class Dl4jWorkloadsTest {
    static final String MLN = "DL4J";
    static final String SAMEDIFF = "DL4J-SameDiff";

    @ParameterizedTest
    @CsvSource({"DL4J, strided", "DL4J, pool-first", "DL4J, flat-image",
        "DL4J-SameDiff, strided", "DL4J-SameDiff, pool-first", "DL4J-SameDiff, flat-image"})
    void customWorkloadsMatchTheReference(String engine, String name) throws Exception {
        Workload w = TestWorkloads.load(name);
        assertTrue(Adapters.byName(engine).supports(w, Mode.INFER, Device.CPU).supported());
        int batch = 5;
        Batch fixed = new SyntheticData(w).batch(77, batch);
        float[] expected = new ReferenceModel(w, Weights.initial(w)).forward(fixed.features(), batch);
        try (Session s = open(engine, w, batch, 1, Mode.INFER)) {
            Tolerance.Outcome o = Tolerance.DEFAULT.compare(s.infer(fixed.features()), expected);
            assertTrue(o.passed(), engine + " " + name + ": " + o.detail());
        }
    }

    /** The first SGD step equals the reference step on the workloads that cover strides, padding, both poolings. */
    @ParameterizedTest
    @CsvSource({"DL4J, strided", "DL4J, pool-first", "DL4J, flat-image",
        "DL4J-SameDiff, strided", "DL4J-SameDiff, pool-first", "DL4J-SameDiff, flat-image"})
    void customWorkloadsTakeTheReferenceTrainingStep(String engine, String name) throws Exception {
        Workload w = TestWorkloads.load(name);
        int batch = 4;
        try (Session s = open(engine, w, batch, 1, Mode.TRAIN)) {
            Check c = CorrectnessChecks.trainingStep(s, w, Weights.initial(w), batch);
            System.out.println(engine + " " + name + " " + c.name() + ": " + c.detail());
            assertTrue(c.passed(), engine + " " + name + ": " + c.detail());
        }
    }

    /**
     * The loss a step returns is the mean cross-entropy also when a sample's probability of its label is below
     * 1e-10, where DL4J's default MCXENT clipping would cap that sample's loss at 23.03: LeNet's second step here.
     */
    @ParameterizedTest
    @ValueSource(strings = {MLN, SAMEDIFF})
    void reportedLossIsTheCrossEntropyWhenASampleIsFarOff(String engine) throws Exception {
        Workload w = TestWorkloads.load("lenet");
        SyntheticData data = new SyntheticData(w);
        int batch = 4;
        try (Session s = open(engine, w, batch, 1, Mode.TRAIN)) {
            s.trainStep(data.batch(0, batch));
            Weights now = Weights.of(w, s.parameters());
            Batch next = data.batch(1, batch);
            float[] logits = new ReferenceModel(w, now).forward(next.features(), batch);
            double worst = 0;
            for (int i = 0; i < batch; i++) {
                worst = Math.max(worst, Metrics.crossEntropy(java.util.Arrays.copyOfRange(logits,
                        i * w.classes(), (i + 1) * w.classes()), new int[] {next.labels()[i]}, w.classes()));
            }
            assertTrue(worst > -Math.log(1e-10), "the case needs a sample loss above 23.03, worst is " + worst);
            double expected = Metrics.crossEntropy(logits, next.labels(), w.classes());
            assertEquals(expected, s.trainStep(next), 1e-4 * expected, engine);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {MLN, SAMEDIFF})
    void refusesAThreadCountItCannotApply(String engine) {
        Workload w = TestWorkloads.load("mlp");
        // surefire starts this JVM with OMP_NUM_THREADS=1
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> open(engine, w, 4, 2, Mode.INFER));
        assertTrue(e.getMessage().contains("OMP_NUM_THREADS=2"), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource({"DL4J, ComputationGraph", "DL4J-SameDiff, SameDiff"})
    void recordsItsSettings(String engine, String network) throws Exception {
        Workload w = TestWorkloads.load("mlp");
        try (Session s = open(engine, w, 4, 1, Mode.TRAIN)) {
            Map<String, String> settings = s.settings();
            assertEquals(network, settings.get("network"));
            assertEquals("1", settings.get("omp_num_threads_requested"));
            assertEquals("1", settings.get("nd4j_omp_threads"));
            assertEquals("1", settings.get("intra_op_threads"));
            assertEquals("1", settings.get("blas_threads"));
            assertEquals("CPU", settings.get("nd4j_backend"));
            assertTrue(settings.keySet().stream().allMatch(k -> k.matches("[a-z0-9_]+")), settings.toString());
            assertFalse(settings.containsValue("null"), settings.toString());
            assertTrue(s.engineVersion().startsWith("1.0.0"), s.engineVersion());
        }
    }

    @ParameterizedTest
    @CsvSource({"DL4J, infer", "DL4J, train", "DL4J-SameDiff, infer", "DL4J-SameDiff, train"})
    void saysPlainlyThatNoGpuBackendIsHere(String engine, String mode) {
        Support s = Adapters.byName(engine).supports(TestWorkloads.load("lenet"), Mode.parse(mode), new Device("gpu", 0));
        assertFalse(s.supported());
        assertTrue(s.reason().contains("nd4j-cuda"), s.reason());
    }

    @ParameterizedTest
    @ValueSource(strings = {MLN, SAMEDIFF})
    void loadEngineThenOpen(String engine) throws Exception {
        Workload w = TestWorkloads.load("lenet");
        SessionSpec spec = new SessionSpec(w, Weights.initial(w), 2, 1, Device.CPU, Mode.INFER);
        Adapters.byName(engine).loadEngine(spec);
        try (Session s = Adapters.byName(engine).open(spec)) {
            assertEquals(2 * w.classes(), s.infer(new float[2 * w.inputSize()]).length);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {MLN, SAMEDIFF})
    void sgemmCalibrationComesFromTheLayerApiAdapterOnly(String engine) throws Exception {
        OptionalDouble g = Adapters.byName(engine).sgemmGflops(128, 1, 0.05);
        assertEquals(engine.equals(MLN), g.isPresent(), engine + ": " + g);
        assertTrue(g.isEmpty() || g.getAsDouble() > 0, engine + ": " + g);
        assertThrows(IllegalStateException.class, () -> Adapters.byName(MLN).sgemmGflops(128, 2, 0.01));
    }

    @ParameterizedTest
    @ValueSource(strings = {MLN, SAMEDIFF})
    void percentOfPeakIsAgainstTheLayerApiAdaptersCalibration(String engine) {
        assertEquals(MLN, Adapters.byName(engine).calibratedBy(), engine + " computes with ND4J's BLAS");
    }

    static Session open(String engine, Workload w, int batch, int threads, Mode mode) throws Exception {
        return Adapters.byName(engine).open(new SessionSpec(w, Weights.initial(w), batch, threads, Device.CPU, mode));
    }
}
