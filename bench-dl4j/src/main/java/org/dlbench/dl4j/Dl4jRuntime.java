package org.dlbench.dl4j;

import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.dlbench.core.adapter.Device;
import org.dlbench.core.adapter.SessionSpec;
import org.dlbench.core.adapter.Support;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;

/**
 * What both DL4J adapters share about the ND4J runtime: the device answer, the thread check, the engine version and
 * the settings that shape the numbers. Only {@link #checkBackend} and {@link #settings} touch ND4J (and its natives).
 */
final class Dl4jRuntime {
    /** ND4J's CUDA backend class; present only when an nd4j-cuda artifact is on the classpath. */
    private static final String CUDA_BACKEND = "org.nd4j.linalg.jcublas.JCublasBackend";
    private static final String CPU_BACKEND = "org.nd4j.linalg.cpu.nativecpu.CpuBackend";
    /** libnd4j's binaryLevel()/optimalLevel() codes: 1 generic x86-64, 2 AVX2, 3 AVX-512. */
    private static final String[] CPU_LEVELS = {"unknown", "generic_x86_64", "avx2", "avx512"};

    private Dl4jRuntime() {
    }

    /** Answers for a device without loading any native library. */
    static Support device(Device device) {
        if (device.isCpu()) {
            return Support.yes();
        }
        if (!onClasspath(CUDA_BACKEND)) {
            return Support.no("nd4j-cuda backend is not on the classpath; DL4J runs on the CPU backend here");
        }
        if (device.index() != 0) {
            return Support.no("ND4J's CUDA backend picks its device itself; this adapter only runs gpu:0");
        }
        return Support.yes();
    }

    /**
     * libnd4j and its OpenBLAS read OMP_NUM_THREADS once, when ND4J loads, and ND4J has no per-session thread
     * setting: the only honest way to run N threads is a JVM started with OMP_NUM_THREADS=N, which the runner does.
     */
    static void checkThreads(int threads) {
        String env = System.getenv("OMP_NUM_THREADS");
        if (env == null || !env.trim().equals(Integer.toString(threads))) {
            throw new IllegalStateException("DL4J takes its thread count from the OMP_NUM_THREADS environment variable "
                    + "when ND4J starts; " + threads + " thread(s) were requested but OMP_NUM_THREADS is "
                    + (env == null ? "not set" : "'" + env + "'") + ": start this JVM with OMP_NUM_THREADS=" + threads);
        }
    }

    /** Loads ND4J and checks that its backend matches the device (ND4J picks the highest-priority backend found). */
    static void checkBackend(Device device, int threads) {
        String backend = Nd4j.getBackend().getClass().getName();
        String wanted = device.isCpu() ? CPU_BACKEND : CUDA_BACKEND;
        if (!backend.equals(wanted)) {
            throw new IllegalStateException("ND4J loaded backend " + backend + " but device " + device + " needs "
                    + wanted + "; keep only the matching nd4j backend on the classpath");
        }
        Object omp = Nd4j.getExecutioner().getEnvironmentInformation().get("omp.threads");
        if (omp != null && !String.valueOf(omp).equals(Integer.toString(threads))) {
            throw new IllegalStateException("ND4J runs " + omp + " OpenMP thread(s) but " + threads + " were requested");
        }
    }

    /**
     * Checks threads and support, then loads ND4J's natives and backend: engine start-up, timed apart from building
     * a model when the harness calls {@code loadEngine} first.
     */
    static void start(SessionSpec spec) {
        Support support = device(spec.device());
        if (!support.supported()) {
            throw new IllegalArgumentException(support.reason());
        }
        checkThreads(spec.threads());
        checkBackend(spec.device(), spec.threads());
    }

    /**
     * GFLOP/s of an n x n float32 product through ND4J's BLAS (OpenBLAS in the CPU backend), repeated for about
     * {@code seconds}; the JVM must run with OMP_NUM_THREADS equal to {@code threads}.
     */
    static double sgemmGflops(int n, int threads, double seconds) {
        checkThreads(threads);
        checkBackend(Device.CPU, threads);
        try (INDArray a = Nd4j.rand(DataType.FLOAT, n, n).subi(0.5);
             INDArray b = Nd4j.rand(DataType.FLOAT, n, n).subi(0.5);
             INDArray c = Nd4j.create(DataType.FLOAT, n, n)) {
            a.mmuli(b, c); // the first call pays for allocation and kernel selection
            long reps = 0;
            long begin = System.nanoTime();
            long elapsed;
            do {
                a.mmuli(b, c);
                reps++;
                elapsed = System.nanoTime() - begin;
            } while (elapsed < seconds * 1e9);
            return 2.0 * n * n * n * reps / elapsed;
        }
    }

