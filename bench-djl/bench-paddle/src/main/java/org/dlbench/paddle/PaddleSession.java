package org.dlbench.paddle;

import org.dlbench.core.process.MappedLibraries;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import org.dlbench.core.data.InputBuffer;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.training.ParameterStore;
import ai.djl.util.Platform;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.dlbench.core.adapter.Session;
import org.dlbench.core.adapter.SessionSpec;
import org.dlbench.core.data.Batch;
import org.dlbench.core.data.Feed;
import org.dlbench.core.workload.ModelInput;
import org.dlbench.core.workload.Workload;

/** One loaded Paddle predictor for one workload and batch size. */
final class PaddleSession implements Session {
    /** The file name of Paddle Inference's library, which DJL extracts from the native jar and loads. */
    static final String NATIVE_LIBRARY = "libpaddle_inference.so";
    /** One buffer per model input, reused by every call (see {@link InputBuffer}); made on first use. */
    private final InputBuffer[] buffers;
    /** Per model input: its batched shape and whether it holds ids (fed as int64). */
    private final Shape[] inputShapes;
    private final boolean[] ids;
    private final ZooModel<NDList, NDList> model;
    private final Block block;
    private final NDManager manager;
    private final ParameterStore parameterStore;
    private final int outputSize;
    private final Map<String, String> settings;
    private final String version;

