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
 * @param latency the latency phase on the timed session after JMH's iterations (inference only)
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
        org.dlbench.core.result.CellResult.Latency latency) {
}
