package org.dlbench.paddle;

import java.util.Locale;
import java.util.function.UnaryOperator;

/**
 * The Paddle switches a variant sets as system properties of the cell's JVM, read when a session opens. Without any
 * property the session runs as Paddle ships: IR optimisation on, the native (AnalysisPredictor) backend, no MKLDNN.
 *
 * @param irOptim {@code dlbench.paddle.ir_optim}: Paddle's {@code AnalysisConfig::SwitchIrOptim} (default true,
 *     Paddle's own default)
 * @param backend {@code dlbench.paddle.backend}: {@code native} (default) or {@code ort}
 * @param mkldnn {@code dlbench.paddle.mkldnn}: Paddle's {@code EnableMKLDNN} (default false)
 */
record PaddleOptions(boolean irOptim, Backend backend, boolean mkldnn) {
    /** {@code true} or {@code false}: whether Paddle runs its IR optimisation (fusion) passes. */
    static final String IR_OPTIM = "dlbench.paddle.ir_optim";
    /** {@code native} or {@code ort}: the predictor's backend. */
    static final String BACKEND = "dlbench.paddle.backend";
    /** {@code true} or {@code false}: MKLDNN (oneDNN) kernels. */
    static final String MKLDNN = "dlbench.paddle.mkldnn";

    /**
     * Why {@code backend=ort} cannot run (seen in the 0.27 class files and libdjl_paddle.so, and in Paddle 2.3's
     * analysis_predictor.cc): DJL's key {@code enableONNXRuntime} only sets the config flag.
     */
    static final String ORT_UNAVAILABLE = "DJL 0.27's JNI creates the predictor with Paddle's deprecated"
            + " CreatePaddlePredictor<AnalysisConfig>, which always builds the native AnalysisPredictor: only"
            + " paddle_infer::CreatePredictor switches to ONNX Runtime, so enableONNXRuntime is ignored (Paddle logs"
            + " 'Deprecated. Please use CreatePredictor instead.' and converts nothing with Paddle2ONNX)";
    /** Why {@code mkldnn=true} cannot run (seen in the native jar and in Paddle's log when the key is given). */
    static final String MKLDNN_UNAVAILABLE = "paddlepaddle-native-cpu 2.3.2 is built without MKLDNN: its"
            + " libpaddle_inference.so has no dnnl symbol and the jar no libdnnl, and with enableMKLDNN Paddle logs"
            + " 'Please compile with MKLDNN first to use MKLDNN' and runs without it";

    /** The predictor's backend. */
    enum Backend {
        /** Paddle Inference's own AnalysisPredictor. */
        NATIVE,
        /** Paddle's ONNX Runtime backend (Paddle2ONNX conversion, then ONNX Runtime 1.11.1). */
        ORT;

        /** The property value. */
        String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Paddle's defaults: what the shipped variant runs. */
    static final PaddleOptions DEFAULTS = new PaddleOptions(true, Backend.NATIVE, false);

    /** The options this JVM's system properties ask for. */
    static PaddleOptions fromSystemProperties() {
        return from(System::getProperty);
    }

    /**
     * The options the given properties ask for (absent properties keep Paddle's default).
     *
     * @throws IllegalArgumentException with one line naming the property, for a value it does not know
     */
    static PaddleOptions from(UnaryOperator<String> properties) {
        boolean irOptim = bool(properties, IR_OPTIM, DEFAULTS.irOptim);
        boolean mkldnn = bool(properties, MKLDNN, DEFAULTS.mkldnn);
        String b = properties.apply(BACKEND);
        Backend backend = DEFAULTS.backend;
        if (b != null) {
            String v = b.strip().toLowerCase(Locale.ROOT);
            backend = switch (v) {
                case "native" -> Backend.NATIVE;
                case "ort" -> Backend.ORT;
                default -> throw new IllegalArgumentException("system property " + BACKEND
                        + " must be native or ort, got '" + b + "'");
            };
        }
        return new PaddleOptions(irOptim, backend, mkldnn);
    }

    /** Why these options cannot run with this module's natives, or null when they can. */
    String whyNot() {
        if (mkldnn) {
            return MKLDNN + "=true: " + MKLDNN_UNAVAILABLE;
        }
        return switch (backend) {
            case NATIVE -> null;
            case ORT -> BACKEND + "=ort: " + ORT_UNAVAILABLE;
        };
    }

    private static boolean bool(UnaryOperator<String> properties, String key, boolean absent) {
        String value = properties.apply(key);
        if (value == null) {
            return absent;
        }
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("system property " + key + " must be true or false, got '"
                    + value + "'");
        };
    }
}
