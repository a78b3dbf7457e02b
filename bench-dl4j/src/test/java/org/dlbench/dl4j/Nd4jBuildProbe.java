package org.dlbench.dl4j;

import java.util.List;
import java.util.Map;
import org.dlbench.core.adapter.Adapters;
import org.dlbench.core.adapter.Device;
import org.dlbench.core.adapter.Mode;
import org.dlbench.core.adapter.Session;
import org.dlbench.core.adapter.SessionSpec;
import org.dlbench.core.data.Batch;
import org.dlbench.core.data.SyntheticData;
import org.dlbench.core.data.Weights;
import org.dlbench.core.reference.ReferenceModel;
import org.dlbench.core.reference.Tolerance;
import org.dlbench.core.workload.Workload;
import org.dlbench.core.workload.Workloads;

/**
 * Run in a fresh JVM by {@link Nd4jBuildLoadTest} (or by hand) on a variant's classpath and properties: opens both DL4J
 * engines on lenet for inference at 1 thread, checks their output against the reference forward pass and prints
 * {@code setting ENGINE KEY=VALUE} per setting and {@code agrees ENGINE true|false DETAIL}.
 */
public final class Nd4jBuildProbe {
    private Nd4jBuildProbe() {
    }

    public static void main(String[] args) throws Exception {
        Workload w = Workloads.resolve("lenet");
        int batch = 8;
        Batch fixed = new SyntheticData(w).batch(123, batch);
        float[] expected = new ReferenceModel(w, Weights.initial(w)).forward(fixed.features(), batch);
        for (String engine : List.of("DL4J-SameDiff", "DL4J")) {
            try (Session s = Adapters.byName(engine).open(
                    new SessionSpec(w, Weights.initial(w), batch, 1, Device.CPU, Mode.INFER))) {
                Tolerance.Outcome o = Tolerance.DEFAULT.compare(s.infer(fixed.features()), expected);
                for (Map.Entry<String, String> e : s.settings().entrySet()) {
                    System.out.println("setting " + engine + " " + e.getKey() + "=" + e.getValue());
                }
                System.out.println("agrees " + engine + " " + o.passed() + " " + o.detail());
            }
        }
        System.exit(0);
    }
}
