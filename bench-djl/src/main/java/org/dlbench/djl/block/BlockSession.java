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
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.dlbench.core.adapter.Mode;
import org.dlbench.core.adapter.Session;
import org.dlbench.core.adapter.SessionSpec;
import org.dlbench.core.data.Batch;
import org.dlbench.core.workload.ParamSpec;
import org.dlbench.core.workload.Workload;

/** One workload as a DJL block on one engine: a {@link Model}, plus a {@link Trainer} when it trains. */
final class BlockSession implements Session {
    private final DjlBlockAdapter adapter;
    private final Engine engine;
    private final Workload workload;
    private final int batch;
    private final Shape inputShape;
    private final Model model;
    private final GraphBlock block;
    private final Trainer trainer;
    private final Loss loss;
    private final NDManager manager;
    private final ParameterStore inferenceStore;
    private final org.dlbench.core.data.InputBuffer input;
    private final Map<String, String> settings;
    private final Map<String, Parameter> parameters;

    BlockSession(DjlBlockAdapter adapter, Engine engine, SessionSpec spec, Map<String, String> settings) {
        this.adapter = adapter;
        this.engine = engine;
        this.workload = spec.workload();
        this.batch = spec.batchSize();
        this.inputShape = WorkloadBlocks.inputShape(workload, batch);
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
                t.initialize(inputShape);
                this.manager = t.getManager();
            } else {
                this.loss = null;
                block.initialize(m.getNDManager(), DataType.FLOAT32, inputShape);
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
        // one direct buffer for inputs: PyTorch wraps it without a copy, MXNet copies from it without staging
        this.input = new org.dlbench.core.data.InputBuffer(batch * workload.inputSize());
        Map<String, String> all = new LinkedHashMap<>(settings);
        if (trainer != null) {
            all.put("optimizer", "sgd lr=" + workload.learningRate() + " momentum=0 weight_decay=0");
            all.put("loss", "SoftmaxCrossEntropyLoss mean");
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
        adapter.beforeInference();
        try (NDManager scope = manager.newSubManager()) {
            NDArray x = features(scope, features);
            NDArray logits = block.forward(inferenceStore, new NDList(x), false).singletonOrThrow();
            // the read waits for asynchronous engines, so the call returns only when the work is done
            return logits.toFloatArray();
        }
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
            NDArray x = features(scope, b.features());
            NDArray y = adapter.labels(scope, b.labels());
            NDArray value;
            try (GradientCollector collector = trainer.newGradientCollector()) {
                NDArray logits = trainer.forward(new NDList(x)).singletonOrThrow();
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

    private NDArray features(NDManager scope, float[] features) {
        return scope.create(input.fill(features), inputShape, DataType.FLOAT32);
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
