package org.dlbench.djl.block;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.dlbench.core.adapter.Adapters;
import org.dlbench.core.adapter.Device;
import org.dlbench.core.adapter.Mode;
import org.dlbench.core.adapter.Session;
import org.dlbench.core.adapter.SessionSpec;
import org.dlbench.core.adapter.Support;
import org.dlbench.core.data.SyntheticData;
import org.dlbench.core.data.Weights;
import org.dlbench.core.result.ThreadFlags;
import org.dlbench.core.workload.Workload;
import org.dlbench.core.workload.Workloads;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Thread counts are applied and recorded, a count the engine cannot take is refused with a reason, GPUs are
 * refused plainly (only CPU natives ship), and repeated calls do not leak native arrays. Surefire runs this JVM with
 * OMP_NUM_THREADS=1 and ai.djl.pytorch.num_threads=1; other counts are checked in a fresh JVM.
 */
class ThreadSettingsTest {
    private static final Workload MLP = Workloads.resolve("mlp");

    private static Session open(String engine, int threads, Mode mode, int batch) throws Exception {
        return Adapters.byName(engine).open(new SessionSpec(MLP, Weights.initial(MLP), batch, threads, Device.CPU, mode));
    }

    @Test
    void pytorchRecordsItsThreadsAndRefusesAnotherCountOnceLoaded() throws Exception {
        try (Session s = open("PyTorch", 1, Mode.INFER, 4)) {
            assertEquals("1", s.settings().get("num_threads"));
            assertEquals("1", s.settings().get("num_interop_threads"));
            assertEquals("1", s.settings().get("intra_op_threads"));
            assertEquals("1", s.settings().get("inter_op_threads"));
            assertEquals(List.of(), ThreadFlags.problems(s.settings(), 1));
            assertEquals("cpu", s.settings().get("native_flavour"));
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> open("PyTorch", 2, Mode.INFER, 4));
        assertTrue(e.getMessage().contains("new JVM"), e.getMessage());
    }

    @Test
    void mxnetChecksOmpNumThreads() throws Exception {
        try (Session s = open("MXNet", 1, Mode.INFER, 4)) {
            assertEquals("1", s.settings().get("omp_num_threads_requested"));
            // read back from MXNet's own libopenblas; its own libgomp is not loaded when another engine's OpenMP
            // runtime came first in this JVM (PyTorch's, in this test JVM), then the count is recorded as requested
            assertEquals("1", s.settings().getOrDefault("intra_op_threads",
                    s.settings().get("intra_op_threads_requested")), s.settings().toString());
            assertEquals("1", s.settings().get("blas_threads"), s.settings().toString());
            assertEquals("mkl", s.settings().get("native_flavour"));
            assertTrue(s.settings().containsKey("mxnet_engine_type_requested"), s.settings().toString());
            assertEquals(List.of(), ThreadFlags.problems(s.settings(), 1));
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> open("MXNet", 2, Mode.INFER, 4));
        assertTrue(e.getMessage().contains("OMP_NUM_THREADS=2"), e.getMessage());
    }

    @Test
    void twoThreadsAreAppliedInAFreshJvm() throws Exception {
        String torch = probe("PyTorch", 2);
        assertTrue(torch.contains("setting num_threads=2"), torch);
        assertTrue(torch.contains("setting num_interop_threads=1"), torch);
        assertTrue(torch.contains("torch_threads=2"), torch);
        assertTrue(torch.contains("setting intra_op_threads=2"), torch);
        String mxnet = probe("MXNet", 2);
        assertTrue(mxnet.contains("setting omp_num_threads_requested=2"), mxnet);
        // read back: MXNet's OpenMP default and OpenBLAS pool both at 2
        assertTrue(mxnet.contains("setting intra_op_threads=2"), mxnet);
        assertTrue(mxnet.contains("setting blas_threads=2"), mxnet);
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void gpuIsRefusedWithTheNativeFlavour(String engine) {
        for (Mode mode : Mode.values()) {
            Support s = Adapters.byName(engine).supports(MLP, mode, new Device("gpu", 0));
            assertFalse(s.supported());
            assertTrue(s.reason().contains("CPU-only"), s.reason());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void repeatedCallsDoNotKeepNativeArrays(String engine) throws Exception {
        SyntheticData data = new SyntheticData(MLP);
        try (Session s = open(engine, 1, Mode.TRAIN, 8)) {
            BlockSession block = (BlockSession) s;
            s.trainStep(data.batch(0, 8));
            s.infer(data.batch(1, 8).features());
            int before = block.liveArrays();
            for (int i = 0; i < 20; i++) {
                s.trainStep(data.batch(i, 8));
                s.infer(data.batch(i, 8).features());
            }
            assertEquals(before, block.liveArrays());
        }
    }

    /** Runs {@link ThreadProbe} in a child JVM with OMP_NUM_THREADS set to the count, as the runner does. */
    private static String probe(String engine, int threads) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dai.djl.offline=true",
                "-cp", System.getProperty("java.class.path"),
                ThreadProbe.class.getName(), engine, Integer.toString(threads)))
                .redirectErrorStream(true);
        pb.environment().put("OMP_NUM_THREADS", Integer.toString(threads));
        pb.environment().put("OPENBLAS_NUM_THREADS", Integer.toString(threads));
        pb.environment().put("MKL_NUM_THREADS", Integer.toString(threads));
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "probe JVM did not finish");
        String text = new String(out, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), text);
        text.lines().filter(l -> l.startsWith("setting ") || l.startsWith("torch_")).forEach(System.out::println);
        return text;
    }
}
