package org.dlbench.core.variant;

import java.util.List;
import java.util.Map;

/**
 * What a result records about the variant it measured (JSON-ready; the runner's JSON names fields in snake case).
 * The switches here are the ones <b>requested</b>; what the engine actually loaded and applied is read back into the
 * result's settings ({@code native_library}, {@code native_build}, one key per switch).
 *
 * @param name the variant's name
 * @param kind {@code native_build}, {@code switches} or {@code both}
 * @param picks why it was measured: {@code best}, {@code shipped}, {@code all}, {@code named}
 * @param why the selection's reasoning in one line (for {@code best}: what it passed over and why)
 * @param classpath the variant's classpath file relative to the engine module, or null for the module's own
 * @param jvmArgs the {@code -D} options requested for the child JVM
 * @param environment the environment variables requested for the child JVM
 */
public record VariantRecord(String name, String kind, List<String> picks, String why, String classpath,
                            List<String> jvmArgs, Map<String, String> environment) {
    public VariantRecord {
        picks = picks == null ? List.of() : List.copyOf(picks);
        jvmArgs = jvmArgs == null ? List.of() : List.copyOf(jvmArgs);
        environment = environment == null ? Map.of() : Map.copyOf(environment);
    }

    /** A record that knows only the variant's name (a child's result, before the runner adds the rest). */
    public static VariantRecord named(String name) {
        return new VariantRecord(name, null, List.of(), null, null, List.of(), Map.of());
    }
}
