package org.dlbench.djl.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.dlbench.core.adapter.Device;
import org.dlbench.core.adapter.Mode;
import org.dlbench.core.adapter.Session;
import org.dlbench.core.adapter.Support;
import org.dlbench.core.testkit.AdapterConformanceTest;
import org.dlbench.core.workload.Workload;
import org.dlbench.core.workload.Workloads;
import org.junit.jupiter.api.Test;

/** The shared acceptance test for ONNX Runtime (inference only), plus what this adapter records and refuses. */
class OnnxRuntimeConformanceTest extends AdapterConformanceTest {

    @Override
    protected String engine() {
        return "OnnxRuntime";
    }

    @Override
    protected boolean trains() {
        return false;
    }

    @Test
    void recordsTheSettingsItApplied() throws Exception {
        Workload w = Workloads.resolve("mlp");
        try (Session s = open(w, 4, Mode.INFER)) {
            Map<String, String> settings = s.settings();
            assertEquals(s.engineVersion(), settings.get("ort_version"));
            assertTrue(s.engineVersion().matches("\\d+\\.\\d+\\.\\d+.*"), s.engineVersion());
            assertEquals("1", settings.get("intra_op_threads_requested"));
            assertEquals("1", settings.get("inter_op_threads_requested"));
            assertEquals("ALL_OPT", settings.get("ort_opt_level_requested"));
            // read back from the session's options
            assertEquals("1", settings.get("ort_allow_spinning"));
            assertTrue(settings.get("threads_read_back").startsWith("none: "), settings.toString());
            assertEquals(java.util.List.of(), org.dlbench.core.result.ThreadFlags.problems(settings, 1));
            assertEquals("CPU", settings.get("execution_provider"));
            // ORT ran on its own: no PyTorch or MXNet natives were loaded as DJL's helper engine
            assertEquals("none", settings.get("helper_engine"));
        }
    }

    @Test
    void refusesTrainingAndGpuInItsOwnTerms() {
        Workload w = Workloads.resolve("mlp");
        Support train = adapter().supports(w, Mode.TRAIN, Device.CPU);
        assertFalse(train.supported());
        assertTrue(train.reason().contains("inference only"), train.reason());
        if (!OnnxRuntimeAdapter.cudaProviderOnClasspath()) {
            Support gpu = adapter().supports(w, Mode.INFER, new Device("gpu", 0));
            assertFalse(gpu.supported());
            assertTrue(gpu.reason().contains("CPU build"), gpu.reason());
        }
    }
}
