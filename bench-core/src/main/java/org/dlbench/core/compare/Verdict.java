package org.dlbench.core.compare;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** What a comparison of two measurements of the same cell concludes. */
public enum Verdict {
    /** Significantly higher throughput, by more than the threshold. */
    FASTER,
    /** Significantly lower throughput, by more than the threshold: a regression. */
    SLOWER,
    /** Neither: no significant difference, or one within the threshold and the minimum detectable effect. */
    SAME,
    /**
     * No test possible: one fork a side and no noise floor, or a change the machine's own drift between the runs
     * explains. Never a regression, and never read as "same".
     */
    UNDECIDED;

    @JsonValue
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
