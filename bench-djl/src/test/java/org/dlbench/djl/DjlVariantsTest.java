package org.dlbench.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.dlbench.core.adapter.Adapters;
import org.dlbench.core.adapter.Device;
import org.dlbench.core.adapter.EngineAdapter;
import org.dlbench.core.adapter.Mode;
import org.dlbench.core.adapter.Session;
import org.dlbench.core.adapter.SessionSpec;
import org.dlbench.core.data.Batch;
import org.dlbench.core.data.SyntheticData;
import org.dlbench.core.data.Weights;
import org.dlbench.core.host.CpuFlags;
import org.dlbench.core.reference.ReferenceModel;
import org.dlbench.core.reference.Tolerance;
import org.dlbench.core.variant.Variant;
import org.dlbench.core.variant.VariantSelection;
import org.dlbench.core.workload.Workload;
import org.dlbench.core.workload.Workloads;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The variants of the DJL engines taken together (ONNX Runtime's and PyTorch's in-process checks are in their own
 * tests): one valid catalogue; TensorFlow's and MXNet's environment variants as declared; their shipped variants read
 * back in this JVM (Surefire sets neither variable); and each environment variant in a fresh JVM with its
 * environment, as the runner starts a cell, reading back what it expects and matching the reference.
 */
class DjlVariantsTest {
    private static final List<String> ENGINES = List.of("PyTorch", "MXNet", "TensorFlow", "OnnxRuntime");
    /** TensorFlow 2.16's DefaultOneDnnPolicy on Linux x86 (util/port.cc), as /proc/cpuinfo names the features. */
    private static final List<String> TF_ONEDNN_DEFAULT_FLAGS = List.of("avx512_vnni", "avx512_bf16", "avx_vnni",
            "amx_tile", "amx_int8", "amx_bf16");

    @Test
    void catalogueOfAllDjlEnginesIsValid() {
        Map<String, List<Variant>> catalogue = new LinkedHashMap<>();
        ENGINES.forEach(e -> catalogue.put(e, Adapters.byName(e).variants()));
        VariantSelection.checkCatalogue(catalogue);
        assertEquals(List.of("default", "mkldnn-tensors"), names("PyTorch"));
        assertEquals(List.of("mkldnn", "mkldnn-off"), names("MXNet"));
        assertEquals(List.of("default", "onednn-on", "onednn-off"), names("TensorFlow"));
        assertEquals(List.of("opt-all", "opt-all-nospin", "opt-extended", "opt-basic", "opt-none"),
                names("OnnxRuntime"));
    }

    @Test
    void environmentVariantsAreDeclaredAsSwitchesOfTheirVariable() {
        Map<String, String> tf = new LinkedHashMap<>();
        for (Variant v : Adapters.byName("TensorFlow").variants()) {
            assertEquals(Variant.Kind.SWITCHES, v.kind());
            assertEquals(Map.of(), v.systemProperties());
            tf.put(v.name(), v.environment().get("TF_ENABLE_ONEDNN_OPTS") + " " + v.expectedSettings());
        }
        assertEquals(Map.of(
                "default", " {tf_enable_onednn_opts=unset}",
                "onednn-on", "1 {tf_enable_onednn_opts=1, tf_onednn_enabled=true}",
                "onednn-off", "0 {tf_enable_onednn_opts=0, tf_onednn_enabled=false}"), tf);
        Map<String, String> mx = new LinkedHashMap<>();
        for (Variant v : Adapters.byName("MXNet").variants()) {
            assertEquals(Variant.Kind.SWITCHES, v.kind());
            assertEquals(Map.of(), v.systemProperties());
            mx.put(v.name(), v.environment().get("MXNET_MKLDNN_ENABLED") + " " + v.expectedSettings());
        }
        assertEquals(Map.of(
                "mkldnn", " {mkldnn=true, mxnet_mkldnn_enabled_env=unset}",
                "mkldnn-off", "0 {mkldnn=true, mxnet_mkldnn_enabled_env=0}"), mx);
    }

    @ParameterizedTest
    @ValueSource(strings = {"TensorFlow", "MXNet"})
    void shippedVariantReadsBackInThisJvm(String engine) throws Exception {
        EngineAdapter adapter = Adapters.byName(engine);
        Variant shipped = adapter.variants().stream().filter(Variant::shipped).findFirst().orElseThrow();
        Workload w = Workloads.resolve("mlp");
        Batch fixed = new SyntheticData(w).batch(123, 8);
        float[] expected = new ReferenceModel(w, Weights.initial(w)).forward(fixed.features(), 8);
        try (Session s = adapter.open(new SessionSpec(w, Weights.initial(w), 8, 1, Device.CPU, Mode.INFER))) {
            Map<String, String> settings = s.settings();
            assertEquals(List.of(), shipped.mismatches(settings), settings.toString());
            assertTrue(settings.get("native_library").startsWith("/"), settings.toString());
            if (engine.equals("TensorFlow")) {
                // TF's own default for this CPU, read back, agrees with its rule applied to /proc/cpuinfo's flags,
                // and with the variable unset TF's decision is that default
                CpuFlags host = CpuFlags.probe();
                if (host.known()) {
                    boolean rule = TF_ONEDNN_DEFAULT_FLAGS.stream().anyMatch(host.flags()::contains);
                    assertEquals(Boolean.toString(rule), settings.get("tf_onednn_default"), settings.toString());
                }
                assertEquals(settings.get("tf_onednn_default"), settings.get("tf_onednn_enabled"));
            }
            Tolerance.Outcome o = Tolerance.DEFAULT.compare(s.infer(fixed.features()), expected);
            assertTrue(o.passed(), o.detail());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"TensorFlow:onednn-on", "TensorFlow:onednn-off", "MXNet:mkldnn-off"})
    void environmentVariantReadsBackInAFreshJvm(String id) throws Exception {
        String engine = id.substring(0, id.indexOf(':'));
        String name = id.substring(id.indexOf(':') + 1);
        Variant v = Adapters.byName(engine).variants().stream().filter(x -> x.name().equals(name)).findFirst()
                .orElseThrow();
        String out = probe(v, engine.equals("TensorFlow") ? "lenet" : "mlp");
        assertTrue(out.contains("variant ok"), out);
        if (engine.equals("TensorFlow")) {
            // TensorFlow's own log line (its logging is left on in this JVM) agrees with the value read back
            boolean on = v.expectedSettings().get("tf_onednn_enabled").equals("true");
            assertEquals(on, out.contains("oneDNN custom operations are on"), out);
        }
    }

    /** Runs {@link VariantProbe} in a child JVM with this JVM's environment plus the variant's. */
    private static String probe(Variant v, String workload) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dai.djl.offline=true",
                "-cp", System.getProperty("java.class.path"),
                VariantProbe.class.getName(), v.engine(), v.name(), workload))
                .redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.remove("TF_CPP_MIN_LOG_LEVEL");
        v.environment().forEach((k, value) -> {
            if (value.isEmpty()) {
                env.remove(k);
            } else {
                env.put(k, value);
            }
        });
        Process p = pb.start();
        byte[] bytes = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "probe JVM did not finish");
        String text = new String(bytes, StandardCharsets.UTF_8);
        text.lines().filter(l -> l.startsWith("mismatch") || l.startsWith("forward") || l.startsWith("variant")
                || l.contains("onednn") || l.contains("mkldnn")).forEach(l -> System.out.println(v.id() + " " + l));
        return text;
    }

    private static List<String> names(String engine) {
        return Adapters.byName(engine).variants().stream().map(Variant::name).toList();
    }
}
