package org.dlbench.core.run;

import org.dlbench.core.process.ParentWatch;
import org.dlbench.core.host.HarnessInfo;
import org.dlbench.core.host.HostProbe;
import com.fasterxml.jackson.core.type.TypeReference;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.dlbench.core.adapter.Mode;
import org.dlbench.core.adapter.NoJvmEngines;
import org.dlbench.core.result.CellKey;
import org.dlbench.core.result.CellResult;
import org.dlbench.core.result.Check;
import org.dlbench.core.result.Host;
import org.dlbench.core.result.ResultsIO;
import org.dlbench.core.result.RunResult;
import org.dlbench.core.result.Status;
import org.dlbench.core.result.Verdicts;
import org.dlbench.core.workload.Workload;

/**
 * Plans the cells of a run and measures them one at a time, each in its own child JVM, writing results.json,
 * results.md and the exports ({@link org.dlbench.core.output.RunFormats}) after every cell so nothing finished is
 * ever lost.
 */
public final class Orchestrator {
    /** Describing a family loads no engine, so this is generous. */
    private static final long DESCRIBE_TIMEOUT_SECONDS = 120;
    /** How long --resume waits for a cell of an earlier runner of the same run to stop. */
    private static final long LEFTOVER_WAIT_SECONDS = 15;
    /** Large enough to reach BLAS peak on a CPU, small enough to take seconds. */
    static final int CALIBRATION_N = 1024;
    /**
     * Per engine and thread count: an unrecorded warm-up, then 5 samples whose median is the peak (about 2 s in all,
     * as one 2 s sample took before; a single sample moved by 20% between runs).
     */
    static final int CALIBRATION_SAMPLES = 5;
    static final double CALIBRATION_SAMPLE_SECONDS = 0.35;
    static final double CALIBRATION_WARMUP_SECONDS = 0.25;

    /** Set by Ctrl-C: the cell being measured is not recorded. */
    private volatile boolean stopping;
    private final RunOptions options;
    private final PrintStream out;
    /** Each engine's own environment for its cells, as its module reported it when listing the engines. */
    private final Map<String, Map<String, String>> environmentOf = new LinkedHashMap<>();

