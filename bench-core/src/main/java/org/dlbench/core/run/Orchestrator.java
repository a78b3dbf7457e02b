package org.dlbench.core.run;

import org.dlbench.core.process.ParentWatch;
import org.dlbench.core.host.DriftProbe;
import org.dlbench.core.host.HarnessInfo;
import org.dlbench.core.host.HostProbe;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
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
import org.dlbench.core.result.DriftReference;
import org.dlbench.core.result.Host;
import org.dlbench.core.result.ResultsIO;
import org.dlbench.core.result.RunResult;
import org.dlbench.core.result.Status;
import org.dlbench.core.workload.Workload;
import org.dlbench.core.workload.Workloads;
import org.dlbench.core.run.CellPlan.Planned;
import org.dlbench.core.host.CpuFlags;
import org.dlbench.core.variant.Variant;
import org.dlbench.core.variant.VariantException;
import org.dlbench.core.variant.VariantSelection;

/**
 * Runs a run: opens (or resumes) its directory, asks each engine module what it can run, plans the cells
 * ({@link CellPlan}), measures them one at a time, each in its own child JVM ({@link ChildRequests}), judges each
 * ({@link CellJudge}) and publishes every file of the run directory after every cell ({@link RunPublisher}), so
 * nothing finished is ever lost.
 */
