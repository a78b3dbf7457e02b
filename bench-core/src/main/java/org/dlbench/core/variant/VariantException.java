package org.dlbench.core.variant;

/**
 * A variant declaration or a {@code --variants} request that cannot be used. The message is one line that names the
 * offending text and what would be accepted.
 */
public class VariantException extends IllegalArgumentException {
    public VariantException(String message) {
        super(message);
    }
}
