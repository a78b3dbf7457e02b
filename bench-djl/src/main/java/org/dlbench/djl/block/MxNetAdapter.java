package org.dlbench.djl.block;

import ai.djl.engine.Engine;
import ai.djl.mxnet.jna.JnaUtils;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.dlbench.core.variant.Variant;
import org.dlbench.core.variant.Variant.Kind;

/**
 * Apache MXNet 1.9 through DJL (the project is retired to the Apache Attic, kept as a seed system). MXNet sizes its
 * OpenMP pool from {@code OMP_NUM_THREADS} (or {@code MXNET_OMP_MAX_THREADS}) once, at library load, and has no
 * working API to change it afterwards (MXSetNumOMPThreads only sets the calling thread, not the engine's worker),
 * so the environment the runner gives the JVM must already say the requested count.
 */
public final class MxNetAdapter extends DjlBlockAdapter {
    /** MXNet's switch for its MKLDNN operators, read from the environment by libmxnet (default 1). */
    static final String MKLDNN_ENABLED = "MXNET_MKLDNN_ENABLED";
    /** {@link #MKLDNN_ENABLED} as libmxnet's getenv returns it, or {@code unset}. */
    static final String MKLDNN_ENV_KEY = "mxnet_mkldnn_enabled_env";

    public MxNetAdapter() {
        super("MXNet");
    }

    @Override
    protected String nativeResource() {
        return "native/lib/mxnet.properties";
    }

    @Override
    protected String nativeArtifact() {
        return "ai.djl.mxnet:mxnet-native-mkl";
    }

    @Override
    protected Map<String, String> applyThreads(int threads, EngineLoader loader) {
        String omp = System.getenv("OMP_NUM_THREADS");
        String ompMax = System.getenv("MXNET_OMP_MAX_THREADS");
        String wanted = Integer.toString(threads);
        // MXNet's rule: MXNET_OMP_MAX_THREADS wins over OMP_NUM_THREADS; with neither it picks its own count
        String effective = ompMax != null ? ompMax.strip() : omp == null ? null : omp.strip();
        if (!wanted.equals(effective)) {
            throw new IllegalStateException("MXNet takes its thread count from the environment at load time: "
                    + (ompMax != null ? "MXNET_OMP_MAX_THREADS=" + ompMax : "OMP_NUM_THREADS="
                    + (omp == null ? "(unset)" : omp)) + " but " + threads + " thread(s) were requested; start the "
                    + "JVM with OMP_NUM_THREADS=" + threads + (ompMax != null ? " and without MXNET_OMP_MAX_THREADS" : ""));
        }
        loader.engine();
        Map<String, String> s = new LinkedHashMap<>();
        // read back from the libgomp and libopenblas that libmxnet.so loaded (MXNet itself has no getter): this
        // thread's OpenMP default, which MXNet's operators start from, and OpenBLAS's own pthread pool
        java.util.OptionalInt ompRead = LoadedNatives.callInt("libgomp", "mxnet", "omp_get_max_threads");
        java.util.OptionalInt blasRead = LoadedNatives.callInt("libopenblas", "mxnet", "openblas_get_num_threads");
        List<String> readBack = new java.util.ArrayList<>();
        if (ompRead.isPresent()) {
            s.put("intra_op_threads", Integer.toString(ompRead.getAsInt()));
            readBack.add("intra_op_threads");
        } else {
            s.put("intra_op_threads_requested", effective);
        }
        if (blasRead.isPresent()) {
            s.put("blas_threads", Integer.toString(blasRead.getAsInt()));
            readBack.add("blas_threads");
        }
        s.put("threads_read_back", (readBack.isEmpty() ? "none" : String.join(",", readBack))
                + (ompRead.isPresent() ? "" : "; MXNet's own libgomp is not loaded (another OpenMP runtime serves it)"));
        // both pools keep their libraries' default busy-polling when idle (no wait policy is set for this module)
        s.put("pool_idle_wait", "spin");
        s.put("omp_num_threads_requested", omp == null ? "(unset)" : omp.strip());
        if (ompMax != null) {
            s.put("mxnet_omp_max_threads_requested", ompMax.strip());
        }
        // the threaded engine runs each operator on a worker thread that uses the OpenMP pool
        s.put("mxnet_engine_type_requested", env("MXNET_ENGINE_TYPE", "ThreadedEnginePerDevice"));
        s.put("mxnet_cpu_worker_nthreads_requested", env("MXNET_CPU_WORKER_NTHREADS", "1"));
        String blas = System.getenv("OPENBLAS_NUM_THREADS");
        if (blas != null) {
            s.put("openblas_num_threads_requested", blas.strip());
        }
        return s;
    }

    /**
     * An environment variable as libmxnet sees it ({@code MXGetEnv}, which returns the C library's getenv): the
     * value, {@code unset}, or empty when libmxnet or the function is not loaded.
     */
    static Optional<String> libraryEnv(String name) {
        return LoadedNatives.function("libmxnet", "mxnet", "MXGetEnv").flatMap(f -> {
            PointerByReference value = new PointerByReference();
            if (f.invokeInt(new Object[] {name, value}) != 0) {
                return Optional.empty();
            }
            Pointer p = value.getValue();
            return Optional.of(p == null ? "unset" : p.getString(0));
        });
    }

