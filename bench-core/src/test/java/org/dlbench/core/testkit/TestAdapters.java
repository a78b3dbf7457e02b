package org.dlbench.core.testkit;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.dlbench.core.adapter.Device;
import org.dlbench.core.adapter.EngineAdapter;
import org.dlbench.core.adapter.Mode;
import org.dlbench.core.adapter.Session;
import org.dlbench.core.adapter.SessionSpec;
import org.dlbench.core.adapter.Support;
import org.dlbench.core.reference.ReferenceModel;
import org.dlbench.core.workload.Workload;

/**
 * Engines for testing the harness itself: one that answers with the reference maths, and ones that misbehave the
 * way native engines do (wrong numbers, native crash, hang, out of memory). Registered only on test classpaths.
 */
public final class TestAdapters {
    private TestAdapters() {
    }

    /** Inference with the reference forward pass: always correct. */
    public static class Reference implements EngineAdapter {
        @Override
        public String name() {
            return "TestReference";
        }

        @Override
        public Support supports(Workload workload, Mode mode, Device device) {
            if (!device.isCpu()) {
                return Support.no("test engine runs on the CPU only");
            }
            return mode == Mode.INFER ? Support.yes() : Support.no("test engine: inference only");
        }

        /** A plain-Java matrix multiply: slow, but it exercises the calibration path end to end. */
        @Override
        public java.util.OptionalDouble sgemmGflops(int n, int threads, double seconds) {
            int m = Math.min(n, 128);
            float[] a = new float[m * m];
            float[] b = new float[m * m];
            float[] c = new float[m * m];
            java.util.Arrays.fill(a, 1f);
            java.util.Arrays.fill(b, 2f);
            long start = System.nanoTime();
            long reps = 0;
            do {
                for (int i = 0; i < m; i++) {
                    for (int k = 0; k < m; k++) {
                        float aik = a[i * m + k];
                        for (int j = 0; j < m; j++) {
                            c[i * m + j] += aik * b[k * m + j];
                        }
                    }
                }
                reps++;
            } while (System.nanoTime() - start < seconds * 1e9 / 10);
            return java.util.OptionalDouble.of(2.0 * m * m * m * reps / ((System.nanoTime() - start) / 1e9) / 1e9);
        }

        @Override
        public Session open(SessionSpec spec) throws Exception {
            ReferenceModel model = new ReferenceModel(spec.workload(), spec.weights());
            return new SimpleSession(features -> model.forward(features, spec.batchSize()));
        }
    }

    /**
     * The reference forward pass with variants: {@code needs-flag} needs a CPU flag no CPU has, {@code fast} sets
     * {@code -Ddlbench.test.variant=fast} and expects it read back, {@code lying} expects a setting its switch never
     * produces (its cells must fail the read-back check), {@code plain} is shipped. The session reports the property
     * it sees as {@code test_variant}.
     */
    public static class Variants extends Reference {
        /** The switch the variants set, read by the session. */
        public static final String PROPERTY = "dlbench.test.variant";

        @Override
        public String name() {
            return "TestVariants";
        }

        @Override
        public java.util.List<org.dlbench.core.variant.Variant> variants() {
            var kind = org.dlbench.core.variant.Variant.Kind.SWITCHES;
            return java.util.List.of(
                    org.dlbench.core.variant.Variant.builder(name(), "needs-flag", kind)
                            .description("needs a CPU flag no CPU has").requires("dlbench_no_such_flag")
                            .property(PROPERTY, "needs-flag").build(),
                    org.dlbench.core.variant.Variant.builder(name(), "fast", kind).description("the fast switch")
                            .property(PROPERTY, "fast").expect("test_variant", "fast").build(),
                    org.dlbench.core.variant.Variant.builder(name(), "lying", kind)
                            .description("expects what its switch never gives").property(PROPERTY, "lying")
                            .expect("test_variant", "something-else").build(),
                    org.dlbench.core.variant.Variant.builder(name(), "plain", kind).shipped()
                            .description("as shipped").build());
        }

        @Override
        public Session open(SessionSpec spec) throws Exception {
            Session inner = super.open(spec);
            String seen = System.getProperty(PROPERTY, "none");
            return new Session() {
                @Override
                public String engineVersion() {
                    return inner.engineVersion();
                }

                @Override
                public Map<String, String> settings() {
                    return Map.of("kind", "test", "test_variant", seen);
                }

                @Override
                public float[] infer(float[] features) {
                    return inner.infer(features);
                }

                @Override
                public void close() {
                    inner.close();
                }
            };
        }
    }

