package org.dlbench.core.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.dlbench.core.adapter.Adapters;
import org.dlbench.core.adapter.Device;
import org.dlbench.core.adapter.EngineAdapter;
import org.dlbench.core.adapter.Mode;
import org.dlbench.core.adapter.Session;
import org.dlbench.core.adapter.SessionSpec;
import org.dlbench.core.adapter.Support;
import org.dlbench.core.adapter.ThreadPoolScope;
import org.dlbench.core.data.Batch;
import org.dlbench.core.data.SyntheticData;
import org.dlbench.core.data.Weights;
import org.dlbench.core.reference.Tolerance;
import org.dlbench.core.result.CellResult;
import org.dlbench.core.result.Check;
import org.dlbench.core.result.ResultsIO;
import org.dlbench.core.check.CorrectnessChecks;
import org.dlbench.core.process.MemoryProbe;
import org.dlbench.core.process.ParentWatch;
import org.dlbench.core.workload.Workload;
import org.dlbench.core.workload.Workloads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

/**
 * A session of one engine on one workload, plus pre-generated batches to cycle through. Everything around the timed
 * region happens here, on the very session JMH times: the correctness checks before and after timing, a warm-up that
 * waits for steady state, a bare timed loop before and after JMH's iterations, the process's CPU time over JMH's
 * measured iterations and, for inference, the latency phase (every call timed) after them. The outcome goes to the runner as a {@link ForkReport}.
 *
 * <p>With {@link #instances} K &gt; 1 (inference only) the state holds K independent sessions, each opened by
 * {@link org.dlbench.core.adapter.EngineAdapter#open} with its own model (and its own thread pool where the engine
 * has per-session pools), and JMH runs K threads, thread {@code i} calling instance {@code i}. Every phase around
 * JMH's iterations runs the K instances at once on K threads of its own ({@link InstanceThreads}): the checks run on
 * every instance, the warm-up and the bare loops measure the aggregate rate (the sum of the instances' rates, as
 * JMH sums its threads' scores), and the latency phase times every call of every instance into one histogram.
 */
@State(Scope.Benchmark)
public abstract class EngineState {
    /** System property naming the file that receives one {@link ForkReport} JSON line per benchmark process. */
    public static final String FORK_OUT = "dlbench.fork.out";
    /** Check: the timed session's logits match the reference before timing. */
    public static final String FORWARD = CorrectnessChecks.FORWARD;
    /** Check: the timed session gives the same logits after timing as before (inference). */
    public static final String OUTPUTS_UNCHANGED = "outputs_unchanged_after_timing";
    /** Settings key: the sessions a cell with several instances opened and called at once. */
    public static final String INSTANCES_SETTING = "instances";
    /** Check: the timed session's training loss is still finite after timing. */
    public static final String LOSS_FINITE = "loss_finite_after_timing";

    /** A few distinct batches, so no engine can cache one result; a power of two for cheap cycling. */
    static final int BATCHES = 4;
    /** Chunks each bare loop is split into, for its error estimate. */
    static final int BARE_LOOP_CHUNKS = 5;

    @Param("PyTorch")
    public String engine;

    /** A built-in workload name or the path of a workload file. */
    @Param("mlp")
    public String workload;

    @Param("32")
    public int batch;

    @Param("1")
    public int threads;

    @Param("cpu")
    public String device;

    /** Length of one steady-state warm-up window, seconds. */
    @Param("0.5")
    public double warmupWindow;

    /** Shortest steady-state warm-up, seconds. */
    @Param("5")
    public double warmupMin;

    /** Longest steady-state warm-up, seconds; 0 skips it. */
    @Param("15")
    public double warmupCap;

    /** Length of each bare loop (one before, one after JMH's iterations), seconds. */
    @Param("1.25")
    public double bareLoopSeconds;

    /** Length of the latency phase after JMH's iterations, seconds; 0 skips it (training). */
    @Param("0")
    public double latencySeconds;

    static {
        // in a JMH benchmark process started by a cell JVM: stop when that JVM is gone
        ParentWatch.startIfAsked("benchmark process");
    }