    /** The version in deeplearning4j-nn's own Maven metadata: what users put in their POM. */
    static String version() {
        String resource = "/META-INF/maven/org.deeplearning4j/deeplearning4j-nn/pom.properties";
        try (InputStream in = org.deeplearning4j.nn.multilayer.MultiLayerNetwork.class.getResourceAsStream(resource)) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                return p.getProperty("version", "unknown");
            }
        } catch (IOException e) {
            // fall through: the version is informative only
        }
        return "unknown";
    }

    /**
     * Thread, BLAS and native-build settings as ND4J reports them after loading (the thread keys follow
     * {@link org.dlbench.core.adapter.Session#settings}). Read back: libnd4j's threads per op
     * ({@code Environment.maxMasterThreads}, the size of the OpenMP team its parallel loops ask for), its pool
     * ({@code maxThreads}), the OpenMP default of this thread ({@code omp_get_max_threads}) and OpenBLAS's pool
     * ({@code openblas_get_num_threads}). Requested only: OMP_NUM_THREADS and the idle-wait variables, which the
     * natives read at load and no API reports.
     *
     * <p>The native build ({@link Nd4jBuilds}), read back: the jar directory JavaCPP loaded libnd4jcpu from
     * ({@code nd4j_native_build}, {@code nd4j_native_library}), libnd4j's compiled instruction level
     * ({@code nd4j_binary_level}) and whether its build info lists oneDNN ({@code nd4j_onednn}); {@code native_build}
     * combines the last two ({@code avx512+onednn}). Requested only: the JavaCPP extension property that pins it.
     */
    static Map<String, String> settings() {
        Map<String, String> s = new LinkedHashMap<>();
        Properties env = Nd4j.getExecutioner().getEnvironmentInformation();
        var nd4j = Nd4j.getEnvironment();
        var ops = NativeOpsHolder.getInstance().getDeviceNativeOps();
        s.put("intra_op_threads", Integer.toString(nd4j.maxMasterThreads()));
        s.put("blas_threads", Integer.toString(Nd4j.factory().blas().getMaxThreads()));
        s.put("nd4j_pool_threads", Integer.toString(nd4j.maxThreads()));
        // the values are not all Strings (threads are Integers), so Properties.getProperty would miss them
        s.put("nd4j_omp_threads", String.valueOf(env.get("omp.threads")));
        s.put("omp_max_threads", Integer.toString(ops.ompGetMaxThreads()));
        s.put("threads_read_back", "intra_op_threads,blas_threads,nd4j_pool_threads,nd4j_omp_threads,omp_max_threads");
        s.put("omp_num_threads_requested", envOrUnset("OMP_NUM_THREADS"));
        s.put("omp_wait_policy_requested", envOrUnset("OMP_WAIT_POLICY"));
        s.put("openblas_thread_timeout_requested", envOrUnset("OPENBLAS_THREAD_TIMEOUT"));
        s.put("pool_idle_wait", idleWait());
        s.put("nd4j_backend", String.valueOf(env.get("backend")));
        s.put("blas_vendor", String.valueOf(env.get("blas.vendor")).toLowerCase(java.util.Locale.ROOT));
        // the generic linux-x86_64 build runs on any x86 CPU; -avx2/-avx512 classifiers are separate artifacts
        s.put("nd4j_binary_level", level(ops.binaryLevel()));
        // the build JavaCPP actually loaded: the avx512 and onednn-avx512 builds both report binary level avx512
        String library = loadedLibnd4j();
        s.put("nd4j_native_build", nativeBuild(library));
        s.put("nd4j_native_library", library == null ? "unknown" : withinJar(library));
        s.put("cpu_optimal_level", level(ops.optimalLevel()));
        s.put("nd4j_helpers_allowed", Boolean.toString(Nd4j.getEnvironment().helpersAllowed()));
        // oneDNN is linked into libnd4jcpu.so of the onednn builds: its build info then lists HAVE_ONEDNN
        String buildInfo = ops.buildInfo();
        boolean onednn = Nd4jBuilds.onednnCompiledIn(buildInfo);
        s.put("nd4j_onednn", Boolean.toString(onednn));
        s.put("nd4j_build_features", Nd4jBuilds.buildFeatures(buildInfo));
        // libnd4j's switch for its oneDNN platform helpers (true by default, in every build; acts only with oneDNN in)
        s.put("nd4j_use_onednn", Boolean.toString(Nd4jCpu.Environment.getInstance().isUseONEDNN()));
        s.put("javacpp_platform_extension_requested",
                System.getProperty(Nd4jBuilds.EXTENSION_PROPERTY, "unset").strip());
        // the standard variant keys (docs/variants-design.md section 5)
        s.put("native_library", s.get("nd4j_native_library"));
        s.put("native_build", s.get("nd4j_binary_level") + (onednn ? "+onednn" : ""));
        s.put("variant_read_back", "nd4j_native_build,nd4j_binary_level,nd4j_onednn");
        s.put("data_type", Nd4j.defaultFloatingPointType().name().toLowerCase(java.util.Locale.ROOT));
        return s;
    }

    /** The file JavaCPP loaded libnd4jcpu from (its cache copy), from {@code Loader.getLoadedLibraries()}; or null. */
    static String loadedLibnd4j() {
        for (String path : org.bytedeco.javacpp.Loader.getLoadedLibraries().values()) {
            if (path != null && path.replace('\\', '/').matches(".*/libnd4jcpu\\.so[^/]*$")) {
                return path;
            }
        }
        return null;
    }

    /**
     * A cached library's path from the jar it came from on, e.g.
     * {@code nd4j-native-1.0.0-M2.1-linux-x86_64.jar/org/.../libnd4jcpu.so}, so that the setting names the jar and
     * not where this checkout keeps its cache; the whole path when no jar directory is in it.
     */
    static String withinJar(String library) {
        String p = library.replace('\\', '/');
        int jar = p.lastIndexOf(".jar/");
        if (jar < 0) {
            return p;
        }
        int start = p.lastIndexOf('/', jar) + 1;
        return p.substring(start);
    }

    /**
     * The native build a libnd4jcpu path belongs to: the platform directory it was packed in, e.g.
     * {@code linux-x86_64} (the generic build) or {@code linux-x86_64-onednn-avx512}; {@code unknown} without one.
     */
    static String nativeBuild(String library) {
        if (library == null) {
            return "unknown";
        }
        String p = library.replace('\\', '/');
        int at = p.lastIndexOf("/bindings/");
        if (at < 0) {
            return "unknown";
        }
        String rest = p.substring(at + "/bindings/".length());
        int slash = rest.indexOf('/');
        return slash < 0 ? "unknown" : rest.substring(0, slash);
    }

    /**
     * {@code passive} when both pools' idle threads were told to sleep at once (libgomp's OMP_WAIT_POLICY=PASSIVE
     * and OpenBLAS's shortest OPENBLAS_THREAD_TIMEOUT, 4), else {@code spin}: see dlbench-env.properties.
     */
    static String idleWait() {
        String policy = System.getenv("OMP_WAIT_POLICY");
        String timeout = System.getenv("OPENBLAS_THREAD_TIMEOUT");
        boolean passive = policy != null && policy.strip().equalsIgnoreCase("passive");
        boolean blasSleeps;
        try {
            blasSleeps = timeout != null && Integer.parseInt(timeout.strip()) <= 4;
        } catch (NumberFormatException e) {
            blasSleeps = false;
        }
        return passive && blasSleeps ? "passive" : "spin";
    }

    private static String envOrUnset(String name) {
        String v = System.getenv(name);
        return v == null ? "unset" : v.strip();
    }

    private static String level(int level) {
        return level >= 0 && level < CPU_LEVELS.length ? CPU_LEVELS[level] : Integer.toString(level);
    }

    private static boolean onClasspath(String className) {
        try {
            Class.forName(className, false, Dl4jRuntime.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
