package org.dlbench.djl.onnx;

import java.util.List;
import java.util.Locale;
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
 * ONNX Runtime through DJL's OnnxRuntime engine, inference only. The workload is written as an .onnx file from its
 * definition and the shared weights ({@link OnnxGraphWriter}), cached ({@link ModelCache}) and loaded into an ORT
 * session with explicit thread and optimisation options ({@link OnnxRuntimeSession}).
 */
public final class OnnxRuntimeAdapter implements EngineAdapter {
    /** DJL's engine name, used for every engine and model lookup. */
    public static final String ENGINE = "OnnxRuntime";
    /** System property naming ORT's graph optimisation level (an {@code OptLevel} constant). */
    public static final String OPT_LEVEL = "dlbench.ort.opt_level";
    /** System property: 1 lets idle intra-op threads spin (ORT's default), 0 makes them wait. */
    public static final String ALLOW_SPINNING = "dlbench.ort.allow_spinning";
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
        return OnnxRuntimeSession.open(spec, ModelCache.standard(), optLevel(), allowSpinning());
    }

    /**
     * ORT's graph optimisation levels and idle-thread spinning, fastest expected first. Evidence for the order: ORT's
     * documentation ("Graph Optimizations in ONNX Runtime") describes each level as a superset of the one below
     * (basic: constant folding, redundant node elimination; extended: operator fusions such as Gemm+activation and
     * Conv+activation; all: extended plus the NCHWc layout transformation for convolutions), so each level is expected
     * at least as fast as the next; spinning keeps idle intra-op threads busy-waiting between the operators of one
     * call, which saves the wake-up latency on the small per-call graphs here, so {@code opt-all-nospin} follows
     * {@code opt-all} (it matters for oversubscribed hosts and concurrent instances, where spinning steals cores).
     * Not measured on this machine yet. Every variant expects {@code ort_allow_spinning} read back from the session's
     * options; the level has no getter in ORT's API and is recorded as requested, made checkable by
     * {@code ort_optimized_nodes}/{@code ort_optimized_ops}, the graph ORT wrote after optimising.
     */
    @Override
    public List<Variant> variants() {
        return List.of(
                ortVariant("opt-all", "ALL_OPT", "1", true,
                        "ORT as shipped: all graph optimisations (ALL_OPT), idle intra-op threads spin"),
                ortVariant("opt-all-nospin", "ALL_OPT", "0", false,
                        "all graph optimisations, idle intra-op threads wait instead of spinning"),
                ortVariant("opt-extended", "EXTENDED_OPT", "1", false,
                        "basic and extended graph optimisations (operator fusions), no layout transformation"),
                ortVariant("opt-basic", "BASIC_OPT", "1", false,
                        "basic graph optimisations only (constant folding, redundant node elimination)"),
                ortVariant("opt-none", "NO_OPT", "1", false, "no graph optimisation: the graph as written"));
    }

    private static Variant ortVariant(String name, String level, String spinning, boolean shipped,
                                      String description) {
        Variant.Builder b = Variant.builder(ENGINE, name, Kind.SWITCHES).description(description)
                .property(OPT_LEVEL, level).property(ALLOW_SPINNING, spinning)
                .expect(OnnxRuntimeSession.SPINNING_KEY, spinning);
        return (shipped ? b.shipped() : b).build();
    }

    static boolean cudaProviderOnClasspath() {
        return OnnxRuntimeAdapter.class.getClassLoader().getResource(CUDA_PROVIDER) != null;
    }

    /**
     * ORT's graph optimisation level, ALL_OPT (ORT's own default) unless {@code -Ddlbench.ort.opt_level} names
     * another of NO_OPT, BASIC_OPT, EXTENDED_OPT, ALL_OPT; recorded in the session's settings either way.
     */
    static String optLevel() {
        String level = System.getProperty(OPT_LEVEL, "ALL_OPT").trim().toUpperCase(Locale.ROOT);
        return switch (level) {
            case "NO_OPT", "BASIC_OPT", "EXTENDED_OPT", "ALL_OPT" -> level;
            default -> throw new IllegalArgumentException(OPT_LEVEL + " '" + level
                    + "' is not an ONNX Runtime optimisation level (known: NO_OPT, BASIC_OPT, EXTENDED_OPT, ALL_OPT)");
        };
    }

    /** Every session gets its own intra-op pool from its SessionOptions ({@link OnnxRuntimeSession}). */
    @Override
    public org.dlbench.core.adapter.ThreadPoolScope threadPoolScope() {
        return org.dlbench.core.adapter.ThreadPoolScope.perSession("each ONNX Runtime session runs its own intra-op pool, sized by its SessionOptions "
                + "(setIntraOpNumThreads); the environment's global pools are not used");
    }

    /**
     * Whether idle intra-op threads spin: 1 (ORT's own default) unless {@code -Ddlbench.ort.allow_spinning} says 0;
     * applied as the session config entry {@code session.intra_op.allow_spinning}.
     */
    static String allowSpinning() {
        String value = System.getProperty(ALLOW_SPINNING, "1").trim();
        return switch (value) {
            case "0", "1" -> value;
            default -> throw new IllegalArgumentException(ALLOW_SPINNING + " '" + value + "' must be 0 or 1");
        };
    }
}
