package org.dlbench.core.run;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.regex.Pattern;
import org.dlbench.core.adapter.Mode;
import org.dlbench.core.bench.InferenceBenchmark;
import org.dlbench.core.bench.TrainingBenchmark;
import org.dlbench.core.result.Profile;
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

    /** Samples per second: mean, 99.9% half-width (NaN with fewer than two iterations) and every iteration. */
    record Measurement(double score, double scoreError, List<Double> samples) {
    }

    /**
     * {@code samplesPerStep}: samples one invocation processes, from
     * {@link org.dlbench.core.adapter.Session#samplesPerStep}.
     */
    static Measurement run(CellRequest req, java.nio.file.Path memoryFile, int samplesPerStep) throws RunnerException {
        // forks inherit this through jvmArgsAppend; with no fork the benchmark runs in this JVM and reads it here
        System.setProperty(org.dlbench.core.bench.EngineState.MEMORY_OUT, memoryFile.toString());
        Profile p = req.profile();
        Class<?> benchmark = Mode.parse(req.mode()) == Mode.TRAIN ? TrainingBenchmark.class : InferenceBenchmark.class;
        ChainedOptionsBuilder options = new OptionsBuilder()
                .include("^" + Pattern.quote(benchmark.getName()) + "\\.")
                .param("engine", req.engine())
                .param("workload", req.workload())
                .param("batch", Integer.toString(req.batch()))
                .param("threads", Integer.toString(req.threads()))
                .param("device", req.device())
                .forks(p.forks())
                .warmupIterations(p.warmupIterations())
                .warmupTime(TimeValue.milliseconds(Math.round(p.warmupSeconds() * 1000)))
                .measurementIterations(p.measurementIterations())
                .measurementTime(TimeValue.milliseconds(Math.round(p.measurementSeconds() * 1000)))
                .threads(1)
                .jvmArgsAppend("-D" + org.dlbench.core.bench.EngineState.MEMORY_OUT + "=" + memoryFile)
                .shouldFailOnError(true);
        Collection<RunResult> results = new Runner(options.build()).run();
        if (results.isEmpty()) {
            throw new IllegalStateException("JMH produced no result for " + benchmark.getSimpleName());
        }
        RunResult result = results.iterator().next();
        List<Double> samples = new ArrayList<>();
        for (BenchmarkResult b : result.getBenchmarkResults()) {
            for (IterationResult it : b.getIterationResults()) {
                samples.add(it.getPrimaryResult().getScore() * samplesPerStep);
            }
        }
        double score = result.getPrimaryResult().getScore() * samplesPerStep;
        double error = result.getPrimaryResult().getScoreError() * samplesPerStep;
        return new Measurement(score, error, samples);
    }
}