    public Orchestrator(RunOptions options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    /** A request the user must fix (unknown engine and the like); the CLI turns it into exit code 2. */
    public static class UsageException extends RuntimeException {
        public UsageException(String message) {
            super(message);
        }
    }

    /** The finished run and where it was written. */
    public record Outcome(RunResult run, Path dir) {
        public boolean anyFailed() {
            return run.results().stream().anyMatch(r -> r.status() == Status.FAILED
                    || (r.status() == Status.OK && !r.checksPassed()));
        }
    }

    private record Planned(CellKey key, String workloadArg, String unsupportedReason) {
    }

    public Outcome run() throws IOException, InterruptedException {
        Path dir = options.outDir().resolve(options.runId());
        RunResult previous = null;
        if (options.resume()) {
            try {
                previous = ResultsIO.read(dir);
            } catch (ResultsIO.BadResultsException e) {
                throw new UsageException("cannot resume " + dir + ": " + e.getMessage());
            }
            // a cell of the killed runner stops by itself within a second (ParentWatch); never measure beside one
            List<ProcessHandle> left = ChildJvm.awaitNoneUnder(dir.resolve("tmp"), LEFTOVER_WAIT_SECONDS);
            if (!left.isEmpty()) {
                throw new UsageException("cannot resume " + dir + ": process " + left.stream()
                        .map(h -> Long.toString(h.pid())).collect(Collectors.joining(", "))
                        + " of an earlier runner is still running a cell of this run; stop it or wait for it");
            }
        } else if (Files.exists(dir.resolve(ResultsIO.FILE))) {
            throw new UsageException("run directory " + dir + " already holds a run; use --resume to continue it"
                    + " or another --run-id");
        }
        try {
            Files.createDirectories(dir.resolve("logs"));
        } catch (IOException e) {
            String why = e instanceof java.nio.file.FileSystemException fse && fse.getReason() != null
                    ? fse.getReason() : e.getClass().getSimpleName();
            throw new UsageException("cannot create results directory " + dir + ": " + why);
        }
        if (!Files.isWritable(dir) || !Files.isWritable(dir.resolve("logs"))) {
            throw new UsageException("results directory " + dir + " is not writable");
        }
        Host host = HostProbe.probe();
        RunResult run = previous != null
                ? previous.finished(null)
                : new RunResult(RunResult.SCHEMA_VERSION, options.runId(), now(), null, HarnessInfo.version(),
                        HarnessInfo.gitCommit(options.home()), host, options.profile(), List.of());
        if (previous != null && !previous.profile().equals(options.profile())) {
            throw new UsageException("cannot resume " + dir + " with profile " + options.profile().name()
                    + ": it was started with profile " + previous.profile().name());
        }
        save(run, dir);

        List<EngineFamily> families = options.families().isEmpty()
                ? EngineFamily.discover(options.home()) : options.families();
        if (families.isEmpty()) {
            throw new UsageException("no engine modules are built under " + options.home()
                    + " (each writes target/classpath.txt); run scripts/bench, which builds them first");
        }
        Map<String, EngineFamily> familyOf = new LinkedHashMap<>();
        List<DescribeRequest.Answer> answers = new ArrayList<>();
        for (EngineFamily family : families) {
            out.println("Looking for engines in " + family.name() + " ...");
            try {
                for (DescribeRequest.Answer a : describe(family, dir)) {
                    familyOf.putIfAbsent(a.engine(), family);
                    if (a.environment() != null) {
                        environmentOf.putIfAbsent(a.engine(), a.environment());
                    }
                    answers.add(a);
                }
            } catch (IOException | RuntimeException e) {
                out.println("  " + family.name() + " could not list its engines: " + e.getMessage());
                run = run.withResult(CellResult.failed(new CellKey(family.name(), "*", "*", 0, 0, "*"), null,
                        "engine module could not start: " + e.getMessage(), List.of(), Map.of(), null));
            }
        }
        List<String> engines = selectEngines(familyOf);
        for (String e : engines) {
            String reason = NoJvmEngines.all().get(e);
            if (reason != null) {
                for (String w : options.workloads().stream().map(Workload::name).toList()) {
                    for (Mode m : options.modes()) {
                        answers.add(new DescribeRequest.Answer(e, w, m.id(), false, reason));
                    }
                }
            }
        }
        List<Planned> plan = plan(engines, answers);
        if (previous != null) {
            List<CellResult> done = previous.results();
            int before = plan.size();
            plan.removeIf(p -> done.stream().anyMatch(r -> p.key().matches(r)));
            out.printf(Locale.ROOT, "Resuming %s: %d of %d cells already done%n", dir, before - plan.size(), before);
        }
        long measured = plan.stream().filter(p -> p.unsupportedReason() == null).count();
        out.printf(Locale.ROOT, "Run %s: %d cells (%d to measure, about %d min) with profile %s on %s, %s;"
                        + " results in %s%n", options.runId(), plan.size(), measured,
                Math.round(Math.ceil(measured * estimateSeconds(options.profile()) / 60)), options.profile().name(),
                host.cpuModel(), host.coresDescription(), dir);

        if (options.calibrate() && (previous == null || previous.host().calibration() == null
                || previous.host().calibration().isEmpty())) {
            run = withHost(run, run.host().withCalibration(calibrate(plan, familyOf, dir)));
            save(run, dir);
        }
        Host measuredOn = run.host();

        // Ctrl-C: stop the running cell; everything finished is already in results.json.
        String resumeHint = "dlbench: interrupted; finished cells are in " + dir.resolve(ResultsIO.FILE)
                + "; continue with: run --resume --run-id " + options.runId() + " (and the same options)";
        Thread hook = new Thread(() -> {
            stopping = true;
            ChildJvm.killCurrent();
            System.err.println(resumeHint);
        }, "dlbench-stop-child");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            int index = 0;
            for (Planned p : plan) {
                if (p.unsupportedReason() != null) {
                    run = run.withResult(CellResult.unsupported(p.key(), p.unsupportedReason()));
                    continue;
                }
                index++;
                out.printf(Locale.ROOT, "[%d/%d] %s ... ", index, measured, p.key());
                out.flush();
                CellResult r = judge(measure(familyOf.get(p.key().engine()), p, dir), measuredOn);
                if (stopping) {
                    // the cell was cut short by Ctrl-C, not by its engine: leave it for --resume
                    break;
                }
                out.println(summary(r));
                run = run.withResult(r);
                save(run, dir);
            }
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // already shutting down
            }
        }
        if (stopping) {
            // interrupted: the file stays without a finish time, so it reads as partial and --resume continues it
            return new Outcome(run, dir);
        }
        run = run.finished(now());
        save(run, dir);
        return new Outcome(run, dir);
    }

    /** A rough wall time per measured cell: JVM starts, checks, warmup, measurement and latency phase. */
    static double estimateSeconds(org.dlbench.core.result.Profile p) {
        // per benchmark process: steady-state warm-up (typically 4 windows), JMH's iterations, two bare loops
        JmhCell.Plan plan = JmhCell.Plan.of(p);
        double jmh = Math.max(1, p.forks()) * (plan.warmupMin() + p.warmupIterations() * p.warmupSeconds()
                + p.measurementIterations() * p.measurementSeconds() + 2 * plan.bareLoopSeconds() + 2);
        return 6 + jmh + p.latencySeconds();
    }

    /**
     * Verdict and efficiency, decided here where the profile and the host's peaks are known: % of peak against the
     * engine's own library (the best engine's when it has none), with the best engine's beside it.
     */
    private CellResult judge(CellResult r, Host host) {
        if (r.status() != Status.OK) {
            return r;
        }
        return Verdicts.judge(host.withEfficiency(r), options.profile());
    }

    /**
     * Matrix-multiply peak per thread count, measured by every engine module that takes part and can: the median of
     * {@link #CALIBRATION_SAMPLES} samples with their spread, linked to the engines that compute with that library.
     */
    private List<Host.Calibration> calibrate(List<Planned> plan, Map<String, EngineFamily> familyOf, Path dir)
            throws IOException, InterruptedException {
        List<Host.Calibration> all = new ArrayList<>();
        Map<String, String> calibratedBy = new LinkedHashMap<>();
        List<EngineFamily> used = plan.stream().filter(p -> p.unsupportedReason() == null)
                .map(p -> familyOf.get(p.key().engine())).distinct().toList();
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        for (EngineFamily family : used) {
            for (int threads : options.threads()) {
                out.printf(Locale.ROOT, "Calibrating %dx%d float32 matrix multiply with %s, %d thread(s), median of %d"
                        + " ... ", CALIBRATION_N, CALIBRATION_N, family.name(), threads, CALIBRATION_SAMPLES);
                out.flush();
                String id = "calibrate-" + family.name() + "-t" + threads;
                Path request = tmp.resolve(id + ".json");
                Path answer = tmp.resolve(id + ".out.json");
                Files.deleteIfExists(answer);
                ResultsIO.writeAtomically(request, ResultsIO.JSON.writeValueAsBytes(
                        new CellMain.CalibrateRequest(threads, CALIBRATION_N, CALIBRATION_SAMPLE_SECONDS,
                                CALIBRATION_SAMPLES, CALIBRATION_WARMUP_SECONDS)));
                ChildJvm.Exit exit = ChildJvm.run(family.classpath(), options.childJvmArgs(),
                        List.of("calibrate", request.toString(), answer.toString()), threads, options.cache(), tmp,
                        dir.resolve("logs").resolve(id + ".log"), DESCRIBE_TIMEOUT_SECONDS);
                if (!Files.exists(answer)) {
                    out.println("failed: " + exit.describe(DESCRIBE_TIMEOUT_SECONDS));
                    continue;
                }
                CellMain.CalibrateAnswer got = ResultsIO.JSON.readValue(answer.toFile(),
                        CellMain.CalibrateAnswer.class);
                out.println(got.calibrations().isEmpty() ? "no engine here measures it" : got.calibrations().stream()
                        .map(c -> String.format(Locale.ROOT, "%s %.1f GFLOP/s (%.1f-%.1f)", c.engine(), c.gflops(),
                                c.minGflops(), c.maxGflops()))
                        .collect(Collectors.joining(", ")));
                all.addAll(got.calibrations());
                calibratedBy.putAll(got.calibratedBy());
            }
        }
        return Host.link(all, calibratedBy);
    }

    private static RunResult withHost(RunResult r, Host host) {
        return new RunResult(r.schemaVersion(), r.runId(), r.startedAt(), r.finishedAt(), r.harnessVersion(),
                r.gitCommit(), host, r.profile(), r.results());
    }

    private List<String> selectEngines(Map<String, EngineFamily> familyOf) {
        List<String> known = new ArrayList<>(familyOf.keySet());
        NoJvmEngines.all().keySet().forEach(e -> {
            if (!known.contains(e)) {
                known.add(e);
            }
        });
        if (options.engines().isEmpty()) {
            return known;
        }
        List<String> chosen = new ArrayList<>();
        for (String wanted : options.engines()) {
            String match = known.stream().filter(e -> e.equalsIgnoreCase(wanted)).findFirst()
                    .orElseThrow(() -> new UsageException("unknown engine '" + wanted + "' (available: "
                            + String.join(", ", familyOf.keySet()) + "; listed without a JVM runtime: "
                            + String.join(", ", NoJvmEngines.all().keySet()) + ")"));
            if (!chosen.contains(match)) {
                chosen.add(match);
            }
        }
        return chosen;
    }

    private List<Planned> plan(List<String> engines, List<DescribeRequest.Answer> answers) {
        List<Planned> plan = new ArrayList<>();
        for (int w = 0; w < options.workloads().size(); w++) {
            Workload workload = options.workloads().get(w);
            List<Integer> batches = options.batches().isEmpty() ? workload.defaultBatchSizes() : options.batches();
            for (String engine : engines) {
                for (Mode mode : options.modes()) {
                    DescribeRequest.Answer a = answers.stream().filter(x -> x.engine().equals(engine)
                            && x.workload().equals(workload.name()) && x.mode().equals(mode.id())).findFirst()
                            .orElse(null);
                    String reason = a == null ? "engine did not answer for this workload"
                            : a.supported() ? null : a.reason();
                    for (int batch : mode == Mode.SERVER ? List.of(1) : batches) {
                        for (int threads : options.threads()) {
                            CellKey key = new CellKey(engine, workload.name(), mode.id(), batch, threads,
                                    options.device().toString());
                            plan.add(new Planned(key, options.workloadArgs().get(w), reason));
                        }
                    }
                }
            }
        }
        return plan;
    }

    private List<DescribeRequest.Answer> describe(EngineFamily family, Path dir)
            throws IOException, InterruptedException {
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        Path request = tmp.resolve("describe-" + family.name() + ".json");
        Path answer = tmp.resolve("describe-" + family.name() + ".out.json");
        Files.deleteIfExists(answer);
        ResultsIO.writeAtomically(request, ResultsIO.JSON.writeValueAsBytes(
                new DescribeRequest(options.workloadArgs(), options.device().toString())));
        Path log = dir.resolve("logs").resolve("describe-" + family.name() + ".log");
        ChildJvm.Exit exit = ChildJvm.run(family.classpath(), jvmArgs(family), List.of("describe",
                request.toString(), answer.toString()), 1, options.cache(), tmp, log, DESCRIBE_TIMEOUT_SECONDS);
        if (!Files.exists(answer)) {
            throw new IOException(exit.describe(DESCRIBE_TIMEOUT_SECONDS));
        }
        return ResultsIO.JSON.readValue(answer.toFile(), new TypeReference<List<DescribeRequest.Answer>>() { });
    }

    private CellResult measure(EngineFamily family, Planned p, Path dir) throws IOException, InterruptedException {
        CellKey k = p.key();
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        Path request = tmp.resolve(k.id() + ".json");
        Path answer = tmp.resolve(k.id() + ".out.json");
        Files.deleteIfExists(answer);
        CellRequest req = new CellRequest(k.engine(), p.workloadArg(), k.workload(), k.mode(), k.batch(), k.threads(),
                k.device(), options.profile(), options.server());
        ResultsIO.writeAtomically(request, ResultsIO.JSON.writeValueAsBytes(req));
        Path log = dir.resolve("logs").resolve(k.id() + ".log");
        Files.deleteIfExists(log);
        long start = System.nanoTime();
        long timeout = options.cellTimeout();
        ChildJvm.Exit exit = ChildJvm.run(family.classpath(), jvmArgs(family),
                List.of("cell", request.toString(), answer.toString()), k.threads(), options.cache(), tmp, log, timeout,
                environmentOf.getOrDefault(k.engine(), Map.of()));
        double seconds = (System.nanoTime() - start) / 1e9;
        if (Files.exists(answer)) {
            try {
                return ResultsIO.JSON.readValue(answer.toFile(), CellResult.class);
            } catch (IOException e) {
                return CellResult.failed(k, null, "unreadable child result: " + e.getMessage(), List.of(), Map.of(),
                        seconds);
            }
        }
        return CellResult.failed(k, null, exit.describe(timeout), List.of(), Map.of(), seconds);
    }

    /** The module's own JVM options (e.g. Spark's --add-opens), then the user's. */
    private List<String> jvmArgs(EngineFamily family) {
        List<String> args = new ArrayList<>(family.jvmArgs());
        args.addAll(options.childJvmArgs());
        return args;
    }

    private static String summary(CellResult r) {
        return switch (r.status()) {
            case OK -> String.format(Locale.ROOT, "%,.0f samples/s%s%s%s%s (%.0f s)", r.score(),
                    r.scoreError() == null || r.scoreError().isNaN() ? ""
                            : String.format(Locale.ROOT, " +- %.1f%%", 100 * r.scoreError() / r.score()),
                    r.crossCheck() == null || r.crossCheck().bareLoop() == null ? ""
                            : String.format(Locale.ROOT, " (bare loop %,.0f%s)", r.crossCheck().bareLoop(),
                                    r.crossCheck().latencyPhase() == null ? "" : String.format(Locale.ROOT,
                                            ", latency phase %,.0f", r.crossCheck().latencyPhase())),
                    r.checksPassed() ? "" : ", CHECK FAILED: " + r.checks().stream().filter(c -> !c.passed())
                            .map(Check::name).collect(Collectors.joining(", ")),
                    r.verdict() == null || r.verdict().equals(Verdicts.VALID) ? ""
                            : ", " + r.verdict() + (r.verdictReason() == null ? "" : " (" + r.verdictReason() + ")"),
                    r.seconds() == null ? 0 : r.seconds());
            case UNSUPPORTED -> "unsupported: " + r.reason();
            case FAILED -> "FAILED: " + r.reason();
        };
    }

    /** results.json, then every other file rewritten after each cell (results.md, results.csv, exports). */
    private static void save(RunResult run, Path dir) throws IOException {
        for (String problem : org.dlbench.core.output.RunFormats.writeEveryCell(run, dir)) {
            System.err.println("dlbench: warning: " + problem);
        }
    }

    static String now() {
        return Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    }

    /** A run id that sorts by time and says where it ran: {@code 20261126-193000-hostname}. */
    public static String newRunId(String hostname) {
        String stamp = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(Instant.now());
        return stamp + "-" + hostname.replaceAll("[^A-Za-z0-9_.-]", "_");
    }
}
