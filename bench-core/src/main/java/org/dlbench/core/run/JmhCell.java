package org.dlbench.core.run;

import org.dlbench.core.process.ParentWatch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.dlbench.core.adapter.Mode;
import org.dlbench.core.bench.EngineState;
import org.dlbench.core.bench.ForkReport;
import org.dlbench.core.bench.InferenceBenchmark;
import org.dlbench.core.bench.TrainingBenchmark;
import org.dlbench.core.result.Profile;
import org.dlbench.core.result.ResultsIO;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/** Runs one cell's JMH benchmark with the profile's settings and converts invocations/s to samples/s. */
final class JmhCell {
    private JmhCell() {
    }

    /**
     * Samples per second: mean, 99.9% half-width (NaN with fewer than two iterations) and every iteration, plus what
     * each benchmark process reported about the session it timed. With K instances every figure is the aggregate of
     * JMH's K threads; {@code threadSamples} holds each iteration's per-thread samples/s, whose sum is the
     * iteration's sample.
     */
    record Measurement(double score, double scoreError, List<Double> samples, List<ForkReport> forks,
                       List<List<Double>> threadSamples) {
    }

    /** How long the benchmark process warms up and runs its bare loops under a profile. */
    record Plan(double warmupWindow, double warmupMin, double warmupCap, double bareLoopSeconds) {
        static Plan of(Profile p) {
            double measured = p.measurementIterations() * p.measurementSeconds();
            // steady-state windows of half a JMH warm-up iteration, for at least 5 and at most 15 of JMH's warm-up
            // iterations (quick: 5-15 s; the engines here took 5-7 s to reach their speed)
            double window = p.warmupSeconds() / 2;
            double min = 5 * p.warmupSeconds();
            double cap = 15 * p.warmupSeconds();
            // each bare loop lasts a quarter of JMH's measured time, so both together add half of it
            return new Plan(window, min, cap, Math.max(0.05, measured / 4));
        }
    }

    /**
     * {@code samplesPerStep}: samples one invocation processes, from
     * {@link org.dlbench.core.adapter.Session#samplesPerStep}; {@code forkFile} receives the benchmark processes'
     * reports.
     */
    static Measurement run(CellRequest req, Path forkFile, int samplesPerStep) throws RunnerException, IOException {
        // forks inherit this through jvmArgsAppend; with no fork the benchmark runs in this JVM and reads it here
        System.setProperty(EngineState.FORK_OUT, forkFile.toString());
        Files.deleteIfExists(forkFile);
        Profile p = req.profile();
        Plan plan = Plan.of(p);
        Class<?> benchmark = Mode.parse(req.mode()) == Mode.TRAIN ? TrainingBenchmark.class : InferenceBenchmark.class;
        ChainedOptionsBuilder options = new OptionsBuilder()
                .include("^" + Pattern.quote(benchmark.getName()) + "\\.")
                .param("engine", req.engine())
                .param("workload", req.workload())
                .param("batch", Integer.toString(req.batch()))
                .param("threads", Integer.toString(req.threads()))
                .param("device", req.device())
                .param("warmupWindow", format(plan.warmupWindow()))
                .param("warmupMin", format(plan.warmupMin()))
                .param("warmupCap", format(plan.warmupCap()))
                .param("bareLoopSeconds", format(plan.bareLoopSeconds()))
                .param("latencySeconds", format(Mode.parse(req.mode()) == Mode.INFER ? p.latencySeconds() : 0))
                .param("instances", Integer.toString(req.instances()))
                .forks(p.forks())
                .warmupIterations(p.warmupIterations())
                .warmupTime(TimeValue.milliseconds(Math.round(p.warmupSeconds() * 1000)))
                .measurementIterations(p.measurementIterations())
                .measurementTime(TimeValue.milliseconds(Math.round(p.measurementSeconds() * 1000)))
                // K instances: K JMH threads, thread i calling instance i's session (EngineState); a throughput
                // score over several threads is the sum of the threads' ops/s, so every figure below is the aggregate
                .threads(req.instances())
                .jvmArgsAppend("-D" + EngineState.FORK_OUT + "=" + forkFile,
                        // the benchmark process stops when this JVM is gone (EngineState starts the watch)
                        ParentWatch.jvmArg())
                .shouldFailOnError(true);
        Collection<RunResult> results = new Runner(options.build()).run();
        if (results.isEmpty()) {
            throw new IllegalStateException("JMH produced no result for " + benchmark.getSimpleName());
        }
        RunResult result = results.iterator().next();
        List<Double> samples = new ArrayList<>();
        List<List<Double>> threadSamples = new ArrayList<>();
        for (BenchmarkResult b : result.getBenchmarkResults()) {
            for (IterationResult it : b.getIterationResults()) {
                samples.add(it.getPrimaryResult().getScore() * samplesPerStep);
                List<Double> perThread = new ArrayList<>();
                it.getRawPrimaryResults().forEach(r -> perThread.add(r.getScore() * samplesPerStep));
                threadSamples.add(List.copyOf(perThread));
            }
        }
        double score = result.getPrimaryResult().getScore() * samplesPerStep;
        double error = result.getPrimaryResult().getScoreError() * samplesPerStep;
        return new Measurement(score, error, samples, readForks(forkFile), List.copyOf(threadSamples));
    }

    static List<ForkReport> readForks(Path file) throws IOException {
        List<ForkReport> forks = new ArrayList<>();
        if (Files.exists(file)) {
            for (String line : Files.readAllLines(file)) {
                if (!line.isBlank()) {
                    forks.add(ResultsIO.JSON.readValue(line, ForkReport.class));
                }
            }
        }
        return forks;
    }

    private static String format(double seconds) {
        return String.format(Locale.ROOT, "%.3f", seconds);
    }
}
