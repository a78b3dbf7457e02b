package org.dlbench.djl.tf;

import ai.djl.MalformedModelException;
import ai.djl.engine.Engine;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import org.dlbench.core.data.InputBuffer;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.training.ParameterStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.dlbench.core.adapter.Session;
import org.dlbench.core.adapter.SessionSpec;
import org.dlbench.core.data.Batch;
import org.dlbench.core.data.Feed;
import org.dlbench.core.workload.ModelInput;
import org.dlbench.core.workload.Workload;
import org.dlbench.djl.block.LoadedNatives;
import org.tensorflow.proto.ConfigProto;

/** One loaded SavedModel, run through DJL's TensorFlow engine. */
final class TfSession implements Session {
    /** DJL reads these when it starts the engine; they size TensorFlow's process-wide thread pools. */
    private static final String INTRA_PROPERTY = "ai.djl.tensorflow.num_intraop_threads";
    private static final String INTER_PROPERTY = "ai.djl.tensorflow.num_interop_threads";
    private static final int INTER_OP_THREADS = 1;

    /** The engine as this JVM started it. */
    record Started(Engine engine, int threads, TfNatives.Location natives) {
    }

    private static Started started;

    private final ZooModel<NDList, NDList> model;
    private final List<Feeder> feeders;
    private final int outputSize;
    private final Map<String, String> settings;
    private final String version;

    private TfSession(ZooModel<NDList, NDList> model, List<Feeder> feeders, int outputSize,
                      Map<String, String> settings, String version) {
        this.model = model;
        this.feeders = feeders;
        this.outputSize = outputSize;
        this.settings = settings;
        this.version = version;
    }

    /**
     * One model input of the session: its signature key (DJL matches a named array to the key of that name; unnamed
     * arrays go in alphabetical key order, so every array is named), its batch shape, and the direct buffer reused by
     * every call (int64 ids widened from the batch's ints, int32 ids as they are).
     */
    private static final class Feeder {
        private final ModelInput input;
        private final Shape shape;
        private final InputBuffer buffer;

        Feeder(ModelInput input, int batch) {
            this.input = input;
            long[] dims = new long[input.shape().length + 1];
            dims[0] = batch;
            for (int i = 0; i < input.shape().length; i++) {
                dims[i + 1] = input.shape()[i];
            }
            this.shape = new Shape(dims);
            this.buffer = InputBuffer.of(input, batch);
        }

        /** The batch's values of this input as a named array of {@code manager} (filled outside the engine call). */
        NDArray array(NDManager manager, Feed feed) {
            DataType type = switch (input.type()) {
                case FLOAT32 -> DataType.FLOAT32;
                case INT64 -> DataType.INT64;
                case INT32 -> DataType.INT32;
            };
            NDArray x = manager.create(buffer.fill(feed), shape, type);
            x.setName(input.name());
            return x;
        }
    }

    static TfSession open(SessionSpec spec, Path cacheRoot) throws IOException, ModelNotFoundException,
            MalformedModelException {
        Started s = start(spec.threads());
        Workload w = spec.workload();
        SavedModelExport.Exported exported = SavedModelExport.ensure(cacheRoot, w, spec.weights());

        ConfigProto config = ConfigProto.newBuilder()
                .setIntraOpParallelismThreads(spec.threads())
                .setInterOpParallelismThreads(INTER_OP_THREADS)
                .build();
        Criteria<NDList, NDList> criteria = Criteria.builder()
                .setTypes(NDList.class, NDList.class)
                .optEngine(TensorFlowAdapter.NAME)
                .optDevice(ai.djl.Device.cpu())
                .optModelPath(exported.dir())
                .optOption("Tags", SavedModelExport.TAG)
                .optOption("SignatureDefKey", SavedModelExport.SIGNATURE)
                // DJL takes the session config as a base64-encoded ConfigProto
                .optOption("ConfigProto", Base64.getEncoder().encodeToString(config.toByteArray()))
                .build();
        ZooModel<NDList, NDList> model = criteria.loadModel();

        List<Feeder> feeders = w.inputs().stream().map(in -> new Feeder(in, spec.batchSize())).toList();
        Map<String, String> settings = new LinkedHashMap<>();
        // TensorFlow offers no getter for a session's or the eager context's pools (neither does DJL): the counts
        // are the ones given, in the session's ConfigProto and in DJL's engine properties, recorded as requested
        settings.put("intra_op_threads_requested", Integer.toString(config.getIntraOpParallelismThreads()));
        settings.put("inter_op_threads_requested", Integer.toString(config.getInterOpParallelismThreads()));
        settings.put("intra_op_parallelism_threads_requested", Integer.toString(config.getIntraOpParallelismThreads()));
        settings.put("inter_op_parallelism_threads_requested", Integer.toString(config.getInterOpParallelismThreads()));
        settings.put("engine_intra_op_threads_requested", System.getProperty(INTRA_PROPERTY, "unset"));
        settings.put("engine_inter_op_threads_requested", System.getProperty(INTER_PROPERTY, "unset"));
        // the ConfigProto exactly as handed to the session (protobuf text format on one line)
        settings.put("tf_config_proto", config.toString().replaceAll("\\s+", " ").strip());
        settings.put("threads_read_back", "none: TensorFlow and DJL expose no getter for a session's thread pools;"
                + " tf_config_proto is the configuration the session was given");
        String dir = s.natives().dir().toString();
        settings.put("native_library", LoadedNatives.find("libtensorflow_cc", dir).map(Path::toString)
                .orElse("libtensorflow_cc.so.2 not found among the loaded libraries under " + dir));
        settings.put("native_build", "tensorflow-core-native 1.0.0-rc.1 linux-x86_64 (cpu), TensorFlow "
                + s.engine().getVersion());
        settings.put("native_source", s.natives().source());
        settings.put("model_format", "saved_model");
        settings.put("graph_layout", w.inputShape().length == 3 ? "nhwc"
                : w.inputs().stream().anyMatch(in -> in.shape().length == 2) ? "sequence" : "flat");
        settings.putAll(oneDnn(dir));
        settings.put("djl_version", Engine.getDjlVersion());
        return new TfSession(model, feeders, spec.batchSize() * w.classes(), Collections.unmodifiableMap(settings), s.engine().getVersion());
    }

