package org.dlbench.djl.block;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.dlbench.core.adapter.Mode;
import org.dlbench.core.adapter.Session;
import org.dlbench.core.adapter.SessionSpec;
import org.dlbench.core.data.Batch;
import org.dlbench.core.data.InputBuffer;
import org.dlbench.core.workload.ModelInput;
import org.dlbench.core.workload.ParamSpec;
import org.dlbench.core.workload.Workload;

/** One workload as a DJL block on one engine: a {@link Model}, plus a {@link Trainer} when it trains. */
final class BlockSession implements Session {
    private final DjlBlockAdapter adapter;
    private final Engine engine;
    private final Workload workload;
    private final int batch;
    private final Shape[] inputShapes;
    private final Model model;
    private final GraphBlock block;
    private final Trainer trainer;
    private final Loss loss;
    private final NDManager manager;
    private final ParameterStore inferenceStore;
    /** One reused direct buffer per model input: float32, or int64 for ids. */
    private final List<InputBuffer> inputs;
    private final List<DataType> inputTypes;
    private final Map<String, String> settings;
    private final Map<String, Parameter> parameters;

    BlockSession(DjlBlockAdapter adapter, Engine engine, SessionSpec spec, Map<String, String> settings) {
        this.adapter = adapter;
        this.engine = engine;
        this.workload = spec.workload();
        this.batch = spec.batchSize();
        this.inputShapes = WorkloadBlocks.inputShapes(workload, batch);
        ai.djl.Device device = spec.device().isCpu() ? ai.djl.Device.cpu() : ai.djl.Device.gpu(spec.device().index());
        Set<String> loaded = Collections.synchronizedSet(new HashSet<>());
        Map<String, Parameter> bound = new LinkedHashMap<>();
        this.block = WorkloadBlocks.build(workload, spec.weights(), loaded, bound);
        this.parameters = Collections.unmodifiableMap(bound);
        Model m = Model.newInstance("dlbench-" + workload.name(), device, engine.getEngineName());
        Trainer t = null;
        try {
            m.setBlock(block);
            if (spec.mode() == Mode.TRAIN) {
                // SoftmaxCrossEntropyLoss defaults: sparse labels, logits in (log-softmax applied inside), mean over
                // the batch; Sgd without momentum and with weight decay 0, gradients not rescaled.
                this.loss = Loss.softmaxCrossEntropyLoss();
                Optimizer sgd = Optimizer.sgd()
                        .setLearningRateTracker(Tracker.fixed((float) workload.learningRate()))
                        .build();
                t = m.newTrainer(new DefaultTrainingConfig(loss)
                        .optOptimizer(sgd)
                        .optDevices(new ai.djl.Device[] {device}));
                // initialising through the trainer also seeds its parameter server (MXNet: a KVStore copy)
                // with the shared weights, so nothing must be written to the parameters afterwards
                // one shape per model input; shapes carry no type, parameters are float32 whatever the inputs are
                t.initialize(inputShapes);
                this.manager = t.getManager();
            } else {
                this.loss = null;
                block.initialize(m.getNDManager(), DataType.FLOAT32, inputShapes);
                this.manager = m.getNDManager();
            }
            this.trainer = t;
            this.model = m;
            checkAllLoaded(loaded);
        } catch (RuntimeException e) {
            if (t != null) {
                t.close();
            }
            m.close();
            throw e;
        }
        // parameters are read in place, no copy per call
        this.inferenceStore = new ParameterStore(manager, false);
        // one direct buffer per input: PyTorch wraps it without a copy, MXNet copies from it without staging
        List<InputBuffer> buffers = new ArrayList<>();
        List<DataType> types = new ArrayList<>();
        for (ModelInput in : workload.inputs()) {
            boolean ids = in.type().ids();
            buffers.add(ids ? InputBuffer.longs(batch * in.size()) : InputBuffer.of(in, batch));
            types.add(ids ? DataType.INT64 : DataType.FLOAT32);
        }
        this.inputs = List.copyOf(buffers);
        this.inputTypes = List.copyOf(types);
        Map<String, String> all = new LinkedHashMap<>(settings);
        if (trainer != null) {
            all.put("optimizer", "sgd lr=" + workload.learningRate() + " momentum=0 weight_decay=0");
            all.put("loss", "SoftmaxCrossEntropyLoss mean");
        }
        // which op runs each LSTM layer (the fused one unless it failed its check against the plain maths)
        List<String> lstm = new ArrayList<>();
        block.getChildren().values().forEach(b -> {
            if (b instanceof SequenceBlocks.LstmBlock l) {
                lstm.addAll(l.kernels());
            }
        });
        if (!lstm.isEmpty()) {
            all.put("lstm_op", String.join("; ", lstm));
        }
        this.settings = Collections.unmodifiableMap(all);
    }

