package org.dlbench.djl.block;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.stream.Collectors;
import org.dlbench.core.adapter.Device;
import org.dlbench.core.adapter.EngineAdapter;
import org.dlbench.core.adapter.Mode;
import org.dlbench.core.adapter.Session;
import org.dlbench.core.adapter.SessionSpec;
import org.dlbench.core.adapter.Support;
import org.dlbench.core.workload.Workload;

/**
 * A DJL engine driven through the Block API: the workload becomes a graph block, inference calls
 * {@code forward} directly and training uses DJL's {@code Trainer} with plain SGD and
 * {@code SoftmaxCrossEntropyLoss}. The engine is always picked by its DJL name, never DJL's default engine (with
 * several engines on one classpath that default is not PyTorch). Subclasses say how their engine takes threads.
 */
public abstract class DjlBlockAdapter implements EngineAdapter {
    private final String engineName;

    protected DjlBlockAdapter(String engineName) {
        this.engineName = engineName;
    }

    /** The DJL engine name, which is also this adapter's name. */
    @Override
    public final String name() {
        return engineName;
    }

    /** Classpath resource that describes the engine's native jar, e.g. {@code native/lib/pytorch.properties}. */
    protected abstract String nativeResource();

    /** Maven coordinates of the native jar this module ships, for messages. */
    protected abstract String nativeArtifact();

    /**
     * Makes the engine use {@code threads} intra-op threads, or fails with a clear message when it cannot. Called
     * before the engine is first requested in this session (the engine may already be loaded by an earlier one)
     * and must check the result once the engine is up; returns the thread settings as the engine applies them.
     */
    protected abstract Map<String, String> applyThreads(int threads, EngineLoader loader);

    /** Engine-specific settings worth recording with the numbers (native flavour, accelerator libraries). */
    protected Map<String, String> engineSettings(Engine engine) {
        return Map.of();
    }

    /** Labels as the engine's loss wants them: DJL picks by index, the index type is engine-specific. */
    protected NDArray labels(NDManager manager, int[] labels) {
        return manager.create(labels);
    }

    /** Runs on the calling thread before every forward pass that must not record gradients. */
    protected void beforeInference() {
    }

    /** Waits until all queued work is done, for engines that run asynchronously; a timed step must end here. */
    protected void awaitCompletion() {
    }

    @Override
    public Support supports(Workload workload, Mode mode, Device device) {
        // every layer WorkloadBlocks translates, both engines train; the device can be out of reach
        Support layers = Support.forStages(workload, WorkloadBlocks::whyNot);
        if (!layers.supported()) {
            return layers;
        }
        if (device.isCpu()) {
            return Support.yes();
        }
        List<NativeLibraries.Build> builds = NativeLibraries.onClasspath(nativeResource());
        if (builds.isEmpty()) {
            return Support.no(engineName + " has no native library jar on this classpath (" + nativeResource()
                    + " not found), so no GPU build is reachable");
        }
        if (builds.stream().noneMatch(NativeLibraries.Build::cuda)) {
            return Support.no(engineName + " natives on this classpath are CPU-only ("
                    + builds.stream().map(b -> "flavour " + b.flavour() + " " + b.version())
                            .collect(Collectors.joining(", "))
                    + " from " + nativeArtifact() + "); no CUDA build is shipped, so no GPU is reachable");
        }
        // a CUDA build is present: whether a GPU is really there is checked in open(), once threads are settled
        return Support.yes();
    }

    /** Applies the thread count and loads the natives, so that start-up is timed apart from building the model. */
    @Override
    public void loadEngine(SessionSpec spec) {
        start(spec);
    }

    @Override
    public Session open(SessionSpec spec) throws Exception {
        Map<String, String> settings = start(spec);
        Engine engine = Engine.getEngine(engineName);
        return new BlockSession(this, engine, spec, settings);
    }

    /** Checks support, settles threads, loads the engine; cheap once the engine is up. Returns the settings. */
    private Map<String, String> start(SessionSpec spec) {
        Support support = supports(spec.workload(), spec.mode(), spec.device());
        if (!support.supported()) {
            throw new IllegalArgumentException(support.reason());
        }
        Map<String, String> settings = start(spec.threads());
        Engine engine = Engine.getEngine(engineName);
        if (!spec.device().isCpu() && spec.device().index() >= engine.getGpuCount()) {
            throw new IllegalStateException(engineName + " sees " + engine.getGpuCount() + " GPU(s); device "
                    + spec.device() + " is not reachable");
        }
        return settings;
    }

    private Map<String, String> start(int threads) {
        EngineLoader loader = new EngineLoader(engineName);
        Map<String, String> settings = new LinkedHashMap<>(applyThreads(threads, loader));
        Engine engine = loader.engine();
        settings.put("djl_version", Engine.getDjlVersion());
        settings.put("api", "block");
        settings.putAll(engineSettings(engine));
        return settings;
    }

    /**
     * An n x n float32 matrix product through the engine's own {@code matMul} (LibTorch's MKL / oneDNN, MXNet's BLAS)
     * on the CPU, repeated for about {@code seconds}; the engine must be able to run at {@code threads} threads.
     */
    @Override
    public OptionalDouble sgemmGflops(int n, int threads, double seconds) {
        start(threads); // before the engine is first touched: PyTorch takes its threads when it loads
        Engine engine = Engine.getEngine(engineName);
        try (NDManager manager = engine.newBaseManager(ai.djl.Device.cpu())) {
            beforeInference();
            NDArray a = manager.randomUniform(-1f, 1f, new Shape(n, n));
            NDArray b = manager.randomUniform(-1f, 1f, new Shape(n, n));
            multiply(a, b); // first call pays for allocations and kernel selection
            long reps = 0;
            long begin = System.nanoTime();
            long elapsed;
            do {
                multiply(a, b);
                reps++;
                elapsed = System.nanoTime() - begin;
            } while (elapsed < seconds * 1e9);
            return OptionalDouble.of(2.0 * n * n * n * reps / elapsed);
        }
    }

    private void multiply(NDArray a, NDArray b) {
        try (NDArray c = a.matMul(b)) {
            awaitCompletion();
        }
    }

    /** Loads the engine by name on first use, so adapters can act just before and check just after. */
    protected static final class EngineLoader {
        private final String name;
        private Engine engine;

        EngineLoader(String name) {
            this.name = name;
        }

        public Engine engine() {
            if (engine == null) {
                engine = Engine.getEngine(name);
            }
            return engine;
        }
    }
}