    /**
     * TensorFlow's oneDNN switch and decision. {@code tf_enable_onednn_opts}: the variable in this process's
     * environment, which libtensorflow reads once ({@code unset} when unset). {@code tf_onednn_enabled}: read back
     * from TensorFlow itself, {@code tensorflow::IsMklEnabled()} in the loaded libtensorflow_framework.so.2 (the
     * function its graph rewrite and kernels ask; it applies the variable over the default once per process).
     * {@code tf_onednn_default}: {@code tensorflow::DefaultOneDnnPolicy()}, what an unset variable means on this CPU
     * (on Linux x86 true only with AVX512_VNNI, AVX512_BF16, AVX_VNNI or AMX, per TF's util/port.cc).
     */
    static Map<String, String> oneDnn(String nativeDir) {
        Map<String, String> s = new LinkedHashMap<>();
        String env = System.getenv(TensorFlowAdapter.ONEDNN_OPTS);
        s.put(TensorFlowAdapter.ONEDNN_ENV_KEY, env == null ? "unset" : env);
        Optional<Boolean> enabled = LoadedNatives.callBool("libtensorflow_framework", nativeDir,
                "_ZN10tensorflow12IsMklEnabledEv");
        Optional<Boolean> byDefault = LoadedNatives.callBool("libtensorflow_framework", nativeDir,
                "_ZN10tensorflow19DefaultOneDnnPolicyEv");
        String missing = "unknown: tensorflow::%s() not found in the loaded libtensorflow_framework.so.2";
        s.put(TensorFlowAdapter.ONEDNN_KEY, enabled.map(String::valueOf)
                .orElse(String.format(missing, "IsMklEnabled")));
        s.put("tf_onednn_default", byDefault.map(String::valueOf)
                .orElse(String.format(missing, "DefaultOneDnnPolicy")));
        s.put("variant_read_back", enabled.isPresent() ? TensorFlowAdapter.ONEDNN_KEY + ",tf_onednn_default (from"
                + " libtensorflow_framework); " + TensorFlowAdapter.ONEDNN_ENV_KEY + " is the process environment"
                : "none: tensorflow::IsMklEnabled() not found; " + TensorFlowAdapter.ONEDNN_ENV_KEY
                + " is the process environment");
        return s;
    }

    /**
     * Starts DJL's TensorFlow engine once per JVM with the requested intra-op threads. TensorFlow sizes its global
     * CPU thread pool from the first session it creates (DJL's eager context, created at engine start), so later
     * sessions cannot change it: a different thread count in the same JVM is refused rather than silently ignored.
     */
    static synchronized Started start(int threads) {
        if (started != null) {
            if (started.threads() != threads) {
                throw new IllegalStateException("TensorFlow already runs with " + started.threads()
                        + " intra-op threads in this JVM (its CPU thread pool is fixed by the first session); "
                        + threads + " threads need a fresh JVM");
            }
            return started;
        }
        TfNatives.Location natives = TfNatives.install();
        System.setProperty(INTRA_PROPERTY, Integer.toString(threads));
        System.setProperty(INTER_PROPERTY, Integer.toString(INTER_OP_THREADS));
        Engine engine;
        try {
            engine = Engine.getEngine(TensorFlowAdapter.NAME);
        } catch (EngineException e) {
            throw new IllegalStateException("TensorFlow engine failed to start with natives from " + natives.dir()
                    + " (" + natives.source() + "): " + e.getMessage(), e);
        }
        started = new Started(engine, threads, natives);
        return started;
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
        if (feeders.size() != 1 || feeders.get(0).input.type().ids()) {
            throw new IllegalStateException("this workload has " + feeders.size() + " input(s) of "
                    + feeders.stream().map(f -> f.input.toString()).toList() + "; call infer(Batch)");
        }
        return run(List.of(new Feed.Floats(features, feeders.get(0).input.shape())));
    }

    @Override
    public float[] infer(Batch batch) {
        return run(batch.inputs());
    }

    private float[] run(List<Feed> feeds) {
        if (feeds.size() != feeders.size()) {
            throw new IllegalArgumentException("expected " + feeders.size() + " inputs, got " + feeds.size());
        }
        // a sub-manager per call frees the input and output tensors as soon as the logits are copied out
        try (NDManager manager = model.getNDManager().newSubManager()) {
            NDList inputs = new NDList(feeders.size());
            for (int k = 0; k < feeders.size(); k++) {
                inputs.add(feeders.get(k).array(manager, feeds.get(k)));
            }
            NDList out = model.getBlock().forward(new ParameterStore(manager, false), inputs, false);
            float[] logits = out.singletonOrThrow().toFloatArray();
            if (logits.length != outputSize) {
                throw new IllegalStateException("TensorFlow returned " + logits.length + " logits, expected "
                        + outputSize);
            }
            return logits;
        }
    }

    @Override
    public void close() {
        model.close();
    }
}