    /** Calls the latency phase records at least, unless that takes longer than {@link #MAX_LATENCY_SECONDS}. */
    public static final long MIN_LATENCY_CALLS = 200;
    /**
     * The latency phase's longest recording: at least this, or four times the profile's latency time. An engine that
     * takes a second per call records fewer than {@link #MIN_LATENCY_CALLS} calls, and its verdict says so (noisy).
     */
    public static final double MAX_LATENCY_SECONDS = 20;

    /**
     * Independent sessions called at once, each from its own thread (JMH's thread {@code i} calls instance
     * {@code i}); more than one for inference only.
     */
    @Param("1")
    public int instances;

    /** Instance 0's session: the only one of a training cell. */
    protected Session session;
    protected Batch[] batches;
    private Instance[] opened = new Instance[0];
    private InstanceThreads instanceThreads;
    private Runnable[] calls;

    private Workload resolved;
    private Batch checkBatch;
    private final List<Check> checks = new ArrayList<>();
    private SteadyStateWarmup warm;
    private BareLoop before;
    private ProcessClock iterationStart;
    private long measuredWall;
    private long measuredCpu;
    private boolean cpuKnown = true;

    protected abstract Mode mode();

    /** One invocation of the benchmark's own call; the bare loop and the warm-up run exactly this. */
    protected abstract void call(Session session, Batch batch);

    /**
     * One session of the state with its own cycle through the batches, so that instances on different threads share
     * no mutable state.
     */
    protected final class Instance {
        final int index;
        final Session session;
        private int next;
        private float[] logitsBefore;

        Instance(int index, Session session) {
            this.index = index;
            this.session = session;
        }

        /** The next of the pre-generated batches, cycling. */
        Batch nextBatch() {
            return batches[next++ & (BATCHES - 1)];
        }

        void call() {
            EngineState.this.call(session, nextBatch());
        }
    }

    /** The instance JMH's thread {@code threadIndex} calls. */
    protected Instance instance(int threadIndex) {
        return opened[threadIndex];
    }

    @Setup(Level.Trial)
    public void open(BenchmarkParams params) throws Exception {
        if (instances < 1) {
            throw new IllegalArgumentException("instances must be at least 1, not " + instances);
        }
        if (params.getThreads() != instances) {
            // JMH's thread i calls instance i: one thread per instance, no more, no fewer
            throw new IllegalArgumentException("JMH runs " + params.getThreads() + " thread(s) for " + instances
                    + " instance(s): run it with as many threads as instances (-t " + instances + ")");
        }
        if (instances > 1 && mode() != Mode.INFER) {
            throw new IllegalArgumentException(instances + " instances: concurrent instances are measured for "
                    + "inference only, not " + mode().id());
        }
        resolved = Workloads.resolve(workload);
        SyntheticData data = new SyntheticData(resolved);
        batches = new Batch[BATCHES];
        for (int i = 0; i < BATCHES; i++) {
            batches[i] = data.batch(i, batch);
        }
        Weights weights = Weights.initial(resolved);
        EngineAdapter adapter = Adapters.byName(engine);
        if (instances > 1) {
            Support s = adapter.supportsInstances(instances);
            if (!s.supported()) {
                throw new IllegalArgumentException(engine + " cannot run " + instances + " instances: " + s.reason());
            }
        }
        SessionSpec spec = new SessionSpec(resolved, weights, batch, threads, Device.parse(device), mode());
        instanceThreads = new InstanceThreads(instances);
        // one after another (engines load and build models on the first open), each on its instance's own thread
        List<Instance> built = new ArrayList<>();
        try {
            for (int i = 0; i < instances; i++) {
                int index = i;
                built.add(instanceThreads.on(i, () -> new Instance(index,
                        InjectedSlowdown.wrapIfAsked(engine, adapter.open(spec)))));
            }
        } catch (Exception | Error e) {
            // the sessions opened so far are native resources: close them before giving up
            built.forEach(in -> closeQuietly(in.session));
            instanceThreads.close();
            throw e;
        }
        opened = built.toArray(new Instance[0]);
        session = opened[0].session;
        try {
            calls = new Runnable[instances];
            for (int i = 0; i < instances; i++) {
                calls[i] = opened[i]::call;
            }
            // checks on the sessions that are about to be timed, before any step or timed call: on every instance
            checkBatch = CorrectnessChecks.forwardInput(resolved, batch);
            List<Check> forward = new ArrayList<>();
            for (Instance in : opened) {
                forward.add(instanceThreads.on(in.index, () -> {
                    in.logitsBefore = in.session.infer(checkBatch);
                    return CorrectnessChecks.forward(in.logitsBefore, resolved, weights, batch);
                }));
            }
            checks.add(merge(forward));
            if (mode() == Mode.TRAIN) {
                checks.addAll(CorrectnessChecks.beforeTraining(session, resolved, weights, batch));
            }
            BareLoop.Windowed windows = (nanos, min) -> instanceThreads.window(calls, nanos, min);
            warm = SteadyStateWarmup.run(windows, warmupWindow, warmupMin, warmupCap);
            before = BareLoop.run(windows, instances, bareLoopSeconds, BARE_LOOP_CHUNKS, 2);
        } catch (Exception | Error e) {
            // nothing will time these sessions: close them before giving up
            for (Instance in : opened) {
                closeQuietly(in.session);
            }
            opened = new Instance[0];
            session = null;
            instanceThreads.close();
            throw e;
        }
    }

