package org.dlbench.djl.onnx;

import java.util.Locale;
import org.dlbench.core.adapter.Device;
import org.dlbench.core.adapter.EngineAdapter;
import org.dlbench.core.adapter.Mode;
import org.dlbench.core.adapter.Session;
import org.dlbench.core.adapter.SessionSpec;
import org.dlbench.core.adapter.Support;
import org.dlbench.core.workload.Workload;

/**
 * ONNX Runtime through DJL's OnnxRuntime engine, inference only. The workload is written as an .onnx file from its
 * definition and the shared weights ({@link OnnxGraphWriter}), cached ({@link ModelCache}) and loaded into an ORT
 * session with explicit thread and optimisation options ({@link OnnxRuntimeSession}).
 */
public final class OnnxRuntimeAdapter implements EngineAdapter {
    /** DJL's engine name, used for every engine and model lookup. */
    public static final String ENGINE = "OnnxRuntime";
    /** Present in the onnxruntime_gpu jar only; looked up as a resource so that asking loads no natives. */
    static final String CUDA_PROVIDER = "ai/onnxruntime/native/linux-x64/libonnxruntime_providers_cuda.so";

    @Override
    public String name() {
        return ENGINE;
    }

    @Override
    public Support supports(Workload workload, Mode mode, Device device) {
        if (mode == Mode.TRAIN) {
            return Support.no("ONNX Runtime through DJL runs inference only; ORT training is not exposed by DJL");
        }
        if (!device.isCpu() && !cudaProviderOnClasspath()) {
            return Support.no("only the CPU build of ONNX Runtime (com.microsoft.onnxruntime:onnxruntime) is on the "
                    + "classpath; the CUDA execution provider needs the onnxruntime_gpu build and CUDA libraries");
        }
        // every layer type of the workload format maps to an ONNX operator (see OnnxGraphWriter)
        return Support.yes();
    }

    @Override
    public Session open(SessionSpec spec) throws Exception {
        Support support = supports(spec.workload(), spec.mode(), spec.device());
        if (!support.supported()) {
            throw new UnsupportedOperationException(support.reason());
        }
        return OnnxRuntimeSession.open(spec, ModelCache.standard(), optLevel());
    }

    static boolean cudaProviderOnClasspath() {
        return OnnxRuntimeAdapter.class.getClassLoader().getResource(CUDA_PROVIDER) != null;
    }

    /**
     * ORT's graph optimisation level, ALL_OPT (ORT's own default) unless {@code -Ddlbench.ort.opt_level} names
     * another of NO_OPT, BASIC_OPT, EXTENDED_OPT, ALL_OPT; recorded in the session's settings either way.
     */
    static String optLevel() {
        String level = System.getProperty("dlbench.ort.opt_level", "ALL_OPT").trim().toUpperCase(Locale.ROOT);
        return switch (level) {
            case "NO_OPT", "BASIC_OPT", "EXTENDED_OPT", "ALL_OPT" -> level;
            default -> throw new IllegalArgumentException("dlbench.ort.opt_level '" + level
                    + "' is not an ONNX Runtime optimisation level (known: NO_OPT, BASIC_OPT, EXTENDED_OPT, ALL_OPT)");
        };
    }

    /** Every session gets its own intra-op pool from its SessionOptions ({@link OnnxRuntimeSession}). */
    @Override
    public org.dlbench.core.adapter.ThreadPoolScope threadPoolScope() {
        return org.dlbench.core.adapter.ThreadPoolScope.perSession("each ONNX Runtime session runs its own intra-op pool, sized by its SessionOptions "
                + "(setIntraOpNumThreads); the environment's global pools are not used");
    }
}
