package org.dlbench.djl.onnx;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import org.dlbench.core.data.InputBuffer;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession.SessionOptions;
import ai.onnxruntime.OrtSession.SessionOptions.ExecutionMode;
import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.dlbench.core.adapter.Device;
import org.dlbench.core.adapter.Session;
import org.dlbench.core.adapter.SessionSpec;
import org.dlbench.core.data.Batch;
import org.dlbench.core.data.Feed;
import org.dlbench.core.workload.ModelInput;
import org.dlbench.djl.block.LoadedNatives;

/**
 * One ORT session on the workload's .onnx file. Each {@link #infer} call copies every model input into an ORT tensor
 * (from a buffer the session reuses; ids as int64), named as its graph input, runs the session and copies the logits
 * back, all inside a per-call NDManager that frees the tensors.
 */
final class OnnxRuntimeSession implements Session {
    /** DJL switch: without it every ORT NDManager also opens a manager of the default engine (PyTorch or MXNet). */
    static final String DISABLE_HELPER = "ai.djl.onnx.disable_alternative";
    private static final String ALLOW_SPINNING = "session.intra_op.allow_spinning";
    /** Read back from the session's config entries; the key ORT variants expect. */
    static final String SPINNING_KEY = "ort_allow_spinning";

    private final Model model;
    private final SessionOptions options;
    private final Block block;
    private final ParameterStore parameters;
    private final int batch;
    private final String version;
    private final Map<String, String> settings;
    /** One per model input, in the workload's input order (the graph inputs carry the same names). */
    private final List<Input> inputs;

    /**
     * A model input as this session feeds it: the graph input's name, its dims with the batch first, and the buffer
     * every call refills (float32, or int64 for ids; see {@link InputBuffer}).
     */
    private record Input(String name, long[] dims, int size, boolean ids, InputBuffer buffer) {
        static Input of(ModelInput in, int batch) {
            long[] dims = new long[in.shape().length + 1];
            dims[0] = batch;
            for (int i = 0; i < in.shape().length; i++) {
                dims[i + 1] = in.shape()[i];
            }
            int size = batch * in.size();
            boolean ids = in.type().ids();
            return new Input(in.name(), dims, size, ids, ids ? InputBuffer.longs(size) : new InputBuffer(size));
        }
    }

    private OnnxRuntimeSession(Model model, SessionOptions options, SessionSpec spec, String version,
                               Map<String, String> settings) {
        this.model = model;
        this.options = options;
        this.block = model.getBlock();
        this.parameters = new ParameterStore(model.getNDManager(), false);
        this.batch = spec.batchSize();
        this.version = version;
        this.settings = Collections.unmodifiableMap(settings);
        this.inputs = spec.workload().inputs().stream().map(in -> Input.of(in, batch)).toList();
    }

