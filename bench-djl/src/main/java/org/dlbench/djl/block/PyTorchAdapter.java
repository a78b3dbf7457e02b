package org.dlbench.djl.block;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.dlbench.core.variant.Variant;
import org.dlbench.core.variant.Variant.Kind;

/**
 * PyTorch (LibTorch) through DJL. Intra-op threads are taken from {@code ai.djl.pytorch.num_threads} and
 * inter-op threads from {@code ai.djl.pytorch.num_interop_threads} when the engine first loads, so they are set
 * then and checked against what LibTorch reports; a JVM whose PyTorch already runs with another count is refused.
 */
public final class PyTorchAdapter extends DjlBlockAdapter {
    static final String NUM_THREADS = "ai.djl.pytorch.num_threads";
    static final String NUM_INTEROP_THREADS = "ai.djl.pytorch.num_interop_threads";
    /**
     * DJL 0.36's switch (read with {@code Boolean.getBoolean} by {@code JniUtils.layoutMapper} each time a dense CPU
     * tensor is created): true creates tensors in LibTorch's MKLDNN (oneDNN) layout instead of the strided one.
     */
    public static final String USE_MKLDNN = "ai.djl.pytorch.use_mkldnn";
    /** The layout LibTorch reports for a tensor created as the session creates its inputs (read back). */
    static final String LAYOUT_KEY = "pytorch_tensor_layout";
    /**
     * DJL's MKLDNN tensor layout for every dense CPU tensor it creates: unavailable, because the workloads cannot run
     * on it (tried 2026-11-30 on mlp and lenet, {@code PyTorchVariantsTest} keeps checking it): the inputs and weights
     * do get the MKLDNN layout (read back), but the first Linear fails with "Could not run 'aten::addmm.out' with
     * arguments from the 'MkldnnCPU' backend", and a training step fails earlier with "dense_to_mkldnn expects float,
     * bfloat16, half, uint8, int8 tensor input" (the int64 labels). Kept in the catalogue so that an {@code all} run
     * shows it as unsupported with that reason.
     */
    static final Variant MKLDNN_TENSORS = Variant.builder("PyTorch", "mkldnn-tensors", Kind.SWITCHES)
            .description("DJL creates every dense CPU tensor in LibTorch's MKLDNN (oneDNN) layout (" + USE_MKLDNN
                    + "=true)")
            .property(USE_MKLDNN, "true").expect(LAYOUT_KEY, "mkldnn")
            .unavailable("DJL 0.36 with " + USE_MKLDNN + "=true gives LibTorch 2.7.1 MKLDNN tensors its Linear cannot"
                    + " take (aten::addmm.out has no MkldnnCPU kernel: mlp and lenet inference fail), and training fails"
                    + " converting the int64 labels (dense_to_mkldnn expects float, bfloat16, half, uint8, int8)")
            .build();

    public PyTorchAdapter() {
        super("PyTorch");
    }

    @Override
    protected String nativeResource() {
        return "native/lib/pytorch.properties";
    }

    @Override
    protected String nativeArtifact() {
        return "ai.djl.pytorch:pytorch-native-cpu";
    }

    @Override
    protected Map<String, String> applyThreads(int threads, EngineLoader loader) {
        // without effect if the engine is already up; the check below catches that case
        synchronized (PyTorchAdapter.class) {
            System.setProperty(NUM_THREADS, Integer.toString(threads));
            System.setProperty(NUM_INTEROP_THREADS, "1");
            loader.engine();
        }
        // LibTorch keeps the count per calling thread (set lazily from the global value), so ask on this one
        int intra = JniUtils.getNumThreads();
        int inter = JniUtils.getNumInteropThreads();
        if (intra != threads || inter != 1) {
            throw new IllegalStateException("PyTorch already runs in this JVM with " + intra + " intra-op and " + inter
                    + " inter-op thread(s), but " + threads + " intra-op and 1 inter-op were requested; LibTorch "
                    + "takes its thread counts once, when it loads: use a new JVM for another thread count");
        }
        // both read back from LibTorch (at::get_num_threads / get_num_interop_threads); its MKL BLAS runs on the same
        // OpenMP pool, so there is no separate BLAS pool to record
        Map<String, String> s = new LinkedHashMap<>();
        s.put("intra_op_threads", Integer.toString(intra));
        s.put("inter_op_threads", Integer.toString(inter));
        s.put("num_threads", Integer.toString(intra));
        s.put("num_interop_threads", Integer.toString(inter));
        s.put("threads_read_back", "intra_op_threads,inter_op_threads,num_threads,num_interop_threads");
        return s;
    }

