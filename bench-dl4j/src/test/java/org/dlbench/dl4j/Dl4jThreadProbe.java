package org.dlbench.dl4j;

import java.util.Map;
import org.dlbench.core.adapter.Adapters;
import org.dlbench.core.adapter.Device;
import org.dlbench.core.adapter.Mode;
import org.dlbench.core.adapter.Session;
import org.dlbench.core.adapter.SessionSpec;
import org.dlbench.core.data.SyntheticData;
import org.dlbench.core.data.Weights;
import org.dlbench.core.workload.Workload;

/** Run in a fresh JVM by {@link Dl4jThreadsTest}: opens an engine at a thread count, trains a step, prints settings. */
public final class Dl4jThreadProbe {
    private Dl4jThreadProbe() {
    }

    public static void main(String[] args) throws Exception {
        String engine = args[0];
        int threads = Integer.parseInt(args[1]);
        Workload w = TestWorkloads.load("mlp");
        try (Session s = Adapters.byName(engine).open(
                new SessionSpec(w, Weights.initial(w), 32, threads, Device.CPU, Mode.TRAIN))) {
            s.trainStep(new SyntheticData(w).batch(0, 32));
            for (Map.Entry<String, String> e : s.settings().entrySet()) {
                System.out.println("setting " + e.getKey() + "=" + e.getValue());
            }
        }
        System.exit(0);
    }
}
