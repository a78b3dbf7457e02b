package org.dlbench.djl.tf;

import org.dlbench.core.adapter.Device;
import org.dlbench.core.adapter.EngineAdapter;
import org.dlbench.core.adapter.Mode;
import org.dlbench.core.adapter.Session;
import org.dlbench.core.adapter.SessionSpec;
import org.dlbench.core.adapter.Support;
import org.dlbench.core.workload.Workload;

/**
 * TensorFlow 2.16 through DJL's TensorFlow engine: inference only, CPU only, from a SavedModel the harness exports
 * itself (see {@link SavedModelExport}).
 */
public final class TensorFlowAdapter implements EngineAdapter {
    /** The adapter's name, which is also DJL's engine name. */
    public static final String NAME = "TensorFlow";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Support supports(Workload workload, Mode mode, Device device) {
        if (mode == Mode.TRAIN) {
            return Support.no("TensorFlow through DJL cannot train: DJL's TensorFlow engine is inference-only");
        }
        if (!device.isCpu()) {
            return Support.no("TensorFlow here has CPU natives only (tensorflow-core-native linux-x86_64, no CUDA "
                    + "build on the classpath), so " + device + " is not reachable");
        }
        Support layers = Support.forStages(workload, SavedModelExport::whyNot);
        if (!layers.supported()) {
            return layers;
        }
        // only a file check: the natives are not loaded here
        String problem = TfNatives.problem();
        return problem == null ? Support.yes() : Support.no(problem);
    }

    @Override
    public Session open(SessionSpec spec) throws Exception {
        Support support = supports(spec.workload(), spec.mode(), spec.device());
        if (!support.supported()) {
            throw new UnsupportedOperationException(support.reason());
        }
        return TfSession.open(spec, SavedModelExport.defaultCacheRoot());
    }

    /**
     * Shared by the process: every session carries a ConfigProto, but TensorFlow's DirectSession takes its inter-op
     * pool from a process-wide pool (no use_per_session_threads) and its CPU device's intra-op Eigen pool from a
     * global one, both sized by the first session ({@link TfSession#start} refuses another thread count).
     */
    @Override
    public org.dlbench.core.adapter.ThreadPoolScope threadPoolScope() {
        return org.dlbench.core.adapter.ThreadPoolScope.process("each session's ConfigProto asks for the same counts, but TensorFlow sizes one global "
                + "intra-op (Eigen) pool and one global inter-op pool from the first session "
                + "(use_per_session_threads off); K sessions share them");
    }
}