    private void checkAllLoaded(Set<String> loaded) {
        for (ParamSpec p : workload.params()) {
            if (!loaded.contains(p.name())) {
                throw new IllegalStateException(engine.getEngineName() + " did not take the shared value of "
                        + p.name() + "; it would start from DJL's own initialiser");
            }
        }
    }

    @Override
    public String engineVersion() {
        return engine.getVersion();
    }

    @Override
    public Map<String, String> settings() {
        return settings;
    }

    @Override
    public float[] infer(float[] features) {
        if (!workload.singleFloatInput()) {
            throw new IllegalStateException(workload.name() + " has the inputs " + workload.inputs()
                    + "; call infer(Batch)");
        }
        adapter.beforeInference();
        try (NDManager scope = manager.newSubManager()) {
            NDList x = new NDList(scope.create(inputs.get(0).fill(features), inputShapes[0], DataType.FLOAT32));
            return forward(x);
        }
    }

    @Override
    public float[] infer(Batch b) {
        adapter.beforeInference();
        try (NDManager scope = manager.newSubManager()) {
            return forward(inputs(scope, b));
        }
    }

    private float[] forward(NDList x) {
        NDArray logits = block.forward(inferenceStore, x, false).singletonOrThrow();
        // the read waits for asynchronous engines, so the call returns only when the work is done
        return logits.toFloatArray();
    }

    @Override
    public float trainStep(Batch b) {
        if (trainer == null) {
            throw new IllegalStateException("this session was opened for inference; open one with mode train");
        }
        if (b.size() != batch) {
            throw new IllegalArgumentException("expected a batch of " + batch + ", got " + b.size());
        }
        try (NDManager scope = manager.newSubManager()) {
            NDList x = inputs(scope, b);
            NDArray y = adapter.labels(scope, b.labels());
            NDArray value;
            try (GradientCollector collector = trainer.newGradientCollector()) {
                NDArray logits = trainer.forward(x).singletonOrThrow();
                value = loss.evaluate(new NDList(y), new NDList(logits));
                collector.backward(value);
            }
            trainer.step();
            float result = value.getFloat();
            adapter.awaitCompletion();
            return result;
        }
    }

    /**
     * The block's parameter arrays, by canonical name. DJL's Linear and Conv2d hold weights as [out, in] and
     * [out, in, k, k], the canonical layouts (checked when they were loaded). These arrays are the ones forward
     * passes read and the trainer's update writes: PyTorch updates them in place; MXNet's parameter server pulls the
     * KVStore's updated copy into them after every step. Reading waits for queued work.
     */
    @Override
    public Map<String, float[]> parameters() {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : parameters.entrySet()) {
            NDArray a = e.getValue().getArray();
            out.put(e.getKey(), a.toFloatArray());
        }
        return out;
    }

    /** One array per model input, in input order, filled from the batch through the reused buffers. */
    private NDList inputs(NDManager scope, Batch b) {
        if (b.size() != batch || b.inputs().size() != inputs.size()) {
            throw new IllegalArgumentException("expected a batch of " + batch + " with " + inputs.size()
                    + " input(s), got " + b.size() + " with " + b.inputs().size());
        }
        NDList x = new NDList(inputs.size());
        for (int k = 0; k < inputs.size(); k++) {
            x.add(scope.create(inputs.get(k).fill(b.inputs().get(k)), inputShapes[k], inputTypes.get(k)));
        }
        return x;
    }

    /**
     * Values of the parameters that are not canonical tensors but must stay fixed (each LSTM layer's second, h2h,
     * bias: zero and frozen), by block path; for tests that a training step leaves them as they are.
     */
    Map<String, float[]> frozenParameters() {
        Map<String, float[]> out = new LinkedHashMap<>();
        block.getParameters().forEach(p -> {
            if (!p.getValue().requiresGradient() && !parameters.containsValue(p.getValue())) {
                out.put(p.getKey(), p.getValue().getArray().toFloatArray());
            }
        });
        return out;
    }

    /** NDArrays alive under the model, for tests that memory does not grow per call. */
    int liveArrays() {
        return model.getNDManager().getManagedArrays().size();
    }

    @Override
    public void close() {
        try {
            if (trainer != null) {
                trainer.close();
            }
        } finally {
            model.close();
        }
    }
}
