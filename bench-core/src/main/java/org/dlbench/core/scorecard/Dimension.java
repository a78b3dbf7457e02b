package org.dlbench.core.scorecard;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * What the scorecard measures an engine by. Every dimension's index is 1.0 for the best engine and falls towards 0
 * (see {@link Scorecard} for each formula); the overall index is their weighted geometric mean.
 */
public enum Dimension {
    /** The capability index: throughput relative to the fastest engine, per cell, modes combined. */
    THROUGHPUT("throughput"),
    /** The weighted share of the zoo's cells the engine ran. */
    COVERAGE("coverage"),
    /** Checks passed over checks run. */
    CORRECTNESS("correctness"),
    /** Best single-stream p90 latency over the engine's own, per inference cell. */
    LATENCY("latency p90"),
    /** Best time to first result over the engine's own. */
    STARTUP("first result"),
    /** Smallest peak RSS over the engine's own, per workload and mode. */
    MEMORY("memory"),
    /** Median % of peak over the best engine's. */
    EFFICIENCY("efficiency"),
    /** 1 -> N threads scaling efficiency over the best engine's. */
    SCALE("scale");

    private final String label;

    Dimension(String label) {
        this.label = label;
    }

    /** The name in the weights file: {@code throughput}, {@code startup}, ... */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** How tables and charts name it. */
    public String label() {
        return label;
    }

    static List<String> names() {
        return Arrays.stream(values()).map(Dimension::id).toList();
    }

    static Dimension of(String id) {
        return valueOf(id.toUpperCase(Locale.ROOT));
    }
}