    static OnnxRuntimeSession open(SessionSpec spec, ModelCache cache, String optLevel, String spinning)
            throws Exception {
        // Before the engine starts: ORT needs no helper engine for create/run/read-back, and loading PyTorch or MXNet
        // natives (and their thread pools) into an ORT measurement would distort it. A -D given by the user wins.
        if (System.getProperty(DISABLE_HELPER) == null) {
            System.setProperty(DISABLE_HELPER, "true");
        }
        // DJL sizes ORT's global pools from these; sessions here use their own pools (set below), so this only keeps
        // the idle global pools from being sized by the core count.
        setIfAbsent("ai.djl.onnxruntime.num_threads", Integer.toString(spec.threads()));
        setIfAbsent("ai.djl.onnxruntime.num_interop_threads", "1");

        Path file = OnnxGraphWriter.writeCached(cache, OnnxRuntimeAdapter.ENGINE, spec.workload(), spec.weights());
        Engine engine = Engine.getEngine(OnnxRuntimeAdapter.ENGINE);
        // ORT writes the graph it will run, after optimisation, here: its node count shows the level took effect
        Path optimized = Files.createTempFile("dlbench-ort-optimized-", ".onnx");
        SessionOptions options = new SessionOptions();
        Model model = null;
        try {
            options.setIntraOpNumThreads(spec.threads());
            options.setInterOpNumThreads(1);
            options.setExecutionMode(ExecutionMode.SEQUENTIAL);
            options.setOptimizationLevel(OptLevel.valueOf(optLevel));
            options.addConfigEntry(ALLOW_SPINNING, spinning);
            options.setOptimizedModelFilePath(optimized.toString());
            model = Model.newInstance("dlbench-" + spec.workload().name(), djlDevice(spec.device()),
                    OnnxRuntimeAdapter.ENGINE);
            // DJL takes a ready SessionOptions object from the load options; it adds CUDA itself for a GPU device
            model.load(file, null, Map.of("sessionOptions", options));

            String version = OrtEnvironment.getEnvironment().getVersion();
            Engine helper = engine.getAlternativeEngine();
            Map<String, String> s = new LinkedHashMap<>();
            s.put("ort_version", version);
            s.put("djl_version", Engine.getDjlVersion());
            s.put("execution_provider", spec.device().isCpu() ? "CPU" : "CUDA");
            // ORT's Java API has setters but no getters for the session's thread counts, execution mode and
            // optimisation level: those are recorded as requested; the config entries are read back from the very
            // SessionOptions object the session was created with
            s.put("intra_op_threads_requested", Integer.toString(spec.threads()));
            s.put("inter_op_threads_requested", "1");
            s.put("intra_op_num_threads_requested", Integer.toString(spec.threads()));
            s.put("inter_op_num_threads_requested", "1");
            s.put("execution_mode_requested", "SEQUENTIAL");
            s.put("ort_opt_level_requested", optLevel);
            Map<String, String> entries = options.getConfigEntries();
            s.put(SPINNING_KEY, entries.getOrDefault(ALLOW_SPINNING, "unset (ORT default 1)"));
            s.put("ort_config_entries", new java.util.TreeMap<>(entries).toString());
            s.putAll(OptimizedGraph.read(optimized).settings());
            s.put("threads_read_back", "none: ONNX Runtime's Java API reads back no thread count; "
                    + SPINNING_KEY + " and ort_config_entries come from the session's options");
            s.put("variant_read_back", SPINNING_KEY + ",ort_optimized_nodes,ort_optimized_ops; the level itself has"
                    + " no getter (ort_opt_level_requested), ort_optimized_* describe the graph ORT optimised");
            LoadedNatives.find("libonnxruntime.so", "").ifPresent(p -> s.put("native_library", p.toString()));
            s.put("native_build", "onnxruntime " + version + (OnnxRuntimeAdapter.cudaProviderOnClasspath()
                    ? " (onnxruntime_gpu jar)" : " cpu (com.microsoft.onnxruntime:onnxruntime jar)"));
            s.put("helper_engine", helper == null ? "none" : helper.getEngineName());
            s.put("model_format", "onnx ir" + OnnxGraphWriter.IR_VERSION + " opset" + OnnxGraphWriter.OPSET);
            s.put("model_file", file.toString());
            return new OnnxRuntimeSession(model, options, spec, version, s);
        } catch (Exception | Error e) {
            if (model != null) {
                model.close();
            }
            options.close();
            throw e;
        } finally {
            Files.deleteIfExists(optimized);
        }
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }

    private static ai.djl.Device djlDevice(Device device) {
        return device.isCpu() ? ai.djl.Device.cpu() : ai.djl.Device.gpu(device.index());
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
        if (inputs.size() != 1 || inputs.get(0).ids()) {
            throw new IllegalStateException("this workload has " + inputs.size() + " input(s)"
                    + (inputs.get(0).ids() ? " of ids" : "") + "; call infer(Batch)");
        }
        Input in = inputs.get(0);
        if (features.length != in.size()) {
            throw new IllegalArgumentException("expected " + batch + " samples (" + in.size() + " values), got "
                    + features.length);
        }
        try (NDManager call = model.getNDManager().newSubManager()) {
            NDArray x = call.create(in.buffer().fill(features), new Shape(in.dims()), DataType.FLOAT32);
            x.setName(in.name());
            return run(new NDList(x));
        }
    }

    /** Feeds every model input under its graph input's name: floats as float32, ids widened to int64. */
    @Override
    public float[] infer(Batch b) {
        List<Feed> feeds = b.inputs();
        if (feeds.size() != inputs.size() || b.size() != batch) {
            throw new IllegalArgumentException("expected " + batch + " samples of " + inputs.size() + " input(s), got "
                    + b.size() + " of " + feeds.size());
        }
        try (NDManager call = model.getNDManager().newSubManager()) {
            NDList list = new NDList(inputs.size());
            for (int k = 0; k < inputs.size(); k++) {
                Input in = inputs.get(k);
                NDArray x = call.create(in.buffer().fill(feeds.get(k)), new Shape(in.dims()),
                        in.ids() ? DataType.INT64 : DataType.FLOAT32);
                x.setName(in.name());
                list.add(x);
            }
            return run(list);
        }
    }

    private float[] run(NDList in) {
        NDList out = block.forward(parameters, in, false);
        return out.singletonOrThrow().toFloatArray();
    }

    @Override
    public void close() {
        try {
            model.close();
        } finally {
            options.close();
        }
    }
}
