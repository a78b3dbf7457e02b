package org.dlbench.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.dlbench.core.adapter.Adapters;
import org.dlbench.core.adapter.Device;
import org.dlbench.core.adapter.Mode;
import org.dlbench.core.adapter.Session;
import org.dlbench.core.adapter.SessionSpec;
import org.dlbench.core.adapter.Support;
import org.dlbench.core.data.Batch;
import org.dlbench.core.data.SyntheticData;
import org.dlbench.core.data.Weights;
import org.dlbench.core.reference.ReferenceModel;
import org.dlbench.core.reference.Tolerance;
import org.dlbench.core.workload.Workload;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The DL4J adapter beyond the shared conformance test: the rest of the workload language, threads, devices. */
class Dl4jWorkloadsTest {

    @ParameterizedTest
    @ValueSource(strings = {"strided", "pool-first", "flat-image"})
    void customWorkloadsMatchTheReference(String name) throws Exception {
        Workload w = TestWorkloads.load(name);
        assertTrue(Adapters.byName("DL4J").supports(w, Mode.INFER, Device.CPU).supported());
        int batch = 5;
        Batch fixed = new SyntheticData(w).batch(77, batch);
        float[] expected = new ReferenceModel(w, Weights.initial(w)).forward(fixed.features(), batch);
        try (Session s = open(w, batch, 1, Mode.INFER)) {
            Tolerance.Outcome o = Tolerance.DEFAULT.compare(s.infer(fixed.features()), expected);
            assertTrue(o.passed(), name + ": " + o.detail());
        }
    }

    @Test
    void refusesAThreadCountItCannotApply() {
        Workload w = TestWorkloads.load("mlp");
        // surefire starts this JVM with OMP_NUM_THREADS=1
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> open(w, 4, 2, Mode.INFER));
        assertTrue(e.getMessage().contains("OMP_NUM_THREADS=2"), e.getMessage());
    }

    @Test
    void recordsItsSettings() throws Exception {
        Workload w = TestWorkloads.load("mlp");
        try (Session s = open(w, 4, 1, Mode.TRAIN)) {
            Map<String, String> settings = s.settings();
            assertEquals("MultiLayerNetwork", settings.get("network"));
            assertEquals("1", settings.get("omp_num_threads"));
            assertEquals("1", settings.get("nd4j_omp_threads"));
            assertEquals("CPU", settings.get("nd4j_backend"));
            assertTrue(settings.get("workspace_mode").contains("ENABLED"), settings.toString());
            assertTrue(settings.keySet().stream().allMatch(k -> k.matches("[a-z0-9_]+")), settings.toString());
            assertTrue(s.engineVersion().startsWith("1.0.0"), s.engineVersion());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"infer", "train"})
    void saysPlainlyThatNoGpuBackendIsHere(String mode) {
        Support s = Adapters.byName("DL4J").supports(TestWorkloads.load("lenet"), Mode.parse(mode), new Device("gpu", 0));
        assertFalse(s.supported());
        assertTrue(s.reason().contains("nd4j-cuda"), s.reason());
    }

    static Session open(Workload w, int batch, int threads, Mode mode) throws Exception {
        return Adapters.byName("DL4J").open(new SessionSpec(w, Weights.initial(w), batch, threads, Device.CPU, mode));
    }
}
