package org.dlbench.djl.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.dlbench.core.adapter.Device;
import org.dlbench.core.adapter.Mode;
import org.dlbench.core.adapter.Session;
import org.dlbench.core.adapter.SessionSpec;
import org.dlbench.core.data.Batch;
import org.dlbench.core.data.SyntheticData;
import org.dlbench.core.data.Weights;
import org.dlbench.core.reference.ReferenceModel;
import org.dlbench.core.reference.Tolerance;
import org.dlbench.core.variant.Variant;
import org.dlbench.core.variant.VariantSelection;
import org.dlbench.core.workload.Workload;
import org.dlbench.core.workload.Workloads;
import org.junit.jupiter.api.Test;

/**
 * ONNX Runtime's variants: the catalogue is valid, and a session opened with each variant's system properties reads
 * back what the variant expects, shows the optimisation level in the graph ORT optimised, and still matches the
 * reference outputs.
 */
class OnnxRuntimeVariantsTest {
    private final OnnxRuntimeAdapter adapter = new OnnxRuntimeAdapter();

    @Test
    void catalogueIsValidWithOptAllShipped() {
        List<Variant> variants = adapter.variants();
        VariantSelection.checkCatalogue(Map.of(adapter.name(), variants));
        assertEquals(List.of("opt-all", "opt-all-nospin", "opt-extended", "opt-basic", "opt-none"),
                variants.stream().map(Variant::name).toList());
        Variant shipped = variants.stream().filter(Variant::shipped).findFirst().orElseThrow();
        assertEquals("opt-all", shipped.name());
        // the shipped variant says ORT's own defaults explicitly
        assertEquals(Map.of(OnnxRuntimeAdapter.OPT_LEVEL, "ALL_OPT", OnnxRuntimeAdapter.ALLOW_SPINNING, "1"),
                shipped.systemProperties());
        for (Variant v : variants) {
            assertEquals(Variant.Kind.SWITCHES, v.kind(), v.name());
            assertEquals(Map.of(), v.environment(), v.name());
            // only what ORT reads back is expected
            assertEquals(Map.of(OnnxRuntimeSession.SPINNING_KEY, v.systemProperties().get(
                    OnnxRuntimeAdapter.ALLOW_SPINNING)), v.expectedSettings(), v.name());
        }
    }

    @Test
    void eachVariantReadsBackItsSettingsAndMatchesTheReference() throws Exception {
        Map<String, String> lenetOps = new LinkedHashMap<>();
        for (Variant v : adapter.variants()) {
            // the small sequence and sparse files cover every operator the writer emits for the newer layers
            for (String name : List.of("mlp", "lenet", "seq-mix", "sparse-mean", "lstm-seq", "causal")) {
                Workload w = OnnxRuntimeConformanceTest.USER_FILES.containsKey(name)
                        ? OnnxRuntimeConformanceTest.userFile(name) : Workloads.resolve(name);
                Map<String, String> settings = openAndCheck(v, w);
                System.out.println("ORT " + v.name() + " " + name + ": " + settings.get("ort_optimized_nodes")
                        + " nodes " + settings.get("ort_optimized_ops"));
                if (name.equals("lenet")) {
                    lenetOps.put(v.name(), settings.get("ort_optimized_ops"));
                }
            }
        }
        // the requested level took effect, seen in the graph ORT optimised: all = NCHWc layout (ORT 1.21 then runs
        // Conv+Relu as an nchwc Conv with its activation), extended = fused Conv+Relu and Gemm+Relu, basic and none
        // leave lenet's graph as written (basic has nothing to fold in it)
        String all = lenetOps.get("opt-all");
        assertTrue(all.contains("com.microsoft.nchwc:Conv"), lenetOps.toString());
        assertEquals(all, lenetOps.get("opt-all-nospin"));
        String extended = lenetOps.get("opt-extended");
        assertTrue(extended.contains("com.microsoft:FusedConv") && !extended.contains("nchwc"), lenetOps.toString());
        assertEquals("Conv:2,Flatten:1,Gemm:3,MaxPool:2,Relu:4", lenetOps.get("opt-none"));
        assertEquals(lenetOps.get("opt-none"), lenetOps.get("opt-basic"));
    }

    private Map<String, String> openAndCheck(Variant v, Workload w) throws Exception {
        v.systemProperties().forEach(System::setProperty);
        try {
            int batch = 8;
            Batch fixed = new SyntheticData(w).batch(123, batch);
            float[] expected = new ReferenceModel(w, Weights.initial(w)).forward(fixed);
            try (Session s = adapter.open(new SessionSpec(w, Weights.initial(w), batch, 1, Device.CPU, Mode.INFER))) {
                Map<String, String> settings = s.settings();
                assertEquals(List.of(), v.mismatches(settings), settings.toString());
                assertEquals(v.systemProperties().get(OnnxRuntimeAdapter.OPT_LEVEL),
                        settings.get("ort_opt_level_requested"));
                assertTrue(settings.get("ort_optimized_nodes").matches("\\d+"), settings.toString());
                assertTrue(settings.get("native_library").endsWith("libonnxruntime.so"), settings.toString());
                Tolerance.Outcome o = Tolerance.DEFAULT.compare(s.infer(fixed), expected);
                assertTrue(o.passed(), v.name() + " " + w.name() + ": " + o.detail());
                return settings;
            }
        } finally {
            v.systemProperties().keySet().forEach(System::clearProperty);
        }
    }
}
