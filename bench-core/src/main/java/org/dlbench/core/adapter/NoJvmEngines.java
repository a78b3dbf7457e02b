package org.dlbench.core.adapter;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Systems a user may expect in a comparison but that no JVM can drive: they appear in every report as
 * {@code unsupported} with this reason, so the table says what was not measured instead of leaving it out.
 */
public final class NoJvmEngines {
    private static final Map<String, String> REASONS = new LinkedHashMap<>();

    static {
        REASONS.put("OneFlow", "no JVM runtime: OneFlow ships Python and C++ APIs only, nothing on Maven Central");
        REASONS.put("MegEngine", "no JVM runtime: MegEngine ships Python and C++ APIs only, nothing on Maven Central");
        REASONS.put("X-DeepLearning", "no JVM runtime: X-DeepLearning is C++ with Python bindings, nothing on Maven "
                + "Central");
    }

    private NoJvmEngines() {
    }

    /** Engine name to the reason it cannot be measured here. */
    public static Map<String, String> all() {
        return REASONS;
    }
}
