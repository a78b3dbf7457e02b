package org.dlbench.djl.block;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalDouble;
import org.dlbench.core.adapter.Adapters;
import org.dlbench.core.adapter.Device;
import org.dlbench.core.adapter.EngineAdapter;
import org.dlbench.core.adapter.Mode;
import org.dlbench.core.adapter.Session;
import org.dlbench.core.adapter.SessionSpec;
import org.dlbench.core.data.Weights;
import org.dlbench.core.workload.Workload;
import org.dlbench.core.workload.Workloads;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The harness's start-up split (loadEngine, then open) and its BLAS calibration hook. */
class EngineStartTest {

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void loadEngineThenOpen(String engine) throws Exception {
        Workload w = Workloads.resolve("lenet");
        EngineAdapter adapter = Adapters.byName(engine);
        SessionSpec spec = new SessionSpec(w, Weights.initial(w), 2, 1, Device.CPU, Mode.INFER);
        adapter.loadEngine(spec);
        try (Session s = adapter.open(spec)) {
            assertEquals(2 * w.classes(), s.infer(new float[2 * w.inputSize()]).length);
            assertEquals("block", s.settings().get("api"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void sgemmCalibrationGivesARate(String engine) throws Exception {
        OptionalDouble g = Adapters.byName(engine).sgemmGflops(128, 1, 0.05);
        assertTrue(g.isPresent() && g.getAsDouble() > 0, engine + ": " + g);
        System.out.printf("%s sgemm 128 at 1 thread: %.1f GFLOP/s (not a benchmark, just alive)%n", engine,
                g.getAsDouble());
    }
}
