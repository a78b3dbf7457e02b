package org.dlbench.core.run;

import org.dlbench.core.bench.Latencies;
import org.dlbench.core.process.ParentWatch;
import org.dlbench.core.process.MemoryProbe;
import org.dlbench.core.check.CorrectnessChecks;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.dlbench.core.adapter.Adapters;
import org.dlbench.core.adapter.Device;
import org.dlbench.core.adapter.EngineAdapter;
import org.dlbench.core.adapter.Mode;
import org.dlbench.core.adapter.Session;
import org.dlbench.core.adapter.SessionSpec;
import org.dlbench.core.adapter.Support;
import org.dlbench.core.bench.ForkReport;
import org.dlbench.core.data.Batch;
import org.dlbench.core.data.SyntheticData;
import org.dlbench.core.data.Weights;
import org.dlbench.core.result.CellResult;
import org.dlbench.core.result.Check;
import org.dlbench.core.result.Host;
import org.dlbench.core.result.ResultsIO;
import org.dlbench.core.result.Status;
import org.dlbench.core.workload.Workload;
import org.dlbench.core.workload.Workloads;

/**
 * Entry point of a child JVM, started by the {@link Orchestrator} with an engine module's classpath.
 * {@code describe REQUEST OUT} lists the engines and their support; {@code calibrate REQUEST OUT} measures matrix
 * multiply speed; {@code cell REQUEST OUT} measures one cell. Each writes its answer to OUT; an error in the engine
 * becomes a {@code failed} result, not a lost one.
 */
public final class CellMain {
    /** Latency phases stop only after this many timed calls, however long that takes. */
    static final long MIN_LATENCY_CALLS = org.dlbench.core.bench.EngineState.MIN_LATENCY_CALLS;

    private CellMain() {
    }

    public static void main(String[] args) throws Exception {
        // first of all: this JVM and its JMH fork must not outlive the runner, however it dies
        ParentWatch.start("cell JVM");
        if (args.length != 3) {
            System.err.println("usage: CellMain describe|calibrate|cell REQUEST.json OUT.json");
            System.exit(2);
        }
        Path request = Path.of(args[1]);
        Path out = Path.of(args[2]);
        Object answer = switch (args[0]) {
            case "describe" -> describe(ResultsIO.JSON.readValue(request.toFile(), DescribeRequest.class));
            case "calibrate" -> calibrate(ResultsIO.JSON.readValue(request.toFile(), CalibrateRequest.class));
            case "cell" -> measure(ResultsIO.JSON.readValue(request.toFile(), CellRequest.class), out);
            default -> throw new IllegalArgumentException("unknown child command " + args[0]);
        };
        ResultsIO.writeAtomically(out, ResultsIO.JSON.writeValueAsBytes(answer));
        // Engines may leave non-daemon native threads behind; the answer is written, so leave now.
        System.exit(0);
    }

    /**
     * The parent asks for the matrix-multiply speed of every engine in this module that can measure it: one unrecorded
     * warm-up call of {@code warmupSeconds}, then {@code samples} calls of {@code sampleSeconds} each.
     */
    public record CalibrateRequest(int threads, int n, double sampleSeconds, int samples, double warmupSeconds) {
    }

    /**
     * The calibrations measured in this module, and for every engine here that computes with another engine's
     * library, that engine's name ({@link EngineAdapter#calibratedBy}).
     */
    public record CalibrateAnswer(List<Host.Calibration> calibrations, Map<String, String> calibratedBy) {
        public CalibrateAnswer {
            calibrations = calibrations == null ? List.of() : List.copyOf(calibrations);
            calibratedBy = calibratedBy == null ? Map.of() : Map.copyOf(calibratedBy);
        }
    }

    static List<DescribeRequest.Answer> describe(DescribeRequest req) {
        Device device = Device.parse(req.device());
        List<DescribeRequest.Answer> answers = new ArrayList<>();
        for (EngineAdapter adapter : Adapters.all()) {
            for (String w : req.workloads()) {
                Workload workload = Workloads.resolve(w);
                for (Mode mode : Mode.values()) {
                    Support s = adapter.supports(workload, mode.engineMode(), device);
                    answers.add(new DescribeRequest.Answer(adapter.name(), workload.name(), mode.id(), s.supported(),
                            s.reason(), adapter.environment().isEmpty() ? null : adapter.environment(),
                            adapter.variants(), adapter.instancesEnvironment().isEmpty() ? null
                                    : adapter.instancesEnvironment()));
                }
            }
        }
        return answers;
    }

