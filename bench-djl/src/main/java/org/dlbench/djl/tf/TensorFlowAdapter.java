package org.dlbench.djl.tf;

import java.util.List;
import org.dlbench.core.adapter.Device;
import org.dlbench.core.adapter.EngineAdapter;
import org.dlbench.core.adapter.Mode;
import org.dlbench.core.adapter.Session;
import org.dlbench.core.adapter.SessionSpec;
import org.dlbench.core.adapter.Support;
import org.dlbench.core.variant.Variant;
import org.dlbench.core.variant.Variant.Kind;
import org.dlbench.core.workload.Workload;

/**
 * TensorFlow 2.16 through DJL's TensorFlow engine: inference only, CPU only, from a SavedModel the harness exports
 * itself (see {@link SavedModelExport}).
 */
public final class TensorFlowAdapter implements EngineAdapter {
    /** The adapter's name, which is also DJL's engine name. */
    public static final String NAME = "TensorFlow";
    /** TensorFlow's oneDNN switch, an environment variable read once by libtensorflow. */
    static final String ONEDNN_OPTS = "TF_ENABLE_ONEDNN_OPTS";
    /** {@link #ONEDNN_OPTS} as the process environment holds it, or {@code unset}. */
    static final String ONEDNN_ENV_KEY = "tf_enable_onednn_opts";
    /** Whether TensorFlow runs its oneDNN operations, read back from {@code tensorflow::IsMklEnabled()}. */
    static final String ONEDNN_KEY = "tf_onednn_enabled";

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

    /**
     * As shipped ({@code TF_ENABLE_ONEDNN_OPTS} unset), then oneDNN forced on, then forced off. Three, not two: an
     * unset variable does not mean "on" everywhere. TensorFlow 2.16's {@code IsMklEnabled} (tensorflow/core/util/
     * port.cc) starts from {@code DefaultOneDnnPolicy()}, which on Linux x86 is true only on CPUs with AVX512_VNNI,
     * AVX512_BF16, AVX_VNNI or AMX; the shipped variant therefore records the decision ({@code tf_onednn_enabled},
     * {@code tf_onednn_default}) without expecting it, and the two forced ones expect it. Order: no measurement yet
     * of oneDNN against TensorFlow's Eigen kernels on these workloads, so the shipped setup comes first (then on, then
     * off); an {@code all} run is to settle it. The switch is environment only, read once when
     * libtensorflow loads, so each variant needs its own JVM (the runner starts one per cell).
     */
    @Override
    public List<Variant> variants() {
        return List.of(
                Variant.builder(NAME, "default", Kind.SWITCHES).shipped()
                        .description("TensorFlow as shipped: " + ONEDNN_OPTS + " unset, oneDNN on or off by TF's CPU"
                                + " default (on with AVX512_VNNI, AVX512_BF16, AVX_VNNI or AMX)")
                        .env(ONEDNN_OPTS, "").expect(ONEDNN_ENV_KEY, "unset").build(),
                Variant.builder(NAME, "onednn-on", Kind.SWITCHES)
                        .description("oneDNN operations forced on (" + ONEDNN_OPTS + "=1)")
                        .env(ONEDNN_OPTS, "1").expect(ONEDNN_ENV_KEY, "1").expect(ONEDNN_KEY, "true").build(),
                Variant.builder(NAME, "onednn-off", Kind.SWITCHES)
                        .description("oneDNN operations off (" + ONEDNN_OPTS + "=0): TensorFlow's Eigen kernels")
                        .env(ONEDNN_OPTS, "0").expect(ONEDNN_ENV_KEY, "0").expect(ONEDNN_KEY, "false").build());
    }
}
