package org.dlbench.core.run;

import com.fasterxml.jackson.core.type.TypeReference;
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
import org.dlbench.core.result.CellKey;
import org.dlbench.core.result.CellResult;
import org.dlbench.core.result.Host;
import org.dlbench.core.result.ResultsIO;
import org.dlbench.core.run.CellPlan.Planned;
import org.dlbench.core.variant.Variant;
import org.dlbench.core.variant.VariantException;

/**
 * Everything the runner asks of a child JVM, each request written as a file and answered in another: describe an
 * engine module's engines, calibrate its matrix-multiply peak, run one cell.
 */
final class ChildRequests {
    /** Describing a family loads no engine, so this is generous. */
    static final long DESCRIBE_TIMEOUT_SECONDS = 120;
    /** Large enough to reach BLAS peak on a CPU, small enough to take seconds. */
    static final int CALIBRATION_N = 1024;
    /** Samples per engine and thread count: enough for a median and a spread. */
    static final int CALIBRATION_SAMPLES = 5;
    static final double CALIBRATION_SAMPLE_SECONDS = 0.35;
    static final double CALIBRATION_WARMUP_SECONDS = 0.25;

    private final RunOptions options;
    private final PrintStream out;
    /** Each engine's own environment for its cells, as its module reported it when listing the engines. */
    private final Map<String, Map<String, String>> environmentOf = new LinkedHashMap<>();
    /** Each engine's environment for its cells of more than one instance, on top of its own. */
    private final Map<String, Map<String, String>> instancesEnvironmentOf = new LinkedHashMap<>();

    ChildRequests(RunOptions options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    /** Remembers the environment an engine needs for its cells of several instances. */
    void instancesEnvironment(String engine, Map<String, String> environment) {
        instancesEnvironmentOf.putIfAbsent(engine, environment);
    }

    /** Remembers the environment an engine's module asked for, for its cells. */
    void environment(String engine, Map<String, String> environment) {
        environmentOf.putIfAbsent(engine, environment);
    }

    List<DescribeRequest.Answer> describe(EngineFamily family, Path dir)
            throws IOException, InterruptedException {
        return describe(family, dir, options.workloadArgs(), options.device().toString(), options.cache(),
                jvmArgs(family));
    }

    /** Asks a family's child JVM which engines it offers, what each supports and which variants each declares. */
    static List<DescribeRequest.Answer> describe(EngineFamily family, Path dir, List<String> workloadArgs,
                                                 String device, Path cache, List<String> jvmArgs)
            throws IOException, InterruptedException {
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        Files.createDirectories(dir.resolve("logs"));
        Path request = tmp.resolve("describe-" + family.name() + ".json");
        Path answer = tmp.resolve("describe-" + family.name() + ".out.json");
        Files.deleteIfExists(answer);
        ResultsIO.writeAtomically(request, ResultsIO.JSON.writeValueAsBytes(new DescribeRequest(workloadArgs, device)));
        Path log = dir.resolve("logs").resolve("describe-" + family.name() + ".log");
        ChildJvm.Exit exit = ChildJvm.run(family.classpath(), jvmArgs, List.of("describe",
                request.toString(), answer.toString()), 1, cache, tmp, log, DESCRIBE_TIMEOUT_SECONDS);
        if (!Files.exists(answer)) {
            throw new IOException(exit.describe(DESCRIBE_TIMEOUT_SECONDS));
        }
        return ResultsIO.JSON.readValue(answer.toFile(), new TypeReference<List<DescribeRequest.Answer>>() { });
    }

    CellResult measure(EngineFamily family, Planned p, Path dir) throws IOException, InterruptedException {
        CellKey k = p.key();
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        Path request = tmp.resolve(k.id() + ".json");
        Path answer = tmp.resolve(k.id() + ".out.json");
        Files.deleteIfExists(answer);
        CellRequest req = new CellRequest(k.engine(), p.workloadArg(), k.workload(), k.mode(), k.batch(), k.threads(),
                k.device(), options.profile(), options.server(), k.variant(), k.instances());
        ResultsIO.writeAtomically(request, ResultsIO.JSON.writeValueAsBytes(req));
        Path log = dir.resolve("logs").resolve(k.id() + ".log");
        Files.deleteIfExists(log);
        long start = System.nanoTime();
        long timeout = options.cellTimeout();
        Variant variant = p.choice() == null ? null : p.choice().variant();
        List<String> jvmArgs = jvmArgs(family);
        Map<String, String> environment = new LinkedHashMap<>(environmentOf.getOrDefault(k.engine(), Map.of()));
        if (k.instances() > 1) {
            environment.putAll(instancesEnvironmentOf.getOrDefault(k.engine(), Map.of()));
        }
        String classpath = family.classpath();
        if (variant != null) {
            jvmArgs.addAll(variant.jvmArgs());
            environment.putAll(variant.environment());
            try {
                classpath = variantClasspath(family, variant);
            } catch (VariantException e) {
                // its classpath file went missing after the plan was made: this cell fails, the run goes on
                return CellResult.failed(k, null, e.getMessage(), List.of(), Map.of(), 0.0);
            }
        }
        ChildJvm.Exit exit = ChildJvm.run(classpath, jvmArgs,
                List.of("cell", request.toString(), answer.toString()), k.threads(), options.cache(), tmp, log, timeout,
                environment);
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

    /**
     * The classpath a variant's cells run with: the module's classes, then the jars of the variant's classpath file
     * (a native build of its own), then the module's dependencies; the module's classpath for a variant without one.
     */
    static String variantClasspath(EngineFamily family, Variant variant) {
        List<String> extra = variant.classpathEntries(family.moduleDir());
        if (extra.isEmpty()) {
            return family.classpath();
        }
        String sep = java.io.File.pathSeparator;
        String cp = family.classpath();
        int first = cp.indexOf(sep);
        String head = first < 0 ? cp : cp.substring(0, first);
        String tail = first < 0 ? "" : cp.substring(first);
        return head + sep + String.join(sep, extra) + tail;
    }

    /** The module's own JVM options (e.g. Spark's --add-opens), then the user's. */
    private List<String> jvmArgs(EngineFamily family) {
        List<String> args = new ArrayList<>(family.jvmArgs());
        args.addAll(options.childJvmArgs());
        return args;
    }

    /**
     * Matrix-multiply peak per thread count, measured by every engine module that takes part and can: the median of
     * {@link #CALIBRATION_SAMPLES} samples with their spread, linked to the engines that compute with that library.
     */
    List<Host.Calibration> calibrate(List<Planned> plan, Map<String, EngineFamily> familyOf, Path dir)
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

}
