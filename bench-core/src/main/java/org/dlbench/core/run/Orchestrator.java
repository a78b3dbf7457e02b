package org.dlbench.core.run;

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
import org.dlbench.core.result.CellKey;
import org.dlbench.core.result.CellResult;
import org.dlbench.core.result.Check;
import org.dlbench.core.result.Host;
import org.dlbench.core.result.MarkdownReport;
import org.dlbench.core.result.ResultsIO;
import org.dlbench.core.result.RunResult;
import org.dlbench.core.result.Status;
import org.dlbench.core.workload.Workload;

/**
 * Plans the cells of a run and measures them one at a time, each in its own child JVM, writing results.json and
 * results.md after every cell so nothing finished is ever lost.
 */
public final class Orchestrator {
    /** Describing a family loads no engine, so this is generous. */
    private static final long DESCRIBE_TIMEOUT_SECONDS = 120;

    private final RunOptions options;
    private final PrintStream out;

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
                    answers.add(a);
                }
            } catch (IOException | RuntimeException e) {
                out.println("  " + family.name() + " could not list its engines: " + e.getMessage());
                run = run.withResult(CellResult.failed(new CellKey(family.name(), "*", "*", 0, 0, "*"), null,
                        "engine module could not start: " + e.getMessage(), List.of(), Map.of(), null));
            }
        }
        List<String> engines = selectEngines(familyOf);
        List<Planned> plan = plan(engines, answers);
        if (previous != null) {
            List<CellResult> done = previous.results();
            int before = plan.size();
            plan.removeIf(p -> done.stream().anyMatch(r -> p.key().matches(r)));
            out.printf(Locale.ROOT, "Resuming %s: %d of %d cells already done%n", dir, before - plan.size(), before);
        }
        long measured = plan.stream().filter(p -> p.unsupportedReason() == null).count();
        out.printf(Locale.ROOT, "Run %s: %d cells (%d to measure) with profile %s on %s, %d cores; results in %s%n",
                options.runId(), plan.size(), measured, options.profile().name(), host.cpuModel(), host.cores(), dir);

        Thread hook = new Thread(ChildJvm::killCurrent, "dlbench-stop-child");
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
                CellResult r = measure(familyOf.get(p.key().engine()), p, dir);
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
        run = run.finished(now());
        save(run, dir);
        return new Outcome(run, dir);
    }

    private List<String> selectEngines(Map<String, EngineFamily> familyOf) {
        if (options.engines().isEmpty()) {
            return new ArrayList<>(familyOf.keySet());
        }
        List<String> chosen = new ArrayList<>();
        for (String wanted : options.engines()) {
            String match = familyOf.keySet().stream().filter(e -> e.equalsIgnoreCase(wanted)).findFirst()
                    .orElseThrow(() -> new UsageException("unknown engine '" + wanted + "' (available: "
                            + String.join(", ", familyOf.keySet()) + ")"));
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
                    for (int batch : batches) {
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
                k.device(), options.profile());
        ResultsIO.writeAtomically(request, ResultsIO.JSON.writeValueAsBytes(req));
        Path log = dir.resolve("logs").resolve(k.id() + ".log");
        Files.deleteIfExists(log);
        long start = System.nanoTime();
        long timeout = options.cellTimeout();
        ChildJvm.Exit exit = ChildJvm.run(family.classpath(), jvmArgs(family),
                List.of("cell", request.toString(), answer.toString()), k.threads(), options.cache(), tmp, log, timeout);
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
            case OK -> String.format(Locale.ROOT, "%,.0f samples/s%s%s (%.0f s)", r.score(),
                    r.scoreError() == null || r.scoreError().isNaN() ? ""
                            : String.format(Locale.ROOT, " +- %.1f%%", 100 * r.scoreError() / r.score()),
                    r.checksPassed() ? "" : ", CHECK FAILED: " + r.checks().stream().filter(c -> !c.passed())
                            .map(Check::name).collect(Collectors.joining(", ")),
                    r.seconds() == null ? 0 : r.seconds());
            case UNSUPPORTED -> "unsupported: " + r.reason();
            case FAILED -> "FAILED: " + r.reason();
        };
    }

    private static void save(RunResult run, Path dir) throws IOException {
        ResultsIO.write(run, dir.resolve(ResultsIO.FILE));
        ResultsIO.writeAtomically(dir.resolve("results.md"),
                MarkdownReport.render(run).getBytes(java.nio.charset.StandardCharsets.UTF_8));
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
