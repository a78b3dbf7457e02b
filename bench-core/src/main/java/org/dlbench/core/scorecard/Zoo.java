package org.dlbench.core.scorecard;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.dlbench.core.workload.Workload;
import org.dlbench.core.workload.Workloads;

/**
 * The zoo the scorecard's coverage counts: every built-in workload, with its family, in index order. A zoo cell is
 * a built-in workload in mode {@code infer} or {@code train}.
 */
final class Zoo {
    private static volatile Map<String, String> families;

    private Zoo() {
    }

    /** Built-in workload name to its family ({@code cnn}, {@code sequence}, {@code sparse}), in index order. */
    static Map<String, String> families() {
        Map<String, String> f = families;
        if (f == null) {
            Map<String, String> m = new LinkedHashMap<>();
            for (Map.Entry<String, Workload> e : Workloads.builtIn().entrySet()) {
                m.put(e.getKey(), e.getValue().family().json());
            }
            f = Collections.unmodifiableMap(m);
            families = f;
        }
        return f;
    }

    /** The family of a workload, or null for one that is not built in. */
    static String family(String workload) {
        return families().get(workload);
    }
}
