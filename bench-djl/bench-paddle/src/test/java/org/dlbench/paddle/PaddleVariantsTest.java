package org.dlbench.paddle;

import org.dlbench.core.process.MappedLibraries;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.dlbench.core.adapter.Device;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Paddle's variants: the catalogue, the switches each sets, and that the runnable ones still compute the reference. */
class PaddleVariantsTest {
    private static final List<String> PROPERTIES = List.of(PaddleOptions.IR_OPTIM, PaddleOptions.BACKEND,
            PaddleOptions.MKLDNN);

    private final PaddleAdapter adapter = new PaddleAdapter();

    @AfterEach
    void clearProperties() {
        PROPERTIES.forEach(System::clearProperty);
    }

    @Test
    void catalogueIsValidFastestExpectedFirstWithItsReasons() {
        List<Variant> variants = adapter.variants();
        VariantSelection.checkCatalogue(Map.of(PaddleAdapter.NAME, variants));
        assertEquals(List.of("ir-off", "ir-on", "ort", "mkldnn"), variants.stream().map(Variant::name).toList());
        assertEquals(List.of("ir-on"), variants.stream().filter(Variant::shipped).map(Variant::name).toList());
        Map<String, Variant> byName = new java.util.HashMap<>();
        variants.forEach(v -> byName.put(v.name(), v));
        assertEquals(PaddleOptions.ORT_UNAVAILABLE, byName.get("ort").unavailable());
        assertEquals(PaddleOptions.MKLDNN_UNAVAILABLE, byName.get("mkldnn").unavailable());
        for (Variant v : variants) {
            assertEquals(Variant.Kind.SWITCHES, v.kind(), v.name());
            // nothing here is read back from the engine, so nothing may be expected
            assertEquals(Map.of(), v.expectedSettings(), v.name());
            assertTrue(v.requiredCpuFlags().isEmpty(), v.name());
            assertEquals(v.unavailable() == null, v.unsupportedReason(CpuFlags.of("test"), Path.of(".")).isEmpty(),
                    v.name());
            // every property a variant sets is one the adapter reads
            assertTrue(PROPERTIES.containsAll(v.systemProperties().keySet()), v.name());
        }
        var chosen = VariantSelection.parse("best,shipped").resolve(Map.of(PaddleAdapter.NAME, variants),
                v -> v.unsupportedReason(CpuFlags.of("test"), Path.of(".")));
        assertEquals(List.of("ir-off", "ir-on"),
                chosen.get(PaddleAdapter.NAME).stream().map(c -> c.variant().name()).toList());
    }

    @Test
    void eachVariantsPropertiesMeanWhatItsNameSays() {
        assertEquals(PaddleOptions.DEFAULTS, PaddleOptions.from(k -> null));
        assertTrue(PaddleOptions.DEFAULTS.irOptim(), "without properties Paddle's default, IR optimisation on");
        Map<String, PaddleOptions> options = new java.util.HashMap<>();
        adapter.variants().forEach(v -> options.put(v.name(), PaddleOptions.from(v.systemProperties()::get)));
        assertEquals(new PaddleOptions(false, PaddleOptions.Backend.NATIVE, false), options.get("ir-off"));
        assertEquals(PaddleOptions.DEFAULTS, options.get("ir-on"));
        assertEquals(PaddleOptions.Backend.ORT, options.get("ort").backend());
        assertTrue(options.get("mkldnn").mkldnn());
        assertEquals(null, options.get("ir-off").whyNot());
        assertEquals(null, options.get("ir-on").whyNot());
        assertEquals("dlbench.paddle.backend=ort: " + PaddleOptions.ORT_UNAVAILABLE, options.get("ort").whyNot());
        assertEquals("dlbench.paddle.mkldnn=true: " + PaddleOptions.MKLDNN_UNAVAILABLE,
                options.get("mkldnn").whyNot());
    }

    @Test
    void runnableVariantsMatchTheReferenceAndReportTheirSettings() throws Exception {
        Workload mlp = Workloads.resolve("mlp");
        Workload lenet = Workloads.resolve("lenet");
        int ran = 0;
        for (Variant v : adapter.variants()) {
            if (v.unavailable() != null) {
                continue;
            }
            v.systemProperties().forEach(System::setProperty);
            try {
                assertVariantRuns(v, mlp, 4);
                assertVariantRuns(v, lenet, 2);
                // the sequence and sparse graphs: IR passes rewrite their matmuls too
                for (String name : List.of("lstm", "transformer", "dlrm")) {
                    assertVariantRuns(v, Workloads.resolve(name), 2);
                }
            } finally {
                clearProperties();
            }
            ran++;
        }
        assertEquals(2, ran);
    }

