package org.dlbench.paddle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import java.nio.charset.StandardCharsets;
import java.util.Set;
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
import org.dlbench.core.workload.Workloads;
import org.junit.jupiter.api.Test;

/** What the conformance test does not cover: the other operators, recorded settings and this module's classpath. */
class PaddleSessionTest {

    /** Strided, padded convolutions, both pools, tanh and sigmoid, in one small network. */
    private static final String ALL_OPS = """
            {"name": "paddle-ops", "input": [3, 12, 12], "classes": 3, "layers": [
              {"type": "conv2d", "filters": 4, "kernel": 3, "stride": 2, "padding": 1, "activation": "tanh"},
              {"type": "avgpool2d", "kernel": 2},
              {"type": "conv2d", "filters": 5, "kernel": 2, "activation": "sigmoid"},
              {"type": "maxpool2d", "kernel": 2, "stride": 1},
              {"type": "flatten"},
              {"type": "dense", "units": 7, "activation": "sigmoid"},
              {"type": "dense", "units": 6, "activation": "tanh"},
              {"type": "dense", "units": 3}
            ]}""";

    /**
     * What resnet and mobilenet do not reach: grouped (1 < groups < channels) convolution, a three-input add, batchnorm
     * on flat [N, C] input, and a node whose name looks like another node's variable.
     */
    static final String BRANCHES = """
            {"name": "paddle-graph", "input": [4, 6, 6], "classes": 3, "nodes": [
              {"name": "stem", "type": "conv2d", "filters": 4, "kernel": 3, "padding": 1},
              {"name": "stem.conv2d", "type": "batchnorm", "activation": "relu6", "epsilon": 0.001},
              {"name": "dw", "type": "conv2d", "filters": 4, "groups": 4, "kernel": 3, "padding": 1},
              {"name": "gc", "type": "conv2d", "filters": 4, "groups": 2, "kernel": 1, "activation": "relu6"},
              {"name": "join", "type": "add", "inputs": ["gc", "stem.conv2d", "dw"], "activation": "relu"},
              {"name": "pool", "type": "globalavgpool"},
              {"name": "flatbn", "type": "batchnorm", "activation": "tanh"},
              {"name": "fc", "type": "dense", "units": 3}
            ]}""";

    @Test
    void branchingGraphWithEveryNewLayerMatchesTheReference() throws Exception {
        assertMatches(Workloads.parse(BRANCHES.getBytes(StandardCharsets.UTF_8), "test"), 4);
    }

    @Test
    void everyLayerTypeAndActivationMatchesTheReference() throws Exception {
        assertMatches(Workloads.parse(ALL_OPS.getBytes(StandardCharsets.UTF_8), "test"), 5);
    }

    private static void assertMatches(Workload w, int batch) throws Exception {
        Weights weights = Weights.initial(w);
        Batch data = new SyntheticData(w).batch(3, batch);
        float[] expected = new ReferenceModel(w, weights).forward(data.features(), batch);
        try (Session s = Adapters.byName("PaddlePaddle").open(
                new SessionSpec(w, weights, batch, 1, Device.CPU, Mode.INFER))) {
            Tolerance.Outcome o = Tolerance.DEFAULT.compare(s.infer(data.features()), expected);
            assertTrue(o.passed(), o.detail());
        }
    }

    @Test
    void recordsItsSettingsAndAppliesTheThreadCount() throws Exception {
        Workload w = Workloads.resolve("mlp");
        try (Session s = new PaddleAdapter().open(new SessionSpec(w, Weights.initial(w), 1, 2, Device.CPU,
                Mode.INFER))) {
            assertEquals("2.3.2", s.engineVersion());
            assertEquals("2", s.settings().get("intra_op_threads_requested"));
            assertEquals("2", s.settings().get("cpu_math_library_num_threads_requested"));
            assertTrue(s.settings().get("threads_read_back").startsWith("none: "), s.settings().toString());
            assertEquals(java.util.List.of(), org.dlbench.core.result.ThreadFlags.problems(s.settings(), 2));
            // no dlbench.paddle.* property: Paddle's own default
            assertEquals("true", s.settings().get("ir_optim_requested"));
            assertEquals("0.27.0", s.settings().get("djl_version"));
            // batch 1 works too: the program's batch dimension is free
            assertEquals(10, s.infer(new float[784]).length);
        }
    }

    @Test
    void refusesTrainingAndGpuWithReasons() {
        Workload w = Workloads.resolve("lenet");
        PaddleAdapter a = new PaddleAdapter();
        Support train = a.supports(w, Mode.TRAIN, Device.CPU);
        assertFalse(train.supported());
        assertEquals("PaddlePaddle through DJL runs inference only", train.reason());
        Support gpu = a.supports(w, Mode.INFER, Device.parse("gpu:0"));
        assertFalse(gpu.supported());
        assertTrue(gpu.reason().contains("paddlepaddle-native-cpu"), gpu.reason());
    }

    @Test
    void classpathHoldsDjl027AndNoOtherEngine() {
        // a DJL 0.36 api or engine leaking in would break PpNDArray (see ENGINES.md)
        assertEquals("0.27.0", Engine.getDjlVersion());
        assertEquals(Set.of("PaddlePaddle"), Engine.getAllEngines());
    }
}
