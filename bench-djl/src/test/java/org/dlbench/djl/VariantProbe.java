package org.dlbench.djl;

import java.util.List;
import java.util.Map;
import org.dlbench.core.adapter.Adapters;
import org.dlbench.core.adapter.Device;
import org.dlbench.core.adapter.EngineAdapter;
import org.dlbench.core.adapter.Mode;
import org.dlbench.core.adapter.Session;
import org.dlbench.core.adapter.SessionSpec;
import org.dlbench.core.data.Batch;
import org.dlbench.core.data.SyntheticData;
import org.dlbench.core.data.Weights;
import org.dlbench.core.reference.ReferenceModel;
import org.dlbench.core.reference.Tolerance;
import org.dlbench.core.variant.Variant;
import org.dlbench.core.workload.Workload;
import org.dlbench.core.workload.Workloads;

/**
 * Run in a fresh JVM by {@link DjlVariantsTest}, with a variant's environment, as the runner's child JVM would be:
 * applies the variant's system properties, opens an inference session on a workload, prints every setting, the
 * variant's mismatches and the forward check against the reference, and exits 0 only when both pass.
 */
public final class VariantProbe {
    private VariantProbe() {
    }

    public static void main(String[] args) throws Exception {
        EngineAdapter adapter = Adapters.byName(args[0]);
        Variant v = adapter.variants().stream().filter(x -> x.name().equals(args[1])).findFirst().orElseThrow();
        Workload w = Workloads.resolve(args[2]);
        v.systemProperties().forEach(System::setProperty);
        int batch = 8;
        Batch fixed = new SyntheticData(w).batch(123, batch);
        float[] expected = new ReferenceModel(w, Weights.initial(w)).forward(fixed.features(), batch);
        boolean ok;
        try (Session s = adapter.open(new SessionSpec(w, Weights.initial(w), batch, 1, Device.CPU, Mode.INFER))) {
            for (Map.Entry<String, String> e : s.settings().entrySet()) {
                System.out.println("setting " + e.getKey() + "=" + e.getValue());
            }
            List<String> mismatches = v.mismatches(s.settings());
            mismatches.forEach(m -> System.out.println("mismatch " + m));
            Tolerance.Outcome o = Tolerance.DEFAULT.compare(s.infer(fixed.features()), expected);
            System.out.println("forward " + (o.passed() ? "ok" : "FAILED") + " " + o.detail());
            ok = mismatches.isEmpty() && o.passed();
        }
        System.out.println(ok ? "variant ok" : "variant FAILED");
        System.out.flush();
        System.exit(ok ? 0 : 1);
    }
}
