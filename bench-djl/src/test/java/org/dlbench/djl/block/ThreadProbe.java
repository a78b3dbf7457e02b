package org.dlbench.djl.block;

import java.util.Map;
import org.dlbench.core.adapter.Adapters;
import org.dlbench.core.adapter.Device;
import org.dlbench.core.adapter.Mode;
import org.dlbench.core.adapter.Session;
import org.dlbench.core.adapter.SessionSpec;
import org.dlbench.core.data.Weights;
import org.dlbench.core.workload.Workload;
import org.dlbench.core.workload.Workloads;

/** Run in a fresh JVM by {@link ThreadSettingsTest}: opens an engine with a thread count and prints its settings. */
public final class ThreadProbe {
    private ThreadProbe() {
    }

    public static void main(String[] args) throws Exception {
        String engine = args[0];
        int threads = Integer.parseInt(args[1]);
        Workload w = Workloads.resolve("mlp");
        try (Session s = Adapters.byName(engine).open(
                new SessionSpec(w, Weights.initial(w), 4, threads, Device.CPU, Mode.INFER))) {
            s.infer(new float[4 * w.inputSize()]);
            System.out.println("setting engine_version=" + s.engineVersion());
            for (Map.Entry<String, String> e : s.settings().entrySet()) {
                System.out.println("setting " + e.getKey() + "=" + e.getValue());
            }
            if (engine.equals("PyTorch")) {
                // what LibTorch itself reports on this thread after a forward pass
                System.out.println("torch_threads=" + ai.djl.pytorch.jni.JniUtils.getNumThreads());
            }
        }
        System.exit(0);
    }
}
