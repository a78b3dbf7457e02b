package org.dlbench.core.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.dlbench.core.adapter.Device;
import org.dlbench.core.adapter.Mode;
import org.dlbench.core.output.RunFormat;
import org.dlbench.core.output.RunFormats;
import org.dlbench.core.result.MarkdownReport;
import org.dlbench.core.result.ResultsIO;
import org.dlbench.core.result.Profile;
import org.dlbench.core.run.CellRequest;
import org.dlbench.core.run.EngineFamily;
import org.dlbench.core.host.HostProbe;
import org.dlbench.core.run.Orchestrator;
import org.dlbench.core.run.RunOptions;
import org.dlbench.core.variant.VariantException;
import org.dlbench.core.variant.VariantSelection;
import org.dlbench.core.workload.Workload;
import org.dlbench.core.workload.WorkloadException;
import org.dlbench.core.workload.Workloads;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Plans and runs a benchmark: every chosen engine x workload x mode x batch x threads, one child JVM per cell. */
@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Runs the benchmark matrix and writes OUT/RUN_ID/results.json, results.md, results.csv, "
                        + "jmh-result.json, benchmark-action.json, benchmark-action-latency.json (after every cell) "
                        + "and report.html.",
                "Exit code: 0 all cells ok or unsupported, 1 a cell failed or failed a correctness check, 2 bad input."})
