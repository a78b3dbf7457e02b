package org.dlbench.paddle;

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
 * PaddlePaddle 2.3 through DJL 0.27's Paddle engine, inference only. The harness writes the workload as a Paddle
 * inference model (program + combined parameters) and DJL loads it; nothing is downloaded.
 * <p>
 * A session reads its switches from the system properties {@code dlbench.paddle.ir_optim} ({@code true|false}),
 * {@code dlbench.paddle.backend} ({@code native|ort}) and {@code dlbench.paddle.mkldnn} ({@code true|false}); without
 * them it runs as Paddle ships (IR optimisation on, native backend). See {@link #variants()}.
 */
public final class PaddleAdapter implements EngineAdapter {
    /** The DJL engine name, also this adapter's name. */
    public static final String NAME = "PaddlePaddle";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Support supports(Workload workload, Mode mode, Device device) {
        if (mode == Mode.TRAIN) {
            return Support.no("PaddlePaddle through DJL runs inference only");
        }
        if (!device.isCpu()) {
            return Support.no("only paddlepaddle-native-cpu 2.3.2 is on the classpath: DJL's Paddle engine has no CUDA"
                    + " library here, so Paddle cannot reach " + device);
        }
        return Support.forStages(workload, ProgramWriter::whyNot);
    }

    @Override
    public Session open(SessionSpec spec) throws Exception {
        Support support = supports(spec.workload(), spec.mode(), spec.device());
        if (!support.supported()) {
            throw new UnsupportedOperationException(support.reason());
        }
        PaddleOptions options = PaddleOptions.fromSystemProperties();
        String whyNot = options.whyNot();
        if (whyNot != null) {
            throw new UnsupportedOperationException(whyNot);
        }
        return new PaddleSession(spec, options);
    }

    /**
     * Paddle's variants, fastest expected first; all are switches on the one native build this module ships
     * (paddlepaddle-native-cpu 2.3.2, OpenBLAS, no MKLDNN).
     * <ol>
     * <li>{@code ir-off}: IR optimisation off. Evidence: ENGINES.md (PaddlePaddle): "Paddle's default IR optimisation
     * made a small MLP 10x slower; optOption("SwitchIrOptim","false") fixed it"; this was the module's only setting
     * before variants. Measured on mlp only; whether it also wins on conv workloads is for an {@code all} run to
     * show.</li>
     * <li>{@code ir-on} (shipped): Paddle's default, IR optimisation on (fc_fuse_pass, repeated_fc_relu_fuse_pass,
     * conv_bn_fuse_pass and the other CPU passes run when the predictor is built).</li>
     * <li>{@code ort}: unavailable, see {@link PaddleOptions#ORT_UNAVAILABLE}. Seen: the JNI library in
     * paddlepaddle-engine-0.27.0.jar ({@code libdjl_paddle.so}) calls only the one-argument
     * {@code paddle::CreatePaddlePredictor<paddle::AnalysisConfig>}, which Paddle 2.3 routes to
     * {@code PaddleEngineKind::kAnalysis}; a session opened with {@code enableONNXRuntime} logged the deprecation
     * warning and the usual IR passes, and no Paddle2ONNX conversion.</li>
     * <li>{@code mkldnn}: unavailable, see {@link PaddleOptions#MKLDNN_UNAVAILABLE}. Seen: {@code nm -D} finds no
     * {@code dnnl_} symbol in libpaddle_inference.so (only Paddle's own {@code EnableMKLDNN} stubs), its
     * {@code NEEDED} entries and the native jar hold no libdnnl/libmkldnn, the library holds the string "Please compile
     * with MKLDNN first to use MKLDNN", and Paddle logged exactly that (analysis_config.cc:389) when given the key.</li>
     * </ol>
     * The two unavailable variants can never run here, so their place in the order claims nothing. None expects a
     * setting: DJL 0.27 reads none of these switches back (the session records them as {@code *_requested}).
     */
    @Override
    public List<Variant> variants() {
        return List.of(
                Variant.builder(NAME, "ir-off", Kind.SWITCHES)
                        .description("IR optimisation off (SwitchIrOptim false): the program's ops run as written")
                        .property(PaddleOptions.IR_OPTIM, "false")
                        .build(),
                Variant.builder(NAME, "ir-on", Kind.SWITCHES).shipped()
                        .description("Paddle's default: IR optimisation on (fusion passes such as fc_fuse_pass)")
                        .property(PaddleOptions.IR_OPTIM, "true")
                        .build(),
                Variant.builder(NAME, "ort", Kind.SWITCHES)
                        .description("Paddle's ONNX Runtime backend (enableONNXRuntime)")
                        .property(PaddleOptions.BACKEND, "ort")
                        .unavailable(PaddleOptions.ORT_UNAVAILABLE)
                        .build(),
                Variant.builder(NAME, "mkldnn", Kind.SWITCHES)
                        .description("MKLDNN (oneDNN) kernels (enableMKLDNN)")
                        .property(PaddleOptions.MKLDNN, "true")
                        .unavailable(PaddleOptions.MKLDNN_UNAVAILABLE)
                        .build());
    }

    /**
     * The thread count is per predictor (its config's cpu_math_library_num_threads, applied on each run on the
     * calling thread), but it only reaches the OpenBLAS linked into libpaddle_inference, whose pthread pool is one per
     * process.
     */
    @Override
    public org.dlbench.core.adapter.ThreadPoolScope threadPoolScope() {
        return org.dlbench.core.adapter.ThreadPoolScope.process("each predictor sets its own cpu_math_library_num_threads (applied on each run), "
                + "but it sizes the OpenBLAS pthread pool linked into libpaddle_inference, one per process");
    }
}