    /**
     * MKLDNN (oneDNN) on, as shipped, then off. Evidence for the order: the mxnet-native-mkl build is MXNet's
     * MKLDNN-enabled CPU build, whose documentation (MXNet's "MKL-DNN" install and performance pages) presents MKLDNN
     * as the accelerated path for convolution, fully connected and pooling operators on x86; not measured here yet.
     * Both are environment switches (MXNet reads {@code MXNET_MKLDNN_ENABLED} once, in libmxnet) and expect what is
     * read back: MKLDNN compiled in, and the variable as libmxnet sees it.
     */
    @Override
    public List<Variant> variants() {
        return List.of(
                Variant.builder(name(), "mkldnn", Kind.SWITCHES).shipped()
                        .description("MXNet as shipped: mxnet-native-mkl with its MKLDNN operators on ("
                                + MKLDNN_ENABLED + " unset)")
                        .env(MKLDNN_ENABLED, "").expect("mkldnn", "true").expect(MKLDNN_ENV_KEY, "unset").build(),
                Variant.builder(name(), "mkldnn-off", Kind.SWITCHES)
                        .description("MKLDNN operators off (" + MKLDNN_ENABLED + "=0): MXNet's own CPU kernels")
                        .env(MKLDNN_ENABLED, "0").expect("mkldnn", "true").expect(MKLDNN_ENV_KEY, "0").build());
    }

    private static String env(String name, String mxnetDefault) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? mxnetDefault + " (default)" : v.strip();
    }

    @Override
    protected Map<String, String> engineSettings(Engine engine) {
        Map<String, String> s = new LinkedHashMap<>();
        NativeLibraries.onClasspath(nativeResource()).stream().findFirst()
                .ifPresent(b -> s.put("native_flavour", b.flavour()));
        // compiled in: read back from libmxnet's feature list (MXLibInfoFeatures, through DJL)
        s.put("mkldnn", Boolean.toString(engine.hasCapability("MKLDNN")));
        // enabled: MXNet decides from MXNET_MKLDNN_ENABLED (dmlc::GetEnv, default true) with no getter for the
        // decision, so the value is recorded as libmxnet's own getenv returns it (MXGetEnv)
        s.put(MKLDNN_ENV_KEY, libraryEnv(MKLDNN_ENABLED)
                .orElse("unreadable (MXGetEnv not found); JVM environment: "
                        + Optional.ofNullable(System.getenv(MKLDNN_ENABLED)).orElse("unset")));
        s.put("variant_read_back", "mkldnn (compiled in, from MXNet's feature list), " + MKLDNN_ENV_KEY
                + " (the environment libmxnet reads, from its MXGetEnv; MXNet has no getter for the decision)");
        LoadedNatives.find("libmxnet", "mxnet").ifPresent(p -> s.put("native_library", p.toString()));
        NativeLibraries.onClasspath(nativeResource()).stream().findFirst()
                .ifPresent(b -> s.put("native_build", "mxnet " + b.version() + " " + b.flavour()));
        // DJL's trainer updates MXNet parameters through a KVStore unless told to use its Java parameter server
        s.put("parameter_server", Boolean.getBoolean("ai.djl.use_local_parameter_server") ? "local" : "kvstore");
        return s;
    }

    @Override
    protected void awaitCompletion() {
        // MXNet queues operators; the SGD update must be finished, not just queued, when a timed step returns
        JnaUtils.waitAll();
    }

    /**
     * One engine per process: the threaded engine runs the operators of every session on its CPU worker threads
     * (MXNET_CPU_WORKER_NTHREADS), each with the OpenMP threads read from OMP_NUM_THREADS at load; the NaiveEngine
     * (needed for several instances) runs them on the calling thread with that OpenMP setting.
     */
    @Override
    public org.dlbench.core.adapter.ThreadPoolScope threadPoolScope() {
        return org.dlbench.core.adapter.ThreadPoolScope.process("MXNet has one engine per process ("
                + env("MXNET_ENGINE_TYPE", "ThreadedEnginePerDevice") + "): its operator threads and its OpenMP "
                + "thread count (OMP_NUM_THREADS, read at load) are shared by every session");
    }

    /**
     * Several sessions called from several Java threads need MXNet's NaiveEngine (DJL's inference performance guide:
     * MXNET_ENGINE_TYPE=NaiveEngine for multithreaded inference); the engine type is read once, at load, from the
     * environment, so a JVM with the default threaded engine refuses.
     */
    @Override
    public java.util.Map<String, String> instancesEnvironment() {
        return java.util.Map.of("MXNET_ENGINE_TYPE", "NaiveEngine");
    }

    @Override
    public org.dlbench.core.adapter.Support supportsInstances(int instances) {
        String engine = env("MXNET_ENGINE_TYPE", "ThreadedEnginePerDevice");
        return instances <= 1 || "NaiveEngine".equals(engine) ? org.dlbench.core.adapter.Support.yes()
                : org.dlbench.core.adapter.Support.no("MXNet through DJL needs MXNET_ENGINE_TYPE=NaiveEngine for multithreaded inference, "
                        + "read once at load; this JVM runs " + engine);
    }
}