    static CalibrateAnswer calibrate(CalibrateRequest req) {
        List<Host.Calibration> result = new ArrayList<>();
        Map<String, String> calibratedBy = new java.util.TreeMap<>();
        for (EngineAdapter adapter : Adapters.all()) {
            String by = adapter.calibratedBy();
            if (by != null && !by.equals(adapter.name())) {
                calibratedBy.put(adapter.name(), by);
            }
            try {
                if (adapter.sgemmGflops(req.n(), req.threads(), req.warmupSeconds()).isEmpty()) {
                    continue;
                }
                List<Double> samples = new ArrayList<>();
                for (int i = 0; i < req.samples(); i++) {
                    samples.add(adapter.sgemmGflops(req.n(), req.threads(), req.sampleSeconds()).orElseThrow());
                }
                result.add(Host.Calibration.of(adapter.name(), req.threads(), req.n(), samples));
            } catch (Exception | LinkageError e) {
                System.out.println("[dlbench] " + adapter.name() + " could not calibrate: " + describe(e));
            }
        }
        return new CalibrateAnswer(result, calibratedBy);
    }

    /** Start-up, checks, latency or server phase, then JMH; every failure on the way is reported in the result. */
    static CellResult measure(CellRequest req, Path out) {
        long cellStart = System.nanoTime();
        CellResult.Builder result = new CellResult.Builder(req.key());
        List<Check> checks = List.of();
        CellResult.Latency latency = null;
        int samplesPerStep = req.batch();
        try {
            Workload workload = Workloads.resolve(req.workload());
            EngineAdapter adapter = Adapters.byName(req.engine());
            Mode mode = Mode.parse(req.mode());
            Device device = Device.parse(req.device());
            Support support = adapter.supports(workload, mode.engineMode(), device);
            if (!support.supported()) {
                return CellResult.unsupported(req.key(), support.reason());
            }
            String instances = instancesUnsupported(adapter, mode, req.instances());
            if (instances != null) {
                return CellResult.unsupported(req.key(), instances);
            }
            Weights weights = Weights.initial(workload);
            SessionSpec spec = new SessionSpec(workload, weights, req.batch(), req.threads(), device,
                    mode.engineMode());
            System.out.println("[dlbench] starting " + req.key());
            boolean separateLoad = overridesLoadEngine(adapter);
            long t0 = System.nanoTime();
            adapter.loadEngine(spec);
            long t1 = System.nanoTime();
            try (Session session = adapter.open(spec)) {
                long t2 = System.nanoTime();
                Batch input = CorrectnessChecks.forwardInput(workload, req.batch());
                float[] first = session.infer(input);
                long t3 = System.nanoTime();
                result.startup(new CellResult.Startup(separateLoad ? (t1 - t0) / 1e6 : null,
                        (t2 - (separateLoad ? t1 : t0)) / 1e6, (t3 - t2) / 1e6));
                result.engineVersion(session.engineVersion()).settings(session.settings());
                samplesPerStep = session.samplesPerStep(req.batch());
                if (mode == Mode.SERVER) {
                    // the server scenario times this session: its checks are made here
                    checks = CorrectnessChecks.all(first, session, workload, weights, req.batch(), mode.engineMode());
                } else if (mode == Mode.TRAIN) {
                    // the long training check; the timed session's own checks run in the benchmark process
                    checks = List.of(CorrectnessChecks.training(session, workload, req.batch()));
                }
                result.checks(checks);
                print(checks);
                if (mode == Mode.SERVER) {
                    Batch[] batches = batches(workload, req.batch());
                    Runnable call = new Runnable() {
                        private int i;

                        @Override
                        public void run() {
                            session.infer(batches[i++ & 3]);
                        }
                    };
                    return server(req, workload, call, result, cellStart);
                }
                // inference and training are timed, cross-checked and their latency phase run in the benchmark
                // process, on the session JMH times
            }
            result.memory(MemoryProbe.peak("checking JVM"));
            System.out.println("[dlbench] measuring " + req.key());
            Path forkFile = out.resolveSibling(out.getFileName() + ".forks");
            JmhCell.Measurement m = JmhCell.run(req, forkFile, samplesPerStep);
            List<Check> forkChecks = CrossChecks.checks(m.forks());
            print(forkChecks);
            List<Check> all = new ArrayList<>(forkChecks);
            if (m.forks().isEmpty()) {
                all.add(new Check("benchmark_process_reported", false,
                        "no benchmark process reported its checks and bare loop"));
            }
            all.addAll(checks);
            checks = all;
            result.checks(checks);
            applyForkReports(result, m.forks());
            latency = CrossChecks.latency(m.forks());
            result.latency(latency);
            result.crossCheck(CrossChecks.of(m.score(), m.scoreError(), m.samples().size(), m.forks(), samplesPerStep,
                    latency, req.batch()));
            result.execution(CrossChecks.execution(m.forks()));
            double flops = mode == Mode.TRAIN ? workload.trainFlopsPerSample(req.batch()) : workload.forwardFlops();
            return result.score(m.score(), m.scoreError(), m.samples()).gflops(m.score() * flops / 1e9)
                    .tokensPerSecond(tokens(workload, m.score()))
                    .seconds((System.nanoTime() - cellStart) / 1e9).build();
        } catch (Throwable e) {
            e.printStackTrace(System.out);
            return result.status(Status.FAILED).reason(describe(e)).checks(checks)
                    .seconds((System.nanoTime() - cellStart) / 1e9).build();
        }
    }

