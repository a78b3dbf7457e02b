package org.dlbench.core.adapter;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import org.dlbench.core.workload.Stage;
import org.dlbench.core.workload.Workload;

/** An adapter's answer to "can you run this?": yes, or no with the engine's own reason. */
public record Support(boolean supported, String reason) {
    private static final Support YES = new Support(true, null);

    public static Support yes() {
        return YES;
    }

    public static Support no(String reason) {
        return new Support(false, reason);
    }

    /**
     * Asks an engine's translator about every stage of a workload ({@code whyNot} answers null for a stage it can
     * build, else the reason) and answers no with every layer type it cannot build, each with its reason and first
     * node.
     */
    public static Support forStages(Workload workload, Function<Stage, String> whyNot) {
        Map<String, String> missing = new LinkedHashMap<>();
        for (Stage stage : workload.stages()) {
            String why = whyNot.apply(stage);
            if (why != null) {
                missing.putIfAbsent(stage.layer().type(), stage.layer().type() + " (node '" + stage.name() + "'): " + why);
            }
        }
        return missing.isEmpty() ? yes() : no(String.join("; ", missing.values()));
    }
}
