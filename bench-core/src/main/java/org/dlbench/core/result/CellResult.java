package org.dlbench.core.result;

import static org.dlbench.core.json.FieldError.at;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;
import org.dlbench.core.json.FieldError;
import org.dlbench.core.variant.VariantRecord;

/**
 * One measured (engine, workload, mode, batch, threads, device) cell.
 *
 * @param score mean samples per second over the measured iterations (null unless status is ok); for the server
 *     scenario, the request rate it sustained
 * @param scoreError half-width of JMH's 99.9% confidence interval, in samples per second
 * @param gflops achieved GFLOP/s from the workload's FLOPs per sample
 * @param percentOfPeak gflops as a percentage of the calibrated matrix-multiply peak of the engine's own BLAS at this
 *     thread count (the best engine's peak for an engine with no calibration of its own; {@link #peak} says which)
 * @param peak which calibrated peak {@code percentOfPeak} is measured against, and the best engine's peak beside it
 * @param verdict {@code valid}, {@code noisy} or {@code invalid}; see {@link Verdicts}
 * @param checks correctness checks, all made outside the timed region
 * @param samples samples per second of every measured iteration, for later statistics
 * @param latency per-call latency of inference at this batch size
 * @param server the server scenario's outcome (mode {@code server} only)
 * @param startup time to first result, split into its parts
 * @param memory peak memory of the measuring process
 * @param settings engine settings that shape the number (threads as applied, optimisation switches), read from the
 *     session that was timed
 * @param crossCheck the independent measures of the same cell (bare loop, latency phase) beside JMH's score
 * @param execution what the measuring process did: its parallelism, page faults, warm-up
 * @param seconds wall time the whole cell took, checks and JVM starts included
 * @param driftReference the engine-free drift reference measured in the runner JVM just before and just after this
 *     cell (its samples from both sides together), so that {@code compare} weighs the machine's drift at the very
 *     time the cell ran; null when the run was made without it
 * @param variant the engine variant measured, with why it was picked and the switches requested (what the engine
 *     applied is read back into {@code settings}); null in runs made before variants existed
 * @param instances independent sessions called at once from as many Java threads (null or 1: one session); the score
 *     is then their aggregate samples/s and the latency is per call over all of them
 * @param tokensPerSecond the score times the tokens one sample holds, for sequence workloads (null for the others)
 */