    @Override
    protected Map<String, String> engineSettings(Engine engine) {
        Map<String, String> s = new LinkedHashMap<>();
        NativeLibraries.onClasspath(nativeResource()).stream().findFirst()
                .ifPresent(b -> s.put("native_flavour", b.flavour()));
        // whether the loaded LibTorch has oneDNN (MKLDNN) among its features (DJL's JniUtils.getFeatures): read back;
        // LibTorch's CPU convolutions call it on strided tensors too, whatever the layout switch says
        s.put("mkldnn", Boolean.toString(engine.hasCapability("MKLDNN")));
        s.put(LAYOUT_KEY, tensorLayout(engine));
        s.put("pytorch_use_mkldnn_requested", Boolean.toString(Boolean.getBoolean(USE_MKLDNN)));
        s.put("variant_read_back", "mkldnn," + LAYOUT_KEY + " (the layout LibTorch reports for a tensor created"
                + " as the session creates its inputs)");
        LoadedNatives.find("libtorch_cpu", "").ifPresent(p -> s.put("native_library", p.toString()));
        NativeLibraries.onClasspath(nativeResource()).stream().findFirst()
                .ifPresent(b -> s.put("native_build", "libtorch " + b.version() + " " + b.flavour()));
        return s;
    }

    /**
     * The layout LibTorch gives a dense float tensor created the way sessions create their inputs, as
     * {@code torch.layout} names it: {@code strided}, {@code sparse_coo} or {@code mkldnn}.
     */
    static String tensorLayout(Engine engine) {
        try (NDManager m = engine.newBaseManager(ai.djl.Device.cpu())) {
            NDArray probe = m.create(FloatBuffer.wrap(new float[] {1f, 2f}), new ai.djl.ndarray.types.Shape(2),
                    ai.djl.ndarray.types.DataType.FLOAT32);
            int layout = JniUtils.getLayout((ai.djl.pytorch.engine.PtNDArray) probe);
            return switch (layout) {
                case 0 -> "strided";
                case 1 -> "sparse_coo";
                case 2 -> "mkldnn";
                default -> "unknown (" + layout + ")";
            };
        }
    }

    /**
     * The shipped LibTorch first: its CPU convolutions already call oneDNN on strided tensors, while DJL's
     * configuration table describes {@code ai.djl.pytorch.use_mkldnn} as "Enable MKLDNN, default: false, not
     * recommended, use with your own risk" and its PyTorch guide warns of exceptions where "certain data type or
     * operator is not supported with the oneDNN device" (what happens here: see {@link #MKLDNN_TENSORS}). Both expect
     * the tensor layout LibTorch reads back.
     */
    @Override
    public List<Variant> variants() {
        return List.of(
                Variant.builder(name(), "default", Kind.SWITCHES)
                        .shipped()
                        .description("LibTorch as shipped: strided tensors (its kernels use oneDNN/MKL inside)")
                        .expect(LAYOUT_KEY, "strided").build(),
                MKLDNN_TENSORS);
    }

    @Override
    protected NDArray labels(NDManager manager, int[] labels) {
        // torch gathers with int64 indices; giving them so spares DJL a cast per step
        long[] wide = new long[labels.length];
        for (int i = 0; i < labels.length; i++) {
            wide[i] = labels[i];
        }
        return manager.create(wide);
    }

    @Override
    protected void beforeInference() {
        // grad mode is per thread in LibTorch and on by default; DJL switches it off only on the thread that loaded
        // the engine, so a benchmark thread would otherwise record an autograd graph on every forward pass
        JniUtils.setGradMode(false);
    }

    /**
     * LibTorch takes its intra-op threads from {@code ai.djl.pytorch.num_threads} (applied with at::set_num_threads).
     * The harness's default {@code OMP_NUM_THREADS}/{@code MKL_NUM_THREADS} would set its OpenMP and MKL pools a second
     * way: measured on the project's 2-core machine, mlp inference at 2 threads ran at 107,000-160,000 samples/s with
     * them and 220,000-230,000 without (1 thread: about 220,000), so they are removed and LibTorch's own setting
     * governs, as a PyTorch user sets it (torch.set_num_threads).
     */
    @Override
    public java.util.Map<String, String> environment() {
        return java.util.Map.of("OMP_NUM_THREADS", "", "MKL_NUM_THREADS", "");
    }

    /**
     * One intra-op thread count for the whole process (at::set_num_threads, from {@link #NUM_THREADS}) and one
     * inter-op pool: a session has no pool of its own. With LibTorch's OpenMP, each calling thread leads its own
     * team of that size.
     */
    @Override
    public org.dlbench.core.adapter.ThreadPoolScope threadPoolScope() {
        return org.dlbench.core.adapter.ThreadPoolScope.process("LibTorch's intra-op thread count (at::set_num_threads) and inter-op pool are "
                + "process-wide; a session has no pool of its own (each calling thread leads an OpenMP team of that "
                + "size)");
    }
}
