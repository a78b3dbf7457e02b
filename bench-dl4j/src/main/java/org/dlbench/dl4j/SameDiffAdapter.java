package org.dlbench.dl4j;

import java.util.List;
import org.dlbench.core.adapter.Device;
import org.dlbench.core.adapter.EngineAdapter;
import org.dlbench.core.adapter.Mode;
import org.dlbench.core.adapter.Session;
import org.dlbench.core.adapter.SessionSpec;
import org.dlbench.core.adapter.Support;
import org.dlbench.core.variant.Variant;
import org.dlbench.core.workload.Workload;

/**
 * Deeplearning4j's graph API, SameDiff, on the same ND4J runtime as {@link Dl4jAdapter}. It runs libnd4j's fused
 * conv2d/pooling ops directly instead of the layer API's im2col path, so the two can differ a lot on CNNs.
 */
public final class SameDiffAdapter implements EngineAdapter {

    @Override
    public String name() {
        return "DL4J-SameDiff";
    }

    /** SameDiff computes with the same ND4J BLAS as {@link Dl4jAdapter}: its % of peak is against that one's. */
    @Override
    public String calibratedBy() {
        return Dl4jAdapter.NAME;
    }

    @Override
    public Support supports(Workload workload, Mode mode, Device device) {
        Support layers = Support.forStages(workload, SameDiffGraphs::whyNot);
        return layers.supported() ? Dl4jRuntime.device(device) : layers;
    }

    @Override
    public void loadEngine(SessionSpec spec) {
        Dl4jRuntime.start(spec);
    }

    /**
     * The nd4j-native builds of {@link Nd4jBuilds}, fastest expected first: oneDNN made SameDiff's lenet inference
     * 3.5x faster on the onednn-avx512 build than on the generic one (docs/variants-design.md section 3); generic is
     * shipped.
     */
    @Override
    public List<Variant> variants() {
        return Nd4jBuilds.variants(name());
    }

    @Override
    public Session open(SessionSpec spec) {
        return SameDiffSession.open(spec);
    }

    /** libnd4j's OpenMP threads and OpenBLAS's pthread pool are set once per process from OMP_NUM_THREADS. */
    @Override
    public org.dlbench.core.adapter.ThreadPoolScope threadPoolScope() {
        return org.dlbench.core.adapter.ThreadPoolScope.process("ND4J has no per-session thread setting: libnd4j's OpenMP threads and OpenBLAS's "
                + "pthread pool are sized once per process from OMP_NUM_THREADS");
    }
}
