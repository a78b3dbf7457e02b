package org.dlbench.core.workload.layer;

/**
 * A layer whose fields or inputs do not make sense; the workload parser adds the file and node to the message.
 * {@link #field()} names the offending field, or is null when the problem is the layer's input.
 */
public final class LayerException extends RuntimeException {
    private final String field;

    public LayerException(String field, String message) {
        super(message);
        this.field = field;
    }

    public String field() {
        return field;
    }

    /** A required positive integer field. */
    static int positive(Integer value, String field) {
        if (value == null) {
            throw new LayerException(field, "missing");
        }
        if (value <= 0) {
            throw new LayerException(field, "must be a positive integer, got " + value);
        }
        return value;
    }
}