    /** Returns zeros: its correctness check must fail and the report must say so. */
    public static class Wrong extends Reference {
        @Override
        public String name() {
            return "TestWrong";
        }

        @Override
        public Session open(SessionSpec spec) {
            return new SimpleSession(features -> new float[spec.batchSize() * spec.workload().classes()]);
        }
    }

    /** Dies of a real SIGSEGV, as a broken native library would. */
    public static class Crash extends Reference {
        @Override
        public String name() {
            return "TestCrash";
        }

        @Override
        public Session open(SessionSpec spec) throws Exception {
            Field f = Class.forName("sun.misc.Unsafe").getDeclaredField("theUnsafe");
            f.setAccessible(true);
            Object unsafe = f.get(null);
            unsafe.getClass().getMethod("putAddress", long.class, long.class).invoke(unsafe, 0L, 42L);
            throw new IllegalStateException("still alive after writing to address 0");
        }
    }

    /** Never returns. */
    public static class Hang extends Reference {
        @Override
        public String name() {
            return "TestHang";
        }

        @Override
        public Session open(SessionSpec spec) throws Exception {
            Thread.sleep(Long.MAX_VALUE);
            return null;
        }
    }

    /** Allocates until the heap is gone. */
    public static class Oom extends Reference {
        @Override
        public String name() {
            return "TestOom";
        }

        @Override
        public Session open(SessionSpec spec) {
            List<long[]> hog = new ArrayList<>();
            while (true) {
                hog.add(new long[16 * 1024 * 1024]);
            }
        }
    }

    /**
     * The reference forward pass, counting every session it opens and every call of each by calling thread: the
     * concurrent-instances tests read them (in-process runs only). Its sessions compute on the calling thread, so
     * their "pool" is per session.
     */
    public static class Counting extends Reference {
        /** Every session opened in this JVM, in order; tests clear it first. */
        public static final List<CountingSession> OPENED = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Override
        public String name() {
            return "TestCounting";
        }

        @Override
        public Session open(SessionSpec spec) {
            ReferenceModel model = new ReferenceModel(spec.workload(), spec.weights());
            CountingSession s = new CountingSession(OPENED.size(), features -> model.forward(features,
                    spec.batchSize()));
            OPENED.add(s);
            return s;
        }

        @Override
        public org.dlbench.core.adapter.ThreadPoolScope threadPoolScope() {
            return org.dlbench.core.adapter.ThreadPoolScope.perSession("test: every session computes on the calling "
                    + "thread");
        }
    }

    /** A session of {@link Counting}: its calls by thread name, and whether it was closed. */
    public static final class CountingSession implements Session {
        private final int id;
        private final java.util.function.Function<float[], float[]> forward;
        /** Calls by the name of the thread that made them. */
        public final Map<String, java.util.concurrent.atomic.AtomicLong> callsByThread =
                new java.util.concurrent.ConcurrentHashMap<>();
        public volatile boolean closed;

        CountingSession(int id, java.util.function.Function<float[], float[]> forward) {
            this.id = id;
            this.forward = forward;
        }

        /** All calls, from every thread. */
        public long calls() {
            return callsByThread.values().stream().mapToLong(java.util.concurrent.atomic.AtomicLong::get).sum();
        }

        @Override
        public String engineVersion() {
            return "test";
        }

        @Override
        public Map<String, String> settings() {
            return Map.of("kind", "test", "intra_op_threads_requested", "1", "session", Integer.toString(id));
        }

        @Override
        public float[] infer(float[] features) {
            callsByThread.computeIfAbsent(Thread.currentThread().getName(),
                    k -> new java.util.concurrent.atomic.AtomicLong()).incrementAndGet();
            return forward.apply(features);
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    private record SimpleSession(java.util.function.Function<float[], float[]> forward) implements Session {
        @Override
        public String engineVersion() {
            return "test";
        }

        @Override
        public Map<String, String> settings() {
            return Map.of("kind", "test");
        }

        @Override
        public float[] infer(float[] features) {
            return forward.apply(features);
        }

        @Override
        public void close() {
        }
    }
}
