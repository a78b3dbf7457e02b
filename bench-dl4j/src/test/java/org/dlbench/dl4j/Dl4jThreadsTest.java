package org.dlbench.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.dlbench.core.adapter.Adapters;
import org.dlbench.core.adapter.Device;
import org.dlbench.core.adapter.Mode;
import org.dlbench.core.adapter.Session;
import org.dlbench.core.adapter.SessionSpec;
import org.dlbench.core.data.Weights;
import org.dlbench.core.result.ThreadFlags;
import org.dlbench.core.run.EngineFamily;
import org.dlbench.core.workload.Workload;
import org.junit.jupiter.api.Test;

/**
 * The thread settings DL4J records are read back from ND4J, libnd4j and OpenBLAS and equal the request: at 1 thread in
 * this JVM (surefire sets OMP_NUM_THREADS=1), at 2 in a fresh JVM started as the runner starts one (ND4J takes its
 * counts when it loads). {@link ThreadFlags} finds nothing wrong with either.
 */
class Dl4jThreadsTest {

    @Test
    void oneThreadIsReadBack() throws Exception {
        Workload w = TestWorkloads.load("mlp");
        for (String engine : List.of("DL4J", "DL4J-SameDiff")) {
            try (Session s = Adapters.byName(engine).open(
                    new SessionSpec(w, Weights.initial(w), 4, 1, Device.CPU, Mode.INFER))) {
                Map<String, String> st = s.settings();
                assertEquals("1", st.get("intra_op_threads"), st.toString());
                assertEquals("1", st.get("blas_threads"), st.toString());
                assertEquals("1", st.get("omp_max_threads"), st.toString());
                assertTrue(st.get("threads_read_back").contains("intra_op_threads"), st.toString());
                // the test classpath holds only the generic build, and that is what loaded
                assertEquals("linux-x86_64", st.get("nd4j_native_build"), st.toString());
                assertTrue(st.get("nd4j_native_library").startsWith("nd4j-native-")
                        && st.get("nd4j_native_library").endsWith("/bindings/linux-x86_64/libnd4jcpu.so"),
                        st.toString());
                assertEquals(List.of(), ThreadFlags.problems(st, 1));
            }
        }
    }

    @Test
    void twoThreadsAreReadBackInAFreshJvmWithIdlePoolsAsleep() throws Exception {
        Map<String, String> st = probe("DL4J", 2);
        assertEquals("2", st.get("intra_op_threads"), st.toString());
        assertEquals("2", st.get("blas_threads"), st.toString());
        assertEquals("2", st.get("nd4j_pool_threads"), st.toString());
        assertEquals("2", st.get("omp_max_threads"), st.toString());
        assertEquals("PASSIVE", st.get("omp_wait_policy_requested"), st.toString());
        assertEquals("passive", st.get("pool_idle_wait"), st.toString());
        assertEquals(List.of(), ThreadFlags.problems(st, 2));
    }

    /** Runs {@link Dl4jThreadProbe} with the environment the runner gives a DL4J child JVM at this thread count. */
    private static Map<String, String> probe(String engine, int threads) throws Exception {
        String cp = System.getProperty("java.class.path");
        ProcessBuilder pb = new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dorg.bytedeco.javacpp.cachedir=" + System.getProperty("org.bytedeco.javacpp.cachedir",
                        Path.of(System.getProperty("user.home"), ".javacpp", "cache").toString()),
                "-cp", cp, Dl4jThreadProbe.class.getName(), engine, Integer.toString(threads)))
                .redirectErrorStream(true);
        pb.environment().put("OMP_NUM_THREADS", Integer.toString(threads));
        pb.environment().put("OPENBLAS_NUM_THREADS", Integer.toString(threads));
        pb.environment().putAll(EngineFamily.moduleEnvironment(cp, threads));
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(180, TimeUnit.SECONDS), "probe JVM did not finish");
        String text = new String(out, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), text);
        Map<String, String> settings = new LinkedHashMap<>();
        text.lines().filter(l -> l.startsWith("setting ")).forEach(l -> {
            int eq = l.indexOf('=');
            settings.put(l.substring("setting ".length(), eq), l.substring(eq + 1));
        });
        return settings;
    }
}
