package org.dlbench.spark;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.dlbench.core.data.SyntheticData;
import org.dlbench.core.data.Weights;
import org.dlbench.core.result.CellResult;
import org.dlbench.core.result.Check;
import org.dlbench.core.result.MarkdownReport;
import org.dlbench.core.result.Profile;
import org.dlbench.core.result.ResultsIO;
import org.dlbench.core.result.RunResult;
import org.dlbench.core.result.Status;
import org.dlbench.core.check.CorrectnessChecks;
import org.dlbench.core.host.HarnessInfo;
import org.dlbench.core.host.HostProbe;
import org.dlbench.core.workload.Workload;
import org.dlbench.core.workload.WorkloadException;
import org.dlbench.core.workload.Workloads;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * DL4J-Spark training outside the harness, for a real cluster through {@code spark-submit} (or {@code local[N]}):
 * the same workload, weights, synthetic data and averaging rounds as the harness's DL4J-Spark cell, measured in whole
 * epochs, written as OUT/RUN_ID/results.json in the harness schema (engine DL4J-Spark, mode train, threads = workers).
 * Exit code 0 when the cell is ok and its checks pass, 1 when training failed or a check failed, 2 for bad input.
 */
@Command(name = "SparkTrainMain", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Trains a dlbench workload with DL4J parameter averaging on Spark and writes results.json.")
public final class SparkTrainMain implements Callable<Integer> {
    private static final Pattern LOCAL_N = Pattern.compile("local\\[(\\d+|\\*)(,\\d+)?]");

    @Option(names = "--master", paramLabel = "URL", description = "Spark master (default: spark-submit's --master,"
            + " else DLBENCH_SPARK_MASTER, else local[WORKERS]).")
    String master;

    @Option(names = "--workers", paramLabel = "N", description = "Data-parallel workers = executor cores in total"
            + " (default: N of local[N]; required for a cluster master).")
    Integer workers;

    @Option(names = "--workload", paramLabel = "NAME|FILE", defaultValue = "mlp",
            description = "Built-in workload or workload .json file (default: ${DEFAULT-VALUE}).")
    String workload;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "32",
            description = "Minibatch per worker (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--averaging-frequency", paramLabel = "N",
            description = "Minibatches per worker between parameter averagings (default: "
                    + SparkOptions.DEFAULT_AVERAGING_FREQUENCY + ").")
    Integer averagingFrequency;

    @Option(names = "--epoch-samples", paramLabel = "N", description = "Synthetic epoch size, rounded to whole"
            + " averaging rounds (default: " + SparkOptions.DEFAULT_EPOCH_SAMPLES + ").")
    Integer epochSamples;

    @Option(names = "--warmup-epochs", paramLabel = "N", defaultValue = "1",
            description = "Epochs trained before timing (default: ${DEFAULT-VALUE}).")
    int warmupEpochs;

    @Option(names = "--epochs", paramLabel = "N", defaultValue = "3",
            description = "Timed epochs (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--job-timeout", paramLabel = "SECONDS",
            description = "Time limit of one Spark job (default: " + SparkOptions.DEFAULT_JOB_TIMEOUT_SECONDS + ").")
    Integer jobTimeout;

    @Option(names = "--single-process-baseline", description = "Also train the same network on the same epoch in"
            + " this JVM without Spark (DL4J, one thread) and record samples/s and scaling efficiency.")
    boolean baseline;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "results",
            description = "Directory that receives the run directory (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--run-id", paramLabel = "ID", description = "Run directory name (default: time and host).")
    String runId;

    private PrintWriter log = new PrintWriter(System.out, true);

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    static int execute(String... args) {
        CommandLine cli = new CommandLine(new SparkTrainMain());
        cli.setExecutionExceptionHandler((ex, c, p) -> {
            if (ex instanceof IllegalArgumentException || ex instanceof WorkloadException) {
                c.getErr().println("SparkTrainMain: " + ex.getMessage());
                return 2;
            }
            throw ex;
        });
        return cli.execute(args);
    }

    @Override
    public Integer call() throws Exception {
        if (batch <= 0 || epochs <= 0 || warmupEpochs < 0) {
            throw new IllegalArgumentException("--batch and --epochs must be positive, --warmup-epochs not negative");
        }
        Workload w = Workloads.resolve(workload);
        SparkOptions options = options();
        String reason = NetworkFactory.unsupportedReason(w);
        if (reason != null) {
            throw new IllegalArgumentException(w.name() + ": " + reason);
        }
        String started = now();
        String id = runId != null ? runId : org.dlbench.core.result.RunResult.newRunId(HostProbe.probe().hostname());
        Path dir = out.resolve(id);
        Files.createDirectories(dir);
        log.printf(Locale.ROOT, "DL4J-Spark %s: master %s, %d workers, batch %d per worker, averaging every %d"
                        + " minibatches; results in %s%n", w.name(), options.master(), options.workers(), batch,
                options.averagingFrequency(), dir);
        CellResult cell = train(w, options);
        RunResult run = new RunResult(RunResult.SCHEMA_VERSION, id, started, now(), HarnessInfo.version(),
                HarnessInfo.gitCommit(Path.of(System.getProperty("dlbench.home", "."))), HostProbe.probe(),
                new Profile("spark-epochs", 1, warmupEpochs, seconds(cell, "warmup_seconds_per_epoch"), epochs,
                        seconds(cell, "seconds_per_epoch"), 0, (int) options.jobTimeout().toSeconds()),
                List.of(cell));
        ResultsIO.write(run, dir.resolve(ResultsIO.FILE));
        ResultsIO.writeAtomically(dir.resolve("results.md"),
                MarkdownReport.render(run).getBytes(StandardCharsets.UTF_8));
        log.print(MarkdownReport.table(run.results()));
        log.println("Wrote " + dir.resolve(ResultsIO.FILE));
        return cell.status() == Status.OK && cell.checksPassed() ? 0 : 1;
    }

    SparkOptions options() {
        SparkOptions env = SparkOptions.configured(1);
        String m = master;
        if (m == null) {
            m = System.getProperty("spark.master"); // set by spark-submit --master
        }
        if (m == null) {
            m = SparkOptions.setting(SparkOptions.MASTER);
        }
        int n;
        if (workers != null) {
            n = workers;
        } else if (m == null) {
            n = 2;
        } else {
            Matcher lm = LOCAL_N.matcher(m);
            if (lm.matches()) {
                n = lm.group(1).equals("*") ? Runtime.getRuntime().availableProcessors() : Integer.parseInt(lm.group(1));
            } else if (m.equals("local")) {
                n = 1;
            } else {
                throw new IllegalArgumentException("give --workers for master " + m
                        + ": the executor cores the job gets in total (executors x cores each)");
            }
        }
        if (n <= 0) {
            throw new IllegalArgumentException("--workers must be positive, got " + n);
        }
        return new SparkOptions(m != null ? m : "local[" + n + "]", n,
                averagingFrequency != null ? averagingFrequency : env.averagingFrequency(),
                epochSamples != null ? epochSamples : env.epochSamples(),
                jobTimeout != null ? Duration.ofSeconds(jobTimeout) : env.jobTimeout());
    }

    /**
     * Checks the forward pass and the first (checked) round, trains warm-up then timed epochs; any failure becomes a
     * failed cell.
     */
    private CellResult train(Workload w, SparkOptions options) {
        long start = System.nanoTime();
        Weights weights = Weights.initial(w);
        List<Check> checks = new ArrayList<>();
        Map<String, String> settings = new LinkedHashMap<>();
        String version = null;
        try (SparkTrainingSession s = SparkTrainingSession.open(w, weights, batch, options)) {
            version = s.engineVersion();
            settings.putAll(s.settings());
            settings.put("runner", "SparkTrainMain");
            settings.put("warmup_epochs", Integer.toString(warmupEpochs));
            settings.put("epochs", Integer.toString(epochs));
            checks.add(CorrectnessChecks.forward(s.infer(CorrectnessChecks.forwardInput(w, batch)), w,
                    weights, batch));
            // the session's first round is its checked round (one minibatch per worker), as in the harness; the
            // epochs that follow are the configured rounds
            checks.addAll(CorrectnessChecks.beforeTraining(s, w, weights, batch));
            List<Double> losses = new ArrayList<>();
            double warmupSeconds = 0;
            List<Double> throughput = new ArrayList<>();
            for (int e = 1; e <= warmupEpochs + epochs; e++) {
                long t0 = System.nanoTime();
                double loss = 0;
                for (int r = 0; r < s.roundsPerEpoch(); r++) {
                    loss += s.trainStep(null);
                }
                double seconds = (System.nanoTime() - t0) / 1e9;
                losses.add(loss / s.roundsPerEpoch());
                boolean warm = e <= warmupEpochs;
                if (!warm) {
                    throughput.add(s.epochSamples() / seconds);
                } else {
                    warmupSeconds += seconds / warmupEpochs;
                }
                log.printf(Locale.ROOT, "epoch %d%s: %.2f s, %,.0f samples/s, mean loss %.4f%n", e,
                        warm ? " (warm-up)" : "", seconds, s.epochSamples() / seconds, losses.get(e - 1));
            }
            double first = losses.get(0);
            double last = losses.get(losses.size() - 1);
            checks.add(new Check(CorrectnessChecks.TRAINING, Double.isFinite(last) && last < first,
                    String.format(Locale.ROOT, "mean loss of epoch 1 %.4f, of epoch %d %.4f", first, losses.size(),
                            last)));
            double score = throughput.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
            settings.put("seconds_per_epoch", String.format(Locale.ROOT, "%.3f", s.epochSamples() / score));
            settings.put("warmup_seconds_per_epoch", String.format(Locale.ROOT, "%.3f", warmupSeconds));
            if (baseline) {
                double single = singleProcess(w, weights, options);
                settings.put("baseline_samples_per_s", String.format(Locale.ROOT, "%.0f", single));
                settings.put("scaling_efficiency", String.format(Locale.ROOT, "%.3f", score / options.workers() / single));
                log.printf(Locale.ROOT, "single process, 1 thread: %,.0f samples/s; DL4J-Spark per worker %,.0f"
                        + " samples/s = %.0f%% of it%n", single, score / options.workers(),
                        100 * score / options.workers() / single);
            }
            return new CellResult.Builder(key(w, batch, options)).engineVersion(version)
                    .score(score, null, throughput).gflops(score * w.trainFlopsPerSample(batch) / 1e9).checks(checks)
                    .settings(settings).seconds((System.nanoTime() - start) / 1e9).build();
        } catch (RuntimeException e) {
            e.printStackTrace(log);
            return CellResult.failed(key(w, batch, options), version, rootCause(e), checks, settings,
                    (System.nanoTime() - start) / 1e9);
        }
    }

    private static org.dlbench.core.result.CellKey key(Workload w, int batch, SparkOptions options) {
        return new org.dlbench.core.result.CellKey(SparkDl4jAdapter.NAME, w.name(), "train", batch, options.workers(),
                "cpu");
    }

    /** The same network and epoch trained by plain DL4J in this JVM (one thread), in samples/s over timed epochs. */
    private double singleProcess(Workload w, Weights weights, SparkOptions options) {
        ComputationGraph net = NetworkFactory.build(w, weights);
        SyntheticData data = new SyntheticData(w);
        int n = options.roundsPerEpoch(batch) * options.workers() * options.averagingFrequency();
        List<MultiDataSet> epoch = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            epoch.add(NetworkFactory.multiDataSet(w, data.batch(i, batch)));
        }
        for (int e = 0; e < warmupEpochs; e++) {
            epoch.forEach(net::fit);
        }
        long t0 = System.nanoTime();
        for (int e = 0; e < epochs; e++) {
            epoch.forEach(net::fit);
        }
        return (double) n * batch * epochs / ((System.nanoTime() - t0) / 1e9);
    }

    /** An epoch duration the run recorded, for the profile line (an iteration here is an epoch); 0 if none. */
    private static double seconds(CellResult cell, String key) {
        try {
            return Double.parseDouble(cell.settings().getOrDefault(key, "0"));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    static String rootCause(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String msg = root.getMessage() == null ? "" : ": " + root.getMessage().strip().lines().findFirst().orElse("");
        return root.getClass().getSimpleName() + msg;
    }

    private static String now() {
        return Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