public record CellResult(
        @JsonProperty(required = true) String engine,
        String engineVersion,
        @JsonProperty(required = true) String workload,
        @JsonProperty(required = true) String mode,
        @JsonProperty(required = true) int batch,
        @JsonProperty(required = true) int threads,
        @JsonProperty(required = true) String device,
        @JsonProperty(required = true) Status status,
        String reason,
        Double score,
        Double scoreError,
        String unit,
        Double gflops,
        Double percentOfPeak,
        Peak peak,
        String verdict,
        String verdictReason,
        List<Check> checks,
        List<Double> samples,
        Latency latency,
        Server server,
        Startup startup,
        Memory memory,
        Map<String, String> settings,
        Double seconds,
        CrossCheck crossCheck,
        Execution execution,
        DriftReference driftReference,
        VariantRecord variant,
        Integer instances,
        Double tokensPerSecond) {

    public static final String UNIT = "samples/s";

    public CellResult {
        // one session is how every result before instances existed reads: recorded as absent
        instances = instances != null && instances == 1 ? null : instances;
    }

    /** Latency percentiles in milliseconds from an HdrHistogram of every timed call. */
    public record Latency(@JsonProperty(required = true) long count, @JsonProperty(required = true) double meanMs, @JsonProperty(required = true) double p50Ms,
                          @JsonProperty(required = true) double p90Ms, @JsonProperty(required = true) double p99Ms,
                          @JsonProperty(required = true) double p999Ms, @JsonProperty(required = true) double maxMs,
                          @JsonProperty(required = true) double seconds) {
    }

    /**
     * The server scenario: requests of one sample arriving as a Poisson process at {@code targetRate}, latency
     * measured from each request's scheduled arrival. The cell's latency and score are those of the reported trial:
     * for a search, the highest-rate full-length confirming run that met the bound (or, if none did, the last one).
     *
     * @param targetRate the reported trial's Poisson rate, requests/s
     * @param achievedRate requests served per second in that trial
     * @param boundMet whether the reported trial's p99 stayed within {@code boundMs}; for a search, false means that
     *     no full-length confirming run met the bound
     * @param searched true for a search, false for a fixed {@code --server-rate}
     * @param capacity closed-loop requests/s after warm-up: the search's starting upper end (search only)
     * @param capacityWindows requests/s of every closed-loop window the capacity was measured over, in order
     * @param capacitySteady whether the last two windows agreed (false: the time cap was reached first)
     * @param reason why no rate is reported as meeting the bound (null when one is)
     * @param trials every trial in order: probes, confirming runs, or the single fixed-rate run
     */
    public record Server(@JsonProperty(required = true) double targetRate, @JsonProperty(required = true) double achievedRate,
                         @JsonProperty(required = true) double boundMs, @JsonProperty(required = true) boolean boundMet,
                         @JsonProperty(required = true) boolean searched, Double capacity, List<Double> capacityWindows, Boolean capacitySteady, String reason,
                         List<ServerTrial> trials) {
        public Server {
            // null elements are kept for validation to name (List.copyOf would fail without saying where)
            capacityWindows = capacityWindows == null ? List.of()
                    : java.util.Collections.unmodifiableList(new java.util.ArrayList<>(capacityWindows));
            trials = trials == null ? List.of() : java.util.Collections.unmodifiableList(new java.util.ArrayList<>(trials));
        }

        /** The number of confirming (full-length) runs. */
        public long confirmations() {
            return trials.stream().filter(t -> ServerTrial.CONFIRM.equals(t.kind())).count();
        }
    }

    /**
     * One open-loop trial of the server scenario.
     *
     * @param kind {@link #PROBE} (a short search trial), {@link #CONFIRM} (a full-length confirming run) or
     *     {@link #FIXED} (the run at a fixed {@code --server-rate})
     * @param targetRate the Poisson rate offered, requests/s
     * @param achievedRate requests served per second (arrivals over the time to serve them all)
     * @param p99Ms 99th percentile latency from each request's scheduled arrival
     * @param met whether {@code p99Ms} stayed within the bound
     * @param seconds how long the trial ran
     */
    public record ServerTrial(@JsonProperty(required = true) String kind, @JsonProperty(required = true) double targetRate,
                              @JsonProperty(required = true) double achievedRate, @JsonProperty(required = true) double p99Ms,
                              @JsonProperty(required = true) boolean met, @JsonProperty(required = true) double seconds) {
        public static final String PROBE = "probe";
        public static final String CONFIRM = "confirm";
        public static final String FIXED = "fixed";
    }

    /**
     * The calibrated matrix-multiply peak a result's efficiency is measured against, at the result's thread count.
     *
     * @param engine the engine whose calibration is used
     * @param gflops that calibration's median GFLOP/s
     * @param basis {@link #OWN} (the engine's own BLAS, measured by itself or by the adapter whose BLAS it runs on)
     *     or {@link #BEST} (the engine has no calibration of its own, so the best engine's peak is used)
     * @param bestEngine the engine with the highest calibrated median at this thread count
     * @param bestGflops that median
     * @param percentOfBest the result's GFLOP/s as a percentage of {@code bestGflops}
     */
    public record Peak(@JsonProperty(required = true) String engine, @JsonProperty(required = true) double gflops,
                       @JsonProperty(required = true) String basis, @JsonProperty(required = true) String bestEngine,
                       @JsonProperty(required = true) double bestGflops, Double percentOfBest) {
        public static final String OWN = "own";
        public static final String BEST = "best";
    }

    /** Time to first result: loading the engine, building the model with its weights, the first inference. */
    public record Startup(Double engineLoadMs, @JsonProperty(required = true) double modelBuildMs,
                          @JsonProperty(required = true) double firstInferenceMs) {
    }

    /** Peak resident set (native memory included) and peak Java heap of the process that ran the benchmark. */
    public record Memory(@JsonProperty(required = true) long peakRssBytes, @JsonProperty(required = true) long peakHeapBytes,
                         String measuredIn) {
    }

    /**
     * Three measures of one cell's throughput, in samples/s: JMH's score, a bare timed loop of the same call on the
     * same session in the same process (before and after JMH's iterations), and for inference the latency phase's
     * batch / mean latency (another session, in the checking JVM). They must agree within {@code tolerance}
     * (relative), or the cell is {@code inconsistent}.
     *
     * @param bareLoop samples/s over all bare-loop calls of all benchmark processes
     * @param bareLoopError 99.9% half-width over the bare loops' chunks
     * @param bareLoopBefore samples/s of each process's bare loop before JMH's iterations
     * @param bareLoopAfter samples/s of each process's bare loop after them
     * @param latencyPhase batch size x 1000 / mean latency in ms (inference only)
     * @param jmhOverBareLoop JMH's score over the bare loop's
     * @param jmhOverLatencyPhase JMH's score over the latency phase's
     * @param tolerance the relative disagreement allowed: 10% plus twice the combined relative standard error of the JMH and bare-loop means
     */
    public record CrossCheck(Double bareLoop, Double bareLoopError, List<Double> bareLoopBefore,
                             List<Double> bareLoopAfter, Double latencyPhase, Double jmhOverBareLoop,
                             Double jmhOverLatencyPhase, Double tolerance) {
    }

    /**
     * What the measuring process did while it was timed.
     *
     * @param effectiveParallelism process CPU time over wall time during JMH's measured iterations (mean over forks):
     *     the cores the run really kept busy, the engine's pools and the JVM's own threads included
     * @param bareLoopParallelism the same during the bare loops
     * @param minorFaultsPerCall page faults per call in the bare loops (memory newly touched per call)
     * @param warmupSeconds length of the steady-state warm-up before JMH's own (longest over forks)
     * @param steadyState whether every process reached steady state before its warm-up cap
     * @param forks benchmark processes that reported
     */
    public record Execution(Double effectiveParallelism, Double bareLoopParallelism, Double minorFaultsPerCall,
                            Double warmupSeconds, Boolean steadyState, Integer forks) {
    }

    /**
     * Checks a cell read from a file; {@code path} is where it sits, e.g. {@code results[3]}. A measured ({@code ok})
     * cell needs a score, a batch and a thread count; the record of an engine module that could not start has batch
     * and threads 0.
     */
    static void validate(CellResult c, String path) {
        FieldError.requiredText(c.engine(), at(path, "engine"));
        FieldError.requiredText(c.workload(), at(path, "workload"));
        FieldError.requiredText(c.mode(), at(path, "mode"));
        FieldError.requiredText(c.device(), at(path, "device"));
        FieldError.required(c.status(), at(path, "status"));
        boolean ok = c.status() == Status.OK;
        FieldError.atLeast(c.batch(), ok ? 1 : 0, at(path, "batch"));
        FieldError.atLeast(c.threads(), ok ? 1 : 0, at(path, "threads"));
        if (ok) {
            FieldError.atLeast(FieldError.required(c.score(), at(path, "score")), 0.0, at(path, "score"));
        }
        FieldError.noNulls(c.samples(), at(path, "samples"));
        FieldError.each(c.checks(), at(path, "checks"), Check::validate);
        FieldError.noNullValues(c.settings(), at(path, "settings"));
        if (c.crossCheck() != null) {
            FieldError.noNulls(c.crossCheck().bareLoopBefore(), at(path, "cross_check.bare_loop_before"));
            FieldError.noNulls(c.crossCheck().bareLoopAfter(), at(path, "cross_check.bare_loop_after"));
        }
        if (c.server() != null) {
            FieldError.noNulls(c.server().capacityWindows(), at(path, "server.capacity_windows"));
            FieldError.each(c.server().trials(), at(path, "server.trials"),
                    (t, p) -> FieldError.requiredText(t.kind(), at(p, "kind")));
        }
        if (c.driftReference() != null) {
            c.driftReference().validate(at(path, "drift_reference"));
        }
        if (c.variant() != null) {
            FieldError.requiredText(c.variant().name(), at(path, "variant.name"));
        }
        if (c.instances() != null) {
            FieldError.atLeast(c.instances(), 1, at(path, "instances"));
        }
        if (c.peak() != null) {
            FieldError.requiredText(c.peak().engine(), at(path, "peak.engine"));
            FieldError.requiredText(c.peak().bestEngine(), at(path, "peak.best_engine"));
            FieldError.requiredText(c.peak().basis(), at(path, "peak.basis"));
        }
    }

    /** Identity of a cell: what makes two results comparable. */
    public String key() {
        return engine + "/" + workload + "/" + mode + "/b" + batch + "/t" + threads + "/" + device
                + (variant == null ? "" : "/v:" + variant.name()) + (instanceCount() == 1 ? "" : "/k" + instanceCount());
    }

    public CellKey cellKey() {
        return new CellKey(engine, workload, mode, batch, threads, device, variantName(), instanceCount());
    }

    /** The variant's name, or null for a run made before variants existed. */
    public String variantName() {
        return variant == null ? null : variant.name();
    }

    /** Sessions measured at once (1 unless the run asked for more instances). */
    public int instanceCount() {
        return instances == null ? 1 : instances;
    }

    /** The engine with its variant, as report rows name it: {@code DL4J [onednn-avx512]} ({@link CellKey#shownVariant}). */
    public String engineLabel() {
        return engine + cellKey().shownVariant();
    }

    /** Whether {@code --variants} picked this cell's variant for this reason ({@code best}, {@code shipped}, ...). */
    public boolean pickedAs(String pick) {
        return variant != null && variant.picks().contains(pick);
    }

    /** How reports name this cell ({@link CellKey#label}). */
    public String label() {
        return cellKey().label();
    }

    /** True when the cell carries at least one check and all passed: a cell without checks has proven nothing. */
    public boolean checksPassed() {
        return checks != null && !checks.isEmpty() && checks.stream().allMatch(Check::passed);
    }

    public static CellResult unsupported(CellKey k, String reason) {
        return new Builder(k).status(Status.UNSUPPORTED).reason(reason).build();
    }

    public static CellResult failed(CellKey k, String engineVersion, String reason, List<Check> checks,
                                    Map<String, String> settings, Double seconds) {
        return new Builder(k).status(Status.FAILED).reason(reason).engineVersion(engineVersion).checks(checks)
                .settings(settings).seconds(seconds).build();
    }

    public Builder toBuilder() {
        return new Builder(cellKey()).engineVersion(engineVersion).status(status).reason(reason)
                .score(score, scoreError, samples).gflops(gflops).tokensPerSecond(tokensPerSecond)
                .percentOfPeak(percentOfPeak).peak(peak)
                .verdict(verdict, verdictReason).checks(checks).latency(latency).server(server).startup(startup)
                .memory(memory).settings(settings).seconds(seconds).crossCheck(crossCheck).execution(execution)
                .driftReference(driftReference).variant(variant);
    }

    /** The same cell with the record of the variant it measured. */
    public CellResult withVariant(VariantRecord v) {
        return toBuilder().variant(v).build();
    }

    /** The same cell with the drift reference measured around it. */
    public CellResult withDriftReference(DriftReference d) {
        return toBuilder().driftReference(d).build();
    }

    /** Builds results field by field; only the cell key is required. */
    public static final class Builder {
        private final CellKey key;
        private String engineVersion;
        private Status status = Status.OK;
        private String reason;
        private Double score;
        private Double scoreError;
        private List<Double> samples = List.of();
        private Double gflops;
        private Double tokensPerSecond;
        private Double percentOfPeak;
        private Peak peak;
        private String verdict;
        private String verdictReason;
        private List<Check> checks = List.of();
        private Latency latency;
        private Server server;
        private Startup startup;
        private Memory memory;
        private Map<String, String> settings = Map.of();
        private Double seconds;
        private CrossCheck crossCheck;
        private Execution execution;
        private DriftReference driftReference;
        private VariantRecord variant;

        public Builder(CellKey key) {
            this.key = key;
        }

        public Builder engineVersion(String v) { engineVersion = v; return this; }
        public Builder status(Status s) { status = s; return this; }
        public Builder reason(String r) { reason = r; return this; }
        public Builder score(Double s, Double error, List<Double> perIteration) {
            score = s;
            scoreError = error;
            samples = perIteration == null ? List.of() : List.copyOf(perIteration);
            return this;
        }
        public Builder gflops(Double g) { gflops = g; return this; }
        /** Tokens per second (sequence workloads only). */
        public Builder tokensPerSecond(Double t) { tokensPerSecond = t; return this; }
        public Builder percentOfPeak(Double p) { percentOfPeak = p; return this; }
        public Builder peak(Peak p) { peak = p; return this; }
        public Builder verdict(String v, String why) { verdict = v; verdictReason = why; return this; }
        public Builder checks(List<Check> c) { checks = c == null ? List.of() : List.copyOf(c); return this; }
        public Builder latency(Latency l) { latency = l; return this; }
        public Builder server(Server s) { server = s; return this; }
        public Builder startup(Startup s) { startup = s; return this; }
        public Builder memory(Memory m) { memory = m; return this; }
        public Builder settings(Map<String, String> s) {
            settings = s == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(s));
            return this;
        }
        public Builder seconds(Double s) { seconds = s; return this; }
        public Builder crossCheck(CrossCheck c) { crossCheck = c; return this; }
        public Builder execution(Execution e) { execution = e; return this; }
        public Builder driftReference(DriftReference d) { driftReference = d; return this; }
        /** The variant's record; its name must be the key's variant. */
        public Builder variant(VariantRecord v) {
            if (v != null && !v.name().equals(key.variant())) {
                throw new IllegalArgumentException("variant " + v.name() + " recorded for cell " + key);
            }
            variant = v;
            return this;
        }

        public CellResult build() {
            return new CellResult(key.engine(), engineVersion, key.workload(), key.mode(), key.batch(), key.threads(),
                    key.device(), status, reason, score, scoreError, score == null ? null : UNIT, gflops,
                    percentOfPeak, peak, verdict, verdictReason, checks, samples, latency, server, startup, memory,
                    settings, seconds, crossCheck, execution, driftReference,
                    variant != null || key.variant() == null ? variant : VariantRecord.named(key.variant()),
                    key.instances() == 1 ? null : key.instances(), tokensPerSecond);
        }
    }
}
