package org.dlbench.core.result;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.dlbench.core.json.FieldError;

/** One correctness check made outside the timed region, with what it measured. */
public record Check(@JsonProperty(required = true) String name, @JsonProperty(required = true) boolean passed,
                    String detail) {

    /** Checks a check read from a file. */
    static void validate(Check c, String path) {
        FieldError.requiredText(c.name(), FieldError.at(path, "name"));
    }
}
