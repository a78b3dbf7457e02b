package org.dlbench.core.result;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** The outcome of one cell. Only {@code ok} cells carry a score. */
public enum Status {
    OK, UNSUPPORTED, FAILED;

    @JsonValue
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
