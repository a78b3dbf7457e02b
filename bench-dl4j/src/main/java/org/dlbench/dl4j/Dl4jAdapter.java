package org.dlbench.dl4j;

import java.util.List;
import java.util.OptionalDouble;
import org.dlbench.core.adapter.Device;
import org.dlbench.core.adapter.EngineAdapter;
import org.dlbench.core.adapter.Mode;
import org.dlbench.core.adapter.Session;
import org.dlbench.core.adapter.SessionSpec;
import org.dlbench.core.adapter.Support;
import org.dlbench.core.variant.Variant;
import org.dlbench.core.workload.Workload;

/**
 * Deeplearning4j through its layer API, as a {@code ComputationGraph} (the layer API's graph form, needed for
 * residual joins): how most DL4J users build and train models.
 */
public final class Dl4jAdapter implements EngineAdapter {

    /** The engine's name in results. */
    public static final String NAME = "DL4J";

    @Override
    public String name() {
        return NAME;
    }

    /**
     * Every layer type and activation maps to a DL4J layer or vertex, in both modes, except grouped convolutions other
     * than depthwise, batchnorm on sequences, and id tables beyond float32's exact integers (see {@link Networks}).
     */
    @Override
    public Support supports(Workload workload, Mode mode, Device device) {
        Support layers = Support.forStages(workload, Networks::whyNot);
        if (!layers.supported()) {
            return layers;
        }
        String why = Networks.whyNot(workload);
        return why != null ? Support.no(why) : Dl4jRuntime.device(device);
    }

    @Override
    public void loadEngine(SessionSpec spec) {
        Dl4jRuntime.start(spec);
    }

    /** Only this adapter calibrates: DL4J-SameDiff runs on the same ND4J BLAS and would measure the same thing. */
    @Override
    public OptionalDouble sgemmGflops(int n, int threads, double seconds) {
        return OptionalDouble.of(Dl4jRuntime.sgemmGflops(n, threads, seconds));
    }

    /**
     * The nd4j-native builds of {@link Nd4jBuilds}, fastest expected first: on lenet the ComputationGraph ran as fast
     * on the avx512 and onednn-avx512 builds as on the generic one (its oneDNN layer helpers never load in M2.1), so
     * the order only follows the instruction level here; generic is shipped.
     */
    @Override
    public List<Variant> variants() {
        return Nd4jBuilds.variants(name());
    }

    @Override
    public Session open(SessionSpec spec) {
        return Dl4jSession.open(spec);
    }

    /** libnd4j's OpenMP threads and OpenBLAS's pthread pool are set once per process from OMP_NUM_THREADS. */
    @Override
    public org.dlbench.core.adapter.ThreadPoolScope threadPoolScope() {
        return org.dlbench.core.adapter.ThreadPoolScope.process("ND4J has no per-session thread setting: libnd4j's OpenMP threads and OpenBLAS's "
                + "pthread pool are sized once per process from OMP_NUM_THREADS");
    }
}