    private void assertVariantRuns(Variant v, Workload w, int batch) throws Exception {
        Weights weights = Weights.initial(w);
        Batch data = new SyntheticData(w).batch(5, batch);
        float[] expected = new ReferenceModel(w, weights).forward(data);
        try (Session s = adapter.open(new SessionSpec(w, weights, batch, 1, Device.CPU, Mode.INFER))) {
            Tolerance.Outcome o = Tolerance.DEFAULT.compare(s.infer(data), expected);
            String where = v.name() + " on " + w.name();
            assertTrue(o.passed(), where + ": " + o.detail());
            Map<String, String> settings = s.settings();
            assertEquals(v.systemProperties().get(PaddleOptions.IR_OPTIM), settings.get("ir_optim_requested"), where);
            assertEquals("native", settings.get("backend_requested"), where);
            assertEquals("false", settings.get("mkldnn_requested"), where);
            assertTrue(settings.get("variant_read_back").startsWith("none: "), where);
            String library = settings.get("native_library");
            assertTrue(library.endsWith("/" + PaddleSession.NATIVE_LIBRARY), where + ": " + library);
            assertTrue(Files.isRegularFile(Path.of(library)), where + ": " + library);
            assertTrue(settings.get("native_build").startsWith("paddlepaddle-native cpu-linux-x86_64 2.3.2"),
                    settings.get("native_build"));
            assertEquals(List.of(), v.mismatches(settings), where);
        }
    }

    @Test
    void unavailableVariantsAreRefusedBeforeAnythingLoads() {
        Workload w = Workloads.resolve("mlp");
        for (Variant v : adapter.variants()) {
            if (v.unavailable() == null) {
                continue;
            }
            v.systemProperties().forEach(System::setProperty);
            try {
                UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                        () -> adapter.open(new SessionSpec(w, Weights.initial(w), 1, 1, Device.CPU, Mode.INFER)));
                assertTrue(e.getMessage().endsWith(v.unavailable()), e.getMessage());
            } finally {
                clearProperties();
            }
        }
    }

    @Test
    void invalidValuesGiveOneLineNamingTheProperty() {
        Workload w = Workloads.resolve("mlp");
        Map<String, String> bad = Map.of(PaddleOptions.IR_OPTIM, "yes", PaddleOptions.BACKEND, "tensorrt",
                PaddleOptions.MKLDNN, "1");
        bad.forEach((key, value) -> {
            System.setProperty(key, value);
            try {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> adapter.open(new SessionSpec(w, Weights.initial(w), 1, 1, Device.CPU, Mode.INFER)));
                assertTrue(e.getMessage().startsWith("system property " + key + " must be "), e.getMessage());
                assertTrue(e.getMessage().endsWith("got '" + value + "'"), e.getMessage());
                assertFalse(e.getMessage().contains("\n"), e.getMessage());
            } finally {
                clearProperties();
            }
        });
        // case and surrounding blanks are forgiven, as in a hand-typed -D
        assertEquals(new PaddleOptions(false, PaddleOptions.Backend.NATIVE, false),
                PaddleOptions.from(Map.of(PaddleOptions.IR_OPTIM, " FALSE ", PaddleOptions.BACKEND, "Native")::get));
    }

    @Test
    void mappedLibraryIsFoundByExactFileName() {
        List<String> maps = List.of(
                "7f00-7f10 r--p 00000000 00:00 0 ",
                "7f10-7f20 r-xp 00000000 fe:00 11 /opt/x/libpaddle_inference.so.1",
                "7f20-7f30 r-xp 00000000 fe:00 12 [heap]",
                "7f30-7f40 r-xp 00000000 fe:00 13      /opt/a dir/libpaddle_inference.so",
                "7f40-7f50 r--p 00000000 fe:00 14 /opt/b/libpaddle_inference.so");
        assertEquals(Optional.of("/opt/a dir/libpaddle_inference.so"),
                MappedLibraries.find(maps, "libpaddle_inference.so"));
        assertEquals(Optional.of("/tmp/gone/libx.so (deleted)"),
                MappedLibraries.find(List.of("1-2 r-xp 0 fe:00 3 /tmp/gone/libx.so (deleted)"), "libx.so"));
        assertEquals(Optional.empty(), MappedLibraries.find(maps, "libdnnl.so.2"));
        assertTrue(MappedLibraries.pathOrWhy("libdnnl.so.2").startsWith("unknown: "));
    }
}