    /**
     * @param options the variant's switches; {@link PaddleOptions#whyNot} must be null (the adapter checks it)
     */
    PaddleSession(SessionSpec spec, PaddleOptions options) throws Exception {
        if (options.whyNot() != null) {
            throw new IllegalArgumentException(options.whyNot());
        }
        Workload w = spec.workload();
        Path dir = ModelFiles.prepare(w, spec.weights());
        // SwitchIrOptim is given either way (true is Paddle's own default), so the config never depends on what DJL
        // leaves unset. DJL 0.27 acts on the mere presence of enableMKLDNN/enableONNXRuntime whatever their value:
        // they are never given (see PaddleOptions for why neither can run with these natives).
        // CMLNumThreads is Paddle's SetCpuMathLibraryNumThreads: the BLAS thread count, applied on every run.
        Criteria<NDList, NDList> criteria = Criteria.builder()
                .setTypes(NDList.class, NDList.class)
                .optEngine(PaddleAdapter.NAME)
                .optDevice(Device.cpu())
                .optModelPath(dir)
                .optOption("SwitchIrOptim", Boolean.toString(options.irOptim()))
                .optOption("CMLNumThreads", Integer.toString(spec.threads()))
                .optOption("DisableGlog", "true")
                .build();
        model = criteria.loadModel();
        try {
            block = model.getBlock();
            manager = model.getNDManager().newSubManager();
            parameterStore = new ParameterStore(manager, false);
            List<ModelInput> inputs = w.inputs();
            buffers = new InputBuffer[inputs.size()];
            inputShapes = new Shape[inputs.size()];
            ids = new boolean[inputs.size()];
            for (int k = 0; k < inputs.size(); k++) {
                int[] sample = inputs.get(k).shape();
                long[] dims = new long[sample.length + 1];
                dims[0] = spec.batchSize();
                for (int d = 0; d < sample.length; d++) {
                    dims[d + 1] = sample[d];
                }
                inputShapes[k] = new Shape(dims);
                ids[k] = inputs.get(k).type().ids();
                // int32 ids are fed as int64, as the program declares every id input
                buffers[k] = ids[k] ? InputBuffer.longs(spec.batchSize() * inputs.get(k).size())
                        : InputBuffer.of(inputs.get(k), spec.batchSize());
            }
            outputSize = spec.batchSize() * w.classes();
            Engine engine = Engine.getEngine(PaddleAdapter.NAME);
            version = engine.getVersion();
            settings = settings(spec, options);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    private static Map<String, String> settings(SessionSpec spec, PaddleOptions options) {
        Map<String, String> s = new LinkedHashMap<>();
        // DJL's Paddle JNI sets the AnalysisConfig but exposes no getter, and Paddle reports no thread count
        s.put("intra_op_threads_requested", Integer.toString(spec.threads()));
        s.put("num_threads_requested", Integer.toString(spec.threads()));
        s.put("cpu_math_library_num_threads_requested", Integer.toString(spec.threads()));
        s.put("threads_read_back", "none: DJL 0.27's Paddle engine exposes no getter for the predictor's config; "
                + "CMLNumThreads was given to it as cpu_math_library_num_threads");
        // the variant's switches: DJL 0.27 has no getter for the AnalysisConfig or the predictor, so these are requests
        s.put("ir_optim_requested", Boolean.toString(options.irOptim()));
        s.put("backend_requested", options.backend().id());
        s.put("mkldnn_requested", Boolean.toString(options.mkldnn()));
        s.put("variant_read_back", "none: DJL 0.27's Paddle engine has no getter for the AnalysisConfig or the"
                + " predictor, so ir_optim, backend and mkldnn are the requests; native_library is the path mapped"
                + " into this process (/proc/self/maps)");
        s.put("native_library", MappedLibraries.pathOrWhy(NATIVE_LIBRARY));
        s.put("native_build", NativeBuild.DESCRIPTION);
        // OpenBLAS is linked into libpaddle_inference: the thread count only reaches its GEMMs
        s.put("blas", "openblas");
        // DJL's JNI turns feed/fetch ops off and calls ZeroCopyRun on an AnalysisPredictor
        s.put("predictor", "analysis_zero_copy");
        s.put("glog_info", "off");
        s.put("djl_version", Engine.getDjlVersion());
        String openblas = System.getenv("OPENBLAS_NUM_THREADS");
        if (openblas != null) {
            s.put("openblas_num_threads_requested", openblas);
        }
        return Collections.unmodifiableMap(s);
    }

    /** The native build DJL chose, described once per JVM (DJL logs a line each time it detects it). */
    private static final class NativeBuild {
        /** e.g. {@code paddlepaddle-native cpu-linux-x86_64 2.3.2-20221103}. */
        static final String DESCRIPTION = describe();

        private static String describe() {
            // the paddlepaddle.properties of the native jar, from which DJL picks and extracts the library it loads
            Platform p = Platform.detectPlatform("paddlepaddle");
            return "paddlepaddle-native " + p.getFlavor() + "-" + p.getClassifier() + " " + p.getVersion();
        }
    }

    @Override
    public String engineVersion() {
        return version;
    }

    @Override
    public Map<String, String> settings() {
        return settings;
    }

    @Override
    public float[] infer(float[] features) {
        if (inputShapes.length != 1 || ids[0]) {
            throw new IllegalStateException("this workload has " + inputShapes.length + " input(s)"
                    + (ids[0] ? " of ids" : "") + "; call infer(Batch)");
        }
        return infer(List.of(new Feed.Floats(features, null)));
    }

    @Override
    public float[] infer(Batch batch) {
        return infer(batch.inputs());
    }

    /** Runs the predictor on one feed per model input, in input order (= the program's feed {@code col}). */
    private float[] infer(List<Feed> feeds) {
        if (feeds.size() != inputShapes.length) {
            throw new IllegalArgumentException("expected " + inputShapes.length + " inputs, got " + feeds.size());
        }
        try (NDManager call = manager.newSubManager()) {
            NDList in = new NDList(feeds.size());
            for (int k = 0; k < feeds.size(); k++) {
                in.add(array(call, k, feeds.get(k)));
            }
            NDList out = block.forward(parameterStore, in, false);
            // the outputs belong to this call's manager and are freed with it
            float[] logits = out.head().toFloatArray();
            if (logits.length != outputSize) {
                throw new IllegalStateException("Paddle returned " + logits.length + " values, expected " + outputSize
                        + " (shape " + out.head().getShape() + ")");
            }
            return logits;
        }
    }

    /** Input {@code k}'s tensor, filled from the feed through that input's reused buffer (kind and length checked). */
    private NDArray array(NDManager call, int k, Feed feed) {
        return call.create(buffers[k].fill(feed), inputShapes[k], ids[k] ? DataType.INT64 : DataType.FLOAT32);
    }

    @Override
    public void close() {
        manager.close();
        model.close();
    }
}
