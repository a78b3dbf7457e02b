package org.dlbench.djl.block;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.EngineException;
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
 * PyTorch's variants: a valid catalogue; the shipped one reads back the strided layout it expects and matches the
 * reference; {@code mkldnn-tensors} is declared unavailable, and this test fails (so the declaration gets revisited)
 * the day DJL and LibTorch run the workloads on MKLDNN tensors.
 */
class PyTorchVariantsTest {
    private static final Workload MLP = Workloads.resolve("mlp");
    private final PyTorchAdapter adapter = new PyTorchAdapter();

    @Test
    void catalogueIsValid() {
        List<Variant> variants = adapter.variants();
        VariantSelection.checkCatalogue(Map.of(adapter.name(), variants));
        assertEquals(List.of("default", "mkldnn-tensors"), variants.stream().map(Variant::name).toList());
        assertTrue(variants.get(0).shipped());
        assertEquals(Map.of(PyTorchAdapter.LAYOUT_KEY, "strided"), variants.get(0).expectedSettings());
        Variant mkldnn = variants.get(1);
        assertEquals(Map.of(PyTorchAdapter.USE_MKLDNN, "true"), mkldnn.systemProperties());
        assertNotNull(mkldnn.unavailable());
        assertTrue(mkldnn.unavailable().contains("aten::addmm.out"), mkldnn.unavailable());
    }

    @Test
    void shippedVariantReadsBackStridedTensorsAndMatchesTheReference() throws Exception {
        Variant shipped = adapter.variants().get(0);
        int batch = 8;
        Batch fixed = new SyntheticData(MLP).batch(123, batch);
        float[] expected = new ReferenceModel(MLP, Weights.initial(MLP)).forward(fixed.features(), batch);
        try (Session s = open(batch)) {
            assertEquals(List.of(), shipped.mismatches(s.settings()), s.settings().toString());
            assertEquals("true", s.settings().get("mkldnn"), s.settings().toString());
            assertTrue(s.settings().get("native_library").contains("libtorch_cpu"), s.settings().toString());
            Tolerance.Outcome o = Tolerance.DEFAULT.compare(s.infer(fixed.features()), expected);
            assertTrue(o.passed(), o.detail());
        }
    }

    @Test
    void mkldnnTensorsStillFailAsDeclared() throws Exception {
        Variant v = PyTorchAdapter.MKLDNN_TENSORS;
        v.systemProperties().forEach(System::setProperty);
        try (Session s = open(8)) {
            // the switch took effect (read back from LibTorch) ...
            assertEquals(List.of(), v.mismatches(s.settings()), s.settings().toString());
            // ... and the workload cannot run on it
            float[] features = new SyntheticData(MLP).batch(123, 8).features();
            EngineException e = assertThrows(EngineException.class, () -> s.infer(features));
            assertTrue(e.getMessage().contains("aten::addmm.out") && e.getMessage().contains("MkldnnCPU"),
                    e.getMessage());
        } finally {
            v.systemProperties().keySet().forEach(System::clearProperty);
        }
    }

    private Session open(int batch) throws Exception {
        return adapter.open(new SessionSpec(MLP, Weights.initial(MLP), batch, 1, Device.CPU, Mode.INFER));
    }
}