    /**
     * Why {@code instances} concurrent sessions of this engine cannot be measured in this mode, or null when they
     * can (one instance always can): several instances are measured for inference only, and only on an engine
     * whose adapter allows them ({@link EngineAdapter#supportsInstances}).
     */
    static String instancesUnsupported(EngineAdapter adapter, Mode mode, int instances) {
        if (instances <= 1) {
            return null;
        }
        if (mode != Mode.INFER) {
            return instances + " instances: concurrent instances are measured for inference only; a " + mode.id()
                    + " cell runs one session";
        }
        Support s = adapter.supportsInstances(instances);
        return s.supported() ? null : instances + " instances: " + s.reason();
    }

    private static CellResult server(CellRequest req, Workload workload, Runnable call, CellResult.Builder result,
                                     long cellStart) {
        CellRequest.ServerOptions opts = req.server() != null ? req.server()
                : new CellRequest.ServerOptions(null, CellRequest.ServerOptions.DEFAULT_BOUND_MS);
        double seconds = Math.max(req.profile().latencySeconds(), req.profile().measurementSeconds()
                * req.profile().measurementIterations());
        // warm the engine up before the first arrival, as the closed-loop phases do
        Latencies.closedLoop(call, req.profile().warmupSeconds(), 0, 10, System::nanoTime);
        ServerScenario.Service service = ServerScenario.service(call, ServerScenario.SYSTEM);
        java.util.function.Consumer<String> log = line -> System.out.println("[dlbench] server: " + line);
        ServerScenario.Outcome outcome;
        if (opts.rate() != null) {
            System.out.println("[dlbench] server scenario at " + opts.rate() + " requests/s " + req.key());
            outcome = ServerScenario.fixed(service, opts.rate(), opts.boundMs(), seconds, log);
        } else {
            System.out.println("[dlbench] server scenario: searching the highest rate with p99 <= " + opts.boundMs()
                    + " ms " + req.key());
            outcome = ServerScenario.search(service, opts.boundMs(), Math.max(0.5, seconds / 5), seconds, log);
        }
        double rate = outcome.reported().achievedRate();
        return result.latency(outcome.reported().latency()).server(outcome.server())
                .score(rate, null, List.of()).gflops(rate * workload.forwardFlops() / 1e9)
                .tokensPerSecond(tokens(workload, rate))
                .memory(MemoryProbe.peak("checking JVM")).seconds((System.nanoTime() - cellStart) / 1e9).build();
    }

    private static Batch[] batches(Workload workload, int size) {
        SyntheticData data = new SyntheticData(workload);
        Batch[] b = new Batch[4];
        for (int i = 0; i < b.length; i++) {
            b[i] = data.batch(i, size);
        }
        return b;
    }

    private static boolean overridesLoadEngine(EngineAdapter adapter) {
        try {
            return adapter.getClass().getMethod("loadEngine", SessionSpec.class).getDeclaringClass()
                    != EngineAdapter.class;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    private static void print(List<Check> checks) {
        for (Check c : checks) {
            System.out.println("[dlbench] check " + c.name() + ": " + (c.passed() ? "passed" : "FAILED") + ", "
                    + c.detail());
        }
    }

    /** Version, settings (read from the timed session) and peak memory from the benchmark processes. */
    private static void applyForkReports(CellResult.Builder result, List<ForkReport> forks) {
        long rss = -1;
        long heap = -1;
        for (ForkReport f : forks) {
            if (f.settings() != null && !f.settings().isEmpty()) {
                result.engineVersion(f.engineVersion()).settings(f.settings());
            }
            if (f.peakRssBytes() != null) {
                rss = Math.max(rss, f.peakRssBytes());
            }
            if (f.peakHeapBytes() != null) {
                heap = Math.max(heap, f.peakHeapBytes());
            }
        }
        if (rss >= 0) {
            result.memory(new CellResult.Memory(rss, heap, "benchmark"));
        }
    }

    /** The innermost cause, as one line: that is usually what the engine said. */
    static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String msg = root.getMessage() == null ? "" : ": " + root.getMessage().strip().lines().findFirst().orElse("");
        return root.getClass().getSimpleName() + msg;
    }

    /** Tokens per second of a sequence workload at the given samples per second; null for workloads without tokens. */
    static Double tokens(Workload workload, double samplesPerSecond) {
        long t = workload.tokensPerSample();
        return t == 0 ? null : samplesPerSecond * t;
    }
}
