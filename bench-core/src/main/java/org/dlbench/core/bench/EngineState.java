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
import org.dlbench.core.adapter.Mode;
import org.dlbench.core.adapter.Session;
import org.dlbench.core.adapter.SessionSpec;
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
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

/**
 * A session of one engine on one workload, plus pre-generated batches to cycle through. Everything around the timed
 * region happens here, on the very session JMH times: the correctness checks before and after timing, a warm-up that
 * waits for steady state, a bare timed loop before and after JMH's iterations, the process's CPU time over JMH's
 * measured iterations and, for inference, the latency phase (every call timed) after them. The outcome goes to the runner as a {@link ForkReport}.
 */
@State(Scope.Benchmark)
public abstract class EngineState {
    /** System property naming the file that receives one {@link ForkReport} JSON line per benchmark process. */
    public static final String FORK_OUT = "dlbench.fork.out";
    /** Check: the timed session's logits match the reference before timing. */
    public static final String FORWARD = CorrectnessChecks.FORWARD;
    /** Check: the timed session gives the same logits after timing as before (inference). */
    public static final String OUTPUTS_UNCHANGED = "outputs_unchanged_after_timing";
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

    protected Session session;
    protected Batch[] batches;
    private int next;

    private Workload resolved;
    private Batch checkBatch;
    private float[] logitsBefore;
    private final List<Check> checks = new ArrayList<>();
    private SteadyStateWarmup warm;
    private BareLoop before;
    private ProcessClock iterationStart;
    private long measuredWall;
    private long measuredCpu;
    private boolean cpuKnown = true;

    protected abstract Mode mode();

    /** One invocation of the benchmark's own call; the bare loop and the warm-up run exactly this. */
    protected abstract void call();

    @Setup(Level.Trial)
    public void open() throws Exception {
        resolved = Workloads.resolve(workload);
        SyntheticData data = new SyntheticData(resolved);
        batches = new Batch[BATCHES];
        for (int i = 0; i < BATCHES; i++) {
            batches[i] = data.batch(i, batch);
        }
        Weights weights = Weights.initial(resolved);
        session = InjectedSlowdown.wrapIfAsked(engine, Adapters.byName(engine).open(
                new SessionSpec(resolved, weights, batch, threads, Device.parse(device), mode())));
        // checks on the session that is about to be timed, before any step or timed call
        checkBatch = CorrectnessChecks.forwardInput(resolved, batch);
        logitsBefore = session.infer(checkBatch.features());
        checks.add(CorrectnessChecks.forward(logitsBefore, resolved, weights, batch));
        if (mode() == Mode.TRAIN) {
            checks.addAll(CorrectnessChecks.beforeTraining(session, resolved, weights, batch));
        }
        warm = SteadyStateWarmup.run(this::call, warmupWindow, warmupMin, warmupCap);
        before = BareLoop.run(this::call, bareLoopSeconds, BARE_LOOP_CHUNKS, 2);
    }

    protected Batch nextBatch() {
        return batches[next++ & (BATCHES - 1)];
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
            if (session != null) {
                after = BareLoop.run(this::call, bareLoopSeconds, BARE_LOOP_CHUNKS, 2);
                if (latencySeconds > 0) {
                    // every call timed into an HdrHistogram, on the same session, already in steady state
                    latency = Latencies.closedLoop(this::call, 0, latencySeconds, MIN_LATENCY_CALLS,
                            Math.max(MAX_LATENCY_SECONDS, 4 * latencySeconds), System::nanoTime)
                            .summary();
                }
                checks.add(afterTiming());
                // read while the session is open: what the engine applied to the session that was timed
                version = session.engineVersion();
                settings = session.settings();
            }
        } catch (RuntimeException e) {
            checks.add(new Check(mode() == Mode.TRAIN ? LOSS_FINITE : OUTPUTS_UNCHANGED, false,
                    "the timed session failed after timing: " + e));
        } finally {
            if (session != null) {
                session.close();
            }
            report(after, latency, version, settings);
        }
    }

    private Check afterTiming() {
        if (mode() == Mode.TRAIN) {
            float loss = session.trainStep(checkBatch);
            return new Check(LOSS_FINITE, Float.isFinite(loss),
                    String.format(Locale.ROOT, "loss after timing %.4f", loss));
        }
        float[] again = session.infer(checkBatch.features());
        Tolerance.Outcome o = Tolerance.DEFAULT.compare(again, logitsBefore);
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
                m.peakRssBytes(), m.peakHeapBytes(), latency);
        String line = ResultsIO.JSON.writer().without(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT)
                .writeValueAsString(r) + "\n";
        Files.writeString(Path.of(file), line, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
}