class RunCommand implements Callable<Integer> {
    /** More sessions than this in one process is a typing error, not a deployment. */
    static final int MAX_INSTANCES = 64;
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--engines", split = ",", paramLabel = "NAME",
            description = "Engines to run (default: every engine the built modules offer).")
    List<String> engines = new ArrayList<>();

    @Option(names = "--workloads", split = ",", paramLabel = "NAME|FILE",
            description = "Built-in workload names, groups (cnn, sequence, sparse, all) or workload .json files "
                    + "(default: all built-in).")
    List<String> workloads = new ArrayList<>();

    @Option(names = "--modes", split = ",", paramLabel = "MODE",
            description = "infer, train, server (default: infer,train). server = Poisson arrivals of single samples.")
    List<String> modes = new ArrayList<>();

    @Option(names = "--batch", split = ",", paramLabel = "N",
            description = "Batch sizes (default: each workload's own batchSizes).")
    List<Integer> batches = new ArrayList<>();

    @Option(names = "--threads", split = ",", paramLabel = "N",
            description = "Intra-op thread counts, applied to every engine (default: 1; sweep: 1 up to the cores).")
    List<Integer> threads = new ArrayList<>();

    @Option(names = "--variants", split = ",", paramLabel = "TERM",
            description = "Engine variants to measure: best (default: per engine the first of its variants, fastest "
                    + "expected first, that this host can run), shipped (as the engine comes), all, a variant NAME, or "
                    + "ENGINE:TERM for one engine only (e.g. DL4J:avx512). `dlbench list --variants` lists them.")
    List<String> variants = new ArrayList<>();

    @Option(names = "--instances", split = ",", paramLabel = "K",
            description = "Independent sessions (each its own model and thread pool) called at once from K Java "
                    + "threads, one cell per K (default: 1). Inference only; K x threads above the physical cores "
                    + "is warned about and recorded.")
    List<Integer> instances = new ArrayList<>();

    @Option(names = "--device", paramLabel = "DEVICE", defaultValue = "cpu",
            description = "cpu, gpu or gpu:N (default: ${DEFAULT-VALUE}). Engines without GPU natives answer unsupported.")
    String device;

    @Option(names = "--profile", paramLabel = "NAME", defaultValue = "quick",
            description = "quick (default, minutes), thorough (for publishing), smoke (plumbing only).")
    String profile;

    @Option(names = "--forks", paramLabel = "N",
            description = "JMH forks per cell instead of the profile's (quick 1, thorough 3): compare tests fork "
                    + "means, so more forks detect smaller changes; recorded with the profile.")
    Integer forks;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "results",
            description = "Directory that receives the run directory (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--run-id", paramLabel = "ID", description = "Name of the run directory (default: time and host).")
    String runId;

    @Option(names = "--home", paramLabel = "DIR", description = "Project directory holding the built engine modules "
            + "(default: the dlbench.home property, else the current directory).")
    Path home;

    @Option(names = "--cache", paramLabel = "DIR",
            description = "Where engines unpack natives (default: HOME/.cache).")
    Path cache;

    @Option(names = "--server-rate", paramLabel = "REQ_PER_S",
            description = "Mode server: fixed Poisson arrival rate (default: search the highest rate meeting the bound).")
    Double serverRate;

    @Option(names = "--server-bound-ms", paramLabel = "MS", defaultValue = "10",
            description = "Mode server: the p99 latency bound in milliseconds (default: ${DEFAULT-VALUE}).")
    double serverBoundMs;

    @Option(names = "--no-calibration",
            description = "Skip measuring the machine's matrix-multiply peak first (then no %% of peak is shown).")
    boolean noCalibration;

    @Option(names = "--no-drift-reference", description = "Skip measuring the engine-free drift reference first "
            + "and around each cell (about 3 s, and 1.6 s per cell; compare then cannot tell whether the machine "
            + "itself ran faster or slower).")
    boolean noDriftReference;

    @Option(names = "--cell-timeout", paramLabel = "SECONDS",
            description = "Time limit per cell; a cell past it is killed and marked failed (default: the profile's).")
    Integer cellTimeout;

    @Option(names = "--resume", description = "Continue the run directory OUT/RUN_ID (give --run-id), "
            + "skipping the cells it already holds.")
    boolean resume;

    @Option(names = "--child-jvm-args", split = " ", paramLabel = "ARGS", hidden = true,
            description = "Extra JVM options for every child JVM (space-separated).")
    List<String> childJvmArgs = new ArrayList<>();

    @Option(names = "--engine-classpath", paramLabel = "NAME=CLASSPATH", hidden = true,
            description = "Use this classpath as an engine module instead of discovering built modules.")
    List<String> engineClasspaths = new ArrayList<>();

    @Override
    public Integer call() throws IOException, InterruptedException {
        RunOptions options = options();
        var outWriter = spec.commandLine().getOut();
        var printer = new java.io.PrintStream(new java.io.OutputStream() {
            @Override
            public void write(int b) {
                outWriter.write(b);
            }

            @Override
            public void flush() {
                outWriter.flush();
            }
        }, true);
        Orchestrator.Outcome outcome;
        Path runDir = options.outDir().resolve(options.runId());
        boolean existed = Files.exists(runDir);
        try {
            outcome = new Orchestrator(options, printer).run();
        } catch (Orchestrator.UsageException e) {
            // a request refused before any cell ran leaves no run directory behind (one it did not create stays)
            if (!existed) {
                ResultsIO.deleteQuietly(runDir);
            }
            throw new Main.UserError(e.getMessage());
        }
        printer.println();
        printer.print(MarkdownReport.table(outcome.run().results()));
        printer.println();
        printer.println("Wrote " + outcome.dir().resolve(ResultsIO.FILE) + ", " + String.join(", ",
                RunFormats.REGISTRY.all().stream().filter(f -> f.everyCell() && f != RunFormats.JSON)
                        .map(RunFormat::fileName).toList()) + writeHtml(outcome));
        printer.flush();
        return outcome.anyFailed() ? 1 : 0;
    }

    /** Defaults that differ between {@code run} and {@code sweep}. */
    protected List<Integer> defaultThreads() {
        return List.of(1);
    }

    protected List<Integer> defaultBatches() {
        return List.of();
    }

    protected List<String> defaultModes() {
        return List.of("infer", "train");
    }

    /**
     * The files written once the run ends (the HTML report) are a convenience: a failure to draw one is reported,
     * never fatal to a finished run.
     */
    private String writeHtml(Orchestrator.Outcome outcome) {
        StringBuilder wrote = new StringBuilder();
        for (RunFormat f : RunFormats.REGISTRY.all()) {
            if (f.everyCell()) {
                continue;
            }
            try {
                RunFormats.write(f, outcome.run(), outcome.dir().resolve(f.fileName()));
                wrote.append(" and ").append(f.fileName());
            } catch (IOException | RuntimeException | LinkageError e) {
                spec.commandLine().getErr().println("dlbench: warning: could not write " + f.fileName() + ": " + e);
            }
        }
        return wrote.toString();
    }

    RunOptions options() {
        if (threads.isEmpty()) {
            threads = new ArrayList<>(defaultThreads());
        }
        if (batches.isEmpty()) {
            batches = new ArrayList<>(defaultBatches());
        }
        if (modes.isEmpty()) {
            modes = new ArrayList<>(defaultModes());
        }
        List<Workload> resolved = new ArrayList<>();
        List<String> args = new ArrayList<>();
        for (String w : workloads.isEmpty() ? Workloads.builtInNames() : Workloads.expandFamilies(workloads)) {
            try {
                Workload workload = Workloads.resolve(w);
                if (resolved.stream().anyMatch(x -> x.name().equals(workload.name()))) {
                    continue;
                }
                resolved.add(workload);
                // children get an absolute path: they run from another working directory
                args.add(Workloads.builtInNames().contains(w) ? w : Path.of(w).toAbsolutePath().toString());
            } catch (WorkloadException e) {
                throw new Main.UserError(e.getMessage());
            }
        }
        List<Mode> modeList = new ArrayList<>();
        for (String m : modes) {
            try {
                Mode mode = Mode.parse(m);
                if (!modeList.contains(mode)) {
                    modeList.add(mode);
                }
            } catch (IllegalArgumentException e) {
                throw new Main.UserError(e.getMessage());
            }
        }
        for (int b : batches) {
            if (b <= 0) {
                throw new Main.UserError("batch size must be a positive integer, got " + b);
            }
            if (b > Workload.MAX_BATCH) {
                throw new Main.UserError("batch size " + b + " is larger than dlbench allows (" + Workload.MAX_BATCH
                        + ")");
            }
        }
        HostProbe.Topology topology = HostProbe.topology();
        for (int t : threads) {
            if (t <= 0) {
                throw new Main.UserError("threads must be a positive integer, got " + t);
            }
            String warning = oversubscription(t, topology);
            if (warning != null) {
                spec.commandLine().getErr().println("dlbench: warning: " + warning);
            }
        }
        Device dev;
        Profile prof;
        try {
            dev = Device.parse(device);
        } catch (IllegalArgumentException e) {
            throw new Main.UserError("--device: " + e.getMessage());
        }
        try {
            prof = Profile.named(profile);
        } catch (IllegalArgumentException e) {
            throw new Main.UserError("--profile: " + e.getMessage());
        }
        if (forks != null) {
            if (forks < 1 || forks > 50) {
                throw new Main.UserError("--forks must be between 1 and 50, got " + forks);
            }
            prof = prof.withForks(forks);
        }
        Path homeDir = (home != null ? home : Path.of(System.getProperty("dlbench.home", "."))).toAbsolutePath()
                .normalize();
        Path cacheDir = (cache != null ? cache : homeDir.resolve(".cache")).toAbsolutePath();
        Path outDir = out.isAbsolute() ? out : homeDir.resolve(out);
        if (Files.exists(outDir) && !Files.isDirectory(outDir)) {
            throw new Main.UserError("--out " + outDir + " is a file, not a directory");
        }
        List<EngineFamily> families = new ArrayList<>();
        for (String ec : engineClasspaths) {
            int eq = ec.indexOf('=');
            if (eq <= 0) {
                throw new Main.UserError("--engine-classpath wants NAME=CLASSPATH, got " + ec);
            }
            families.add(new EngineFamily(ec.substring(0, eq), ec.substring(eq + 1)));
        }
        if (resume && runId == null) {
            throw new Main.UserError("--resume needs --run-id: the run directory to continue under " + outDir);
        }
        if (serverRate != null && !(serverRate > 0)) {
            throw new Main.UserError("--server-rate must be a positive number of requests per second, got "
                    + serverRate);
        }
        if (!(serverBoundMs > 0)) {
            throw new Main.UserError("--server-bound-ms must be positive, got " + serverBoundMs);
        }
        if (cellTimeout != null && cellTimeout <= 0) {
            throw new Main.UserError("--cell-timeout must be a positive number of seconds, got " + cellTimeout);
        }
        String id = runId != null ? runId : org.dlbench.core.result.RunResult.newRunId(HostProbe.probe().hostname());
        if (!id.matches("[A-Za-z0-9_.-]+")) {
            throw new Main.UserError("--run-id may only hold letters, digits, '_', '.' and '-'");
        }
        VariantSelection selection;
        try {
            selection = VariantSelection.parse(variants.isEmpty() ? VariantSelection.DEFAULT
                    : String.join(",", variants));
        } catch (VariantException e) {
            throw new Main.UserError(e.getMessage());
        }
        for (int k : instances) {
            if (k <= 0 || k > MAX_INSTANCES) {
                throw new Main.UserError("--instances must be between 1 and " + MAX_INSTANCES + ", got " + k);
            }
            for (int t : threads) {
                String warning = oversubscription(k * t, topology);
                if (k > 1 && warning != null) {
                    spec.commandLine().getErr().println("dlbench: warning: " + k + " instances x " + t
                            + " threads: " + warning);
                }
            }
        }
        return new RunOptions(List.copyOf(engines), resolved, args, modeList, List.copyOf(batches),
                List.copyOf(threads), dev, prof, outDir, id, homeDir, cacheDir, families, cellTimeout,
                List.copyOf(childJvmArgs), resume, new CellRequest.ServerOptions(serverRate, serverBoundMs), !noCalibration,
                !noDriftReference, selection, instances.isEmpty() ? List.of(1) : List.copyOf(instances));
    }


    /**
     * Why a thread count oversubscribes the machine, or null: more threads than physical cores means hardware
     * threads (or time slices) share a core's execution units, so such numbers measure contention.
     */
    static String oversubscription(int threads, HostProbe.Topology t) {
        if (threads <= t.physicalCores()) {
            return null;
        }
        return threads + " threads exceed the " + t.physicalCores() + " physical core" + (t.physicalCores() == 1 ? ""
                : "s") + " (" + t.logicalCpus() + " logical CPU" + (t.logicalCpus() == 1 ? "" : "s") + ")"
                + (threads <= t.logicalCpus() ? ": threads would share cores through SMT" : "")
                + "; such numbers measure contention";
    }
}