public final class Orchestrator {
    /** How long --resume waits for a cell of an earlier runner of the same run to stop. */
    private static final long LEFTOVER_WAIT_SECONDS = 15;
    /** Set by Ctrl-C: the cell being measured is not recorded. */
    private volatile boolean stopping;
    /** The request; after the run directory exists, its workload arguments name the run's own copies. */
    private RunOptions options;
    private final PrintStream out;
    /** Made once the run directory and its workload copies exist. */
    private ChildRequests children;

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
        // every JVM of the run reads the workloads from one copy each, written here in their expanded form: a
        // workload file edited during the run changes nothing, and the run directory records what was measured
        options = options.withWorkloadArgs(copyWorkloads(options.workloads(), dir.resolve("workloads")));
        children = new ChildRequests(options, out);
        Host host = HostProbe.probe();
        RunResult run = previous != null
                ? previous.finished(null)
                : new RunResult(RunResult.SCHEMA_VERSION, options.runId(), RunPublisher.now(), null, HarnessInfo.version(),
                        HarnessInfo.gitCommit(options.home()), host, options.profile(), List.of());
        if (previous != null && !previous.profile().equals(options.profile())) {
            throw new UsageException("cannot resume " + dir + " with profile " + options.profile().name()
                    + ": it was started with profile " + previous.profile().name());
        }
        RunPublisher.save(run, dir);

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
                for (DescribeRequest.Answer a : children.describe(family, dir)) {
                    familyOf.putIfAbsent(a.engine(), family);
                    if (a.environment() != null) {
                        children.environment(a.engine(), a.environment());
                    }
                    if (a.instancesEnvironment() != null) {
                        children.instancesEnvironment(a.engine(), a.instancesEnvironment());
                    }
                    answers.add(a);
                }
            } catch (IOException | RuntimeException e) {
                out.println("  " + family.name() + " could not list its engines: " + e.getMessage());
                run = run.withResult(CellResult.failed(new CellKey(family.name(), "*", "*", 0, 0, "*"), null,
                        "engine module could not start: " + e.getMessage(), List.of(), Map.of(), null));
            }
        }
        List<String> engines = CellPlan.selectEngines(options, familyOf);
        Map<String, List<VariantSelection.Choice>> variants = chooseVariants(answers, familyOf, engines);
        engines = engines.stream().filter(e -> variants.containsKey(e) || (NoJvmEngines.all().containsKey(e)
                && options.variants().terms().stream().anyMatch(t -> t.engine() == null
                && Variant.RESERVED.contains(t.word())))).toList();
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
        List<Planned> plan = CellPlan.plan(options, engines, answers, variants);
        if (previous != null) {
            List<CellResult> done = previous.results();
            int before = plan.size();
            plan.removeIf(p -> done.stream().anyMatch(r -> p.key().matches(r)));
            out.printf(Locale.ROOT, "Resuming %s: %d of %d cells already done%n", dir, before - plan.size(), before);
        }
        List<CellKey> toMeasure = plan.stream().filter(p -> p.unsupportedReason() == null).map(Planned::key).toList();
        long measured = toMeasure.size();
        CellTimes times = CellTimes.of(options.outDir(), options.runId(), host, options.profile(),
                options.driftReference());
        out.printf(Locale.ROOT, "Run %s: %d cells (%d to measure, %s) with profile %s on %s, %s;"
                        + " results in %s%n", options.runId(), plan.size(), measured, times.describe(toMeasure),
                options.profile().name(), host.cpuModel(), host.coresDescription(), dir);

        if (options.calibrate() && (previous == null || previous.host().calibration() == null
                || previous.host().calibration().isEmpty())) {
            run = run.withHost(run.host().withCalibration(children.calibrate(plan, familyOf, dir)));
            RunPublisher.save(run, dir);
        }
        // a resumed run keeps the drift reference measured at its start; one started without it measures it now (each
        // cell gets its own besides, measured around it)
        if (options.driftReference() && run.driftReference() == null) {
            out.printf(Locale.ROOT, "Measuring the drift reference (%s, engine-free, 1 thread), median of %d ... ",
                    DriftProbe.WORKLOAD, DriftProbe.SAMPLES);
            out.flush();
            DriftReference drift = DriftProbe.measure();
            out.println(DriftProbe.summary(drift));
            run = run.withDriftReference(drift);
            RunPublisher.save(run, dir);
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
                    run = run.withResult(CellResult.unsupported(p.key(), p.unsupportedReason())
                            .withVariant(p.variantRecord()));
                    continue;
                }
                index++;
                out.printf(Locale.ROOT, "[%d/%d] %s ... ", index, measured, p.key());
                out.flush();
                long cellStart = System.nanoTime();
                // the machine's own speed just before and just after the cell, for compare to weigh its drift
                DriftReference before = options.driftReference() ? DriftProbe.measureSide() : null;
                CellResult measuredCell = children.measure(familyOf.get(p.key().engine()), p, dir);
                if (p.choice() != null) {
                    measuredCell = CellJudge.checkVariant(measuredCell.withVariant(p.variantRecord()),
                            p.choice().variant());
                }
                CellResult r = CellJudge.judge(CellJudge.noteOversubscription(measuredCell, host), measuredOn,
                        options.profile());
                if (stopping) {
                    // the cell was cut short by Ctrl-C, not by its engine: leave it for --resume
                    break;
                }
                if (before != null) {
                    r = r.withDriftReference(DriftReference.around(before, DriftProbe.measureSide()));
                }
                times.done(p.key(), (System.nanoTime() - cellStart) / 1e9);
                List<CellKey> left = toMeasure.subList(index, toMeasure.size());
                out.println(RunPublisher.summary(r) + (left.isEmpty() ? ""
                        : ", about " + times.minutesLeft(left) + " min left"));
                run = run.withResult(r);
                RunPublisher.save(run, dir);
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
        run = run.finished(RunPublisher.now());
        RunPublisher.save(run, dir);
        return new Outcome(run, dir);
    }

    /**
     * Resolves {@code --variants} against the variants the engine modules declared, for the chosen engines, and says
     * per engine what it will measure and why; an engine no term picks is left out, in one line.
     */
    private Map<String, List<VariantSelection.Choice>> chooseVariants(List<DescribeRequest.Answer> answers,
                                                                     Map<String, EngineFamily> familyOf,
                                                                     List<String> engines) {
        Map<String, List<Variant>> catalogue = new LinkedHashMap<>();
        for (DescribeRequest.Answer a : answers) {
            if (a.variants() != null && !a.variants().isEmpty()) {
                catalogue.putIfAbsent(a.engine(), a.variants());
            }
        }
        Map<String, List<VariantSelection.Choice>> all;
        try {
            all = options.variants().resolve(catalogue,
                    VariantSelection.onHost(CpuFlags.probe(), e -> familyOf.get(e).moduleDir()));
        } catch (VariantException e) {
            throw new UsageException(e.getMessage());
        }
        Map<String, List<VariantSelection.Choice>> chosen = new LinkedHashMap<>();
        for (String engine : engines) {
            List<VariantSelection.Choice> choices = all.get(engine);
            if (choices == null) {
                if (catalogue.containsKey(engine)) {
                    out.println("  " + engine + ": not measured, --variants " + options.variants().text()
                            + " picks none of its variants (" + catalogue.get(engine).stream().map(Variant::name)
                            .collect(Collectors.joining(", ")) + ")");
                }
                continue;
            }
            chosen.put(engine, choices);
            if (catalogue.get(engine).size() > 1) {
                out.println("  " + engine + " variants: " + choices.stream().map(c -> c.variant().name() + " ("
                        + c.picks().stream().map(VariantSelection.Pick::id).collect(Collectors.joining("+"))
                        + (c.runnable() ? "" : "; unsupported: " + c.unsupportedReason()) + ")")
                        .collect(Collectors.joining(", ")));
                choices.stream().filter(c -> c.picks().contains(VariantSelection.Pick.BEST)).findFirst()
                        .ifPresent(c -> out.println("    " + c.why()));
            }
        }
        return chosen;
    }

    /** A rough wall time per measured cell: JVM starts, checks, warmup, measurement and latency phase. */
    static double estimateSeconds(org.dlbench.core.result.Profile p) {
        // per benchmark process: steady-state warm-up (typically 4 windows), JMH's iterations, two bare loops
        JmhCell.Plan plan = JmhCell.Plan.of(p);
        double jmh = Math.max(1, p.forks()) * (plan.warmupMin() + p.warmupIterations() * p.warmupSeconds()
                + p.measurementIterations() * p.measurementSeconds() + 2 * plan.bareLoopSeconds() + 2);
        return 6 + jmh + p.latencySeconds() + CellTimes.DRIFT_SECONDS; // + the drift reference around the cell
    }

    /** Writes each workload, expanded ({@link Workloads#toJson}), as {@code <dir>/<name>.json}; returns the paths. */
    private static List<String> copyWorkloads(List<Workload> workloads, Path dir) throws IOException {
        Files.createDirectories(dir);
        List<String> paths = new ArrayList<>();
        for (Workload w : workloads) {
            Path file = dir.resolve(w.name() + ".json");
            ResultsIO.writeAtomically(file, Workloads.toJson(w));
            paths.add(file.toAbsolutePath().toString());
        }
        return paths;
    }
}
