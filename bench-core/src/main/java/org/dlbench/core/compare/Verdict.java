package org.dlbench.core.compare;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** What a comparison of two measurements of the same cell concludes. */
public enum Verdict {
    /** Significantly higher throughput, by more than the threshold. */
    FASTER,
    /** Significantly lower throughput, by more than the threshold: a regression. */
    SLOWER,
    /** Neither: no significant difference, or one within the threshold. */
    SAME;

    @JsonValue
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