    /** Instance 0's next batch (training, and inference with one instance). */
    protected Batch nextBatch() {
        return opened[0].nextBatch();
    }

    /**
     * One check from the same check made on every instance: passed only if it passed on each; the detail is the
     * first failure's, or instance 0's, naming the instance when there are several.
     */
    static Check merge(List<Check> perInstance) {
        if (perInstance.size() == 1) {
            return perInstance.get(0);
        }
        int n = perInstance.size();
        for (int i = 0; i < n; i++) {
            Check c = perInstance.get(i);
            if (!c.passed()) {
                return new Check(c.name(), false, "instance " + (i + 1) + " of " + n + ": " + c.detail());
            }
        }
        Check first = perInstance.get(0);
        return new Check(first.name(), true, "all " + n + " instances passed; instance 1: " + first.detail());
    }

    @Setup(Level.Iteration)
    public void iterationStart(IterationParams params) {
        if (params.getType() == IterationType.MEASUREMENT) {
            iterationStart = ProcessClock.now();
        }
    }

    @TearDown(Level.Iteration)
    public void iterationEnd(IterationParams params) {
        if (params.getType() == IterationType.MEASUREMENT && iterationStart != null) {
            ProcessClock end = ProcessClock.now();
            measuredWall += end.wallNanos() - iterationStart.wallNanos();
            if (end.cpuNanos() < 0 || iterationStart.cpuNanos() < 0) {
                cpuKnown = false;
            } else {
                measuredCpu += end.cpuNanos() - iterationStart.cpuNanos();
            }
            iterationStart = null;
        }
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        BareLoop after = null;
        CellResult.Latency latency = null;
        String version = null;
        Map<String, String> settings = null;
        try {
            if (opened.length > 0 && session != null) {
                after = BareLoop.run((nanos, min) -> instanceThreads.window(calls, nanos, min), instances,
                        bareLoopSeconds, BARE_LOOP_CHUNKS, 2);
                if (latencySeconds > 0) {
                    latency = latencyPhase().summary();
                }
                List<Check> unchanged = new ArrayList<>();
                for (Instance in : opened) {
                    unchanged.add(instanceThreads.onUnchecked(in.index, () -> afterTiming(in)));
                }
                checks.add(merge(unchanged));
                // read while the sessions are open: what the engine applied to the sessions that were timed
                version = session.engineVersion();
                settings = settings();
            }
        } catch (RuntimeException e) {
            checks.add(new Check(mode() == Mode.TRAIN ? LOSS_FINITE : OUTPUTS_UNCHANGED, false,
                    "the timed session failed after timing: " + e));
        } finally {
            for (Instance in : opened) {
                closeQuietly(in.session);
            }
            if (instanceThreads != null) {
                instanceThreads.close();
            }
            report(after, latency, version, settings);
        }
    }

