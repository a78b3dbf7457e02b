package org.dlbench.paddle;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import org.dlbench.core.data.InputBuffer;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.training.ParameterStore;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.dlbench.core.adapter.Session;
import org.dlbench.core.adapter.SessionSpec;
import org.dlbench.core.workload.Workload;

/** One loaded Paddle predictor for one workload and batch size. */
final class PaddleSession implements Session {
    /** The input, reused by every call (see {@link InputBuffer}). */
    private InputBuffer input;
    private final ZooModel<NDList, NDList> model;
    private final Block block;
    private final NDManager manager;
    private final ParameterStore parameterStore;
    private final Shape inputShape;
    private final int outputSize;
    private final Map<String, String> settings;
    private final String version;

    PaddleSession(SessionSpec spec) throws Exception {
        Workload w = spec.workload();
        Path dir = ModelFiles.prepare(w, spec.weights());
        // IR optimisation off: its fusion passes made a small MLP ~10x slower in Paddle 2.3 (see ENGINES.md).
        // CMLNumThreads is Paddle's SetCpuMathLibraryNumThreads: the BLAS thread count, applied on every run.
        Criteria<NDList, NDList> criteria = Criteria.builder()
                .setTypes(NDList.class, NDList.class)
                .optEngine(PaddleAdapter.NAME)
                .optDevice(Device.cpu())
                .optModelPath(dir)
                .optOption("SwitchIrOptim", "false")
                .optOption("CMLNumThreads", Integer.toString(spec.threads()))
                .optOption("DisableGlog", "true")
                .build();
        model = criteria.loadModel();
        try {
            block = model.getBlock();
            manager = model.getNDManager().newSubManager();
            parameterStore = new ParameterStore(manager, false);
            long[] dims = new long[w.inputShape().length + 1];
            dims[0] = spec.batchSize();
            int[] sample = w.inputShape();
            for (int k = 0; k < sample.length; k++) {
                dims[k + 1] = sample[k];
            }
            inputShape = new Shape(dims);
            outputSize = spec.batchSize() * w.classes();
            Engine engine = Engine.getEngine(PaddleAdapter.NAME);
            version = engine.getVersion();
            settings = settings(spec, engine);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    private static Map<String, String> settings(SessionSpec spec, Engine engine) {
        Map<String, String> s = new LinkedHashMap<>();
        // DJL's Paddle JNI sets the AnalysisConfig but exposes no getter, and Paddle reports no thread count
        s.put("intra_op_threads_requested", Integer.toString(spec.threads()));
        s.put("num_threads_requested", Integer.toString(spec.threads()));
        s.put("cpu_math_library_num_threads_requested", Integer.toString(spec.threads()));
        s.put("threads_read_back", "none: DJL 0.27's Paddle engine exposes no getter for the predictor's config; "
                + "CMLNumThreads was given to it as cpu_math_library_num_threads");
        s.put("ir_optim", "false");
        s.put("mkldnn", "false");
        // OpenBLAS is linked into libpaddle_inference: the thread count only reaches its GEMMs
        s.put("blas", "openblas");
        // DJL's JNI turns feed/fetch ops off and calls ZeroCopyRun on an AnalysisPredictor
        s.put("predictor", "analysis_zero_copy");
        s.put("glog_info", "off");
        s.put("native", "paddlepaddle-native-cpu-" + engine.getVersion());
        s.put("djl_version", Engine.getDjlVersion());
        String openblas = System.getenv("OPENBLAS_NUM_THREADS");
        if (openblas != null) {
            s.put("openblas_num_threads_requested", openblas);
        }
        return Collections.unmodifiableMap(s);
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
        if (features.length != inputShape.size()) {
            throw new IllegalArgumentException("expected " + inputShape.size() + " features " + inputShape + ", got "
                    + features.length);
        }
        try (NDManager call = manager.newSubManager()) {
            if (input == null) {
                input = new InputBuffer(features.length);
            }
            NDArray x = call.create(input.fill(features), inputShape, ai.djl.ndarray.types.DataType.FLOAT32);
            NDList out = block.forward(parameterStore, new NDList(x), false);
            // the outputs belong to this call's manager and are freed with it
            float[] logits = out.head().toFloatArray();
            if (logits.length != outputSize) {
                throw new IllegalStateException("Paddle returned " + logits.length + " values, expected " + outputSize
                        + " (shape " + out.head().getShape() + ")");
            }
            return logits;
        }
    }

    @Override
    public void close() {
        manager.close();
        model.close();
    }
}
