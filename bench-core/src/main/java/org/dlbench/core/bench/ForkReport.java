package org.dlbench.core.bench;

import java.util.List;
import java.util.Map;
import org.dlbench.core.result.Check;

/**
 * What one benchmark process (a JMH fork) reports about the session it timed, written as one JSON line to the file
 * named by {@link EngineState#FORK_OUT}: the checks made on that very session, its steady-state warm-up, the bare
 * loops before and after JMH's iterations, the process's parallelism during JMH's measured iterations, the settings
 * the engine applied (read from the timed session) and the process's peak memory.
 *
 * @param measuredParallelism process CPU time over wall time during JMH's measured iterations
 * @param measuredSeconds wall time of JMH's measured iterations
 * @param latency the latency phase on the timed session after JMH's iterations (inference only); with several
 *     instances, every call of every instance in one histogram
 * @param instances the sessions the process opened and called at once (null in reports written before instances
 *     existed: one); the bare loops' and warm-up's rates are then aggregates over all of them
 */
public record ForkReport(
        List<Check> checks,
        SteadyStateWarmup warmup,
        BareLoop bareLoopBefore,
        BareLoop bareLoopAfter,
        Double measuredParallelism,
        Double measuredSeconds,
        String engineVersion,
        Map<String, String> settings,
        Long peakRssBytes,
        Long peakHeapBytes,
        org.dlbench.core.result.CellResult.Latency latency,
        Integer instances) {

    /** A report of a process that timed one session. */
    public ForkReport(List<Check> checks, SteadyStateWarmup warmup, BareLoop bareLoopBefore, BareLoop bareLoopAfter,
                      Double measuredParallelism, Double measuredSeconds, String engineVersion,
                      Map<String, String> settings, Long peakRssBytes, Long peakHeapBytes,
                      org.dlbench.core.result.CellResult.Latency latency) {
        this(checks, warmup, bareLoopBefore, bareLoopAfter, measuredParallelism, measuredSeconds, engineVersion,
                settings, peakRssBytes, peakHeapBytes, latency, 1);
    }

    /** Sessions timed at once: 1 when not recorded. */
    public int instanceCount() {
        return instances == null ? 1 : Math.max(1, instances);
    }
}