    private static void closeQuietly(Session s) {
        try {
            s.close();
        } catch (Exception e) {
            System.out.println("[dlbench] a session did not close: " + e);
        }
    }

    /**
     * Every call timed into an HdrHistogram, on the same sessions, already in steady state: every instance at once,
     * each on its own thread into its own histogram, then all added up (per-call percentiles across instances). Each
     * instance records at least its share of {@link #MIN_LATENCY_CALLS}.
     */
    private Latencies latencyPhase() {
        long share = (MIN_LATENCY_CALLS + instances - 1) / instances;
        double cap = Math.max(MAX_LATENCY_SECONDS, 4 * latencySeconds);
        List<Latencies> each = instanceThreads.all(i -> Latencies.closedLoop(calls[i], 0, latencySeconds, share, cap,
                System::nanoTime));
        Latencies all = each.get(0);
        for (int i = 1; i < each.size(); i++) {
            all.add(each.get(i));
        }
        return all;
    }

    /**
     * Instance 0's settings; with several instances also {@code instances} (the sessions opened), the engine's
     * {@link ThreadPoolScope} and, if another instance's settings differ from instance 0's, the keys that do.
     */
    private Map<String, String> settings() {
        Map<String, String> first = session.settings();
        if (instances == 1) {
            return first;
        }
        Map<String, String> s = new java.util.LinkedHashMap<>(first == null ? Map.of() : first);
        s.put(INSTANCES_SETTING, Integer.toString(opened.length));
        ThreadPoolScope scope = Adapters.byName(engine).threadPoolScope();
        s.put(ThreadPoolScope.SETTING, scope.kind().id());
        s.put(ThreadPoolScope.REASON_SETTING, scope.reason());
        java.util.TreeSet<String> differ = new java.util.TreeSet<>();
        for (int i = 1; i < opened.length; i++) {
            Map<String, String> other = opened[i].session.settings();
            Map<String, String> a = first == null ? Map.of() : first;
            Map<String, String> b = other == null ? Map.of() : other;
            java.util.Set<String> keys = new java.util.HashSet<>(a.keySet());
            keys.addAll(b.keySet());
            keys.stream().filter(k -> !java.util.Objects.equals(a.get(k), b.get(k))).forEach(differ::add);
        }
        if (!differ.isEmpty()) {
            s.put(INSTANCES_SETTING + "_settings_differ", String.join(",", differ));
        }
        return s;
    }

    private Check afterTiming(Instance in) {
        if (mode() == Mode.TRAIN) {
            float loss = in.session.trainStep(checkBatch);
            return new Check(LOSS_FINITE, Float.isFinite(loss),
                    String.format(Locale.ROOT, "loss after timing %.4f", loss));
        }
        float[] again = in.session.infer(checkBatch);
        Tolerance.Outcome o = Tolerance.DEFAULT.compare(again, in.logitsBefore);
        return new Check(OUTPUTS_UNCHANGED, o.passed(), "after timing vs before: " + o.detail());
    }

    private void report(BareLoop after, CellResult.Latency latency, String version, Map<String, String> settings)
            throws IOException {
        String file = System.getProperty(FORK_OUT);
        if (file == null) {
            return;
        }
        var m = MemoryProbe.peak("benchmark");
        Double parallelism = measuredWall > 0 && cpuKnown ? measuredCpu / (double) measuredWall : null;
        ForkReport r = new ForkReport(List.copyOf(checks), warm, before, after, parallelism,
                measuredWall > 0 ? measuredWall / 1e9 : null,
                version, settings,
                m.peakRssBytes(), m.peakHeapBytes(), latency, opened.length);
        String line = ResultsIO.JSON.writer().without(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT)
                .writeValueAsString(r) + "\n";
        Files.writeString(Path.of(file), line, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
}
