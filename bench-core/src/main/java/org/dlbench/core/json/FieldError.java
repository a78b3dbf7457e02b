package org.dlbench.core.json;

import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * A field of a JSON input that is missing, null or out of range, found by validation after binding. The message is
 * {@code path: problem}, e.g. {@code results[3].status: missing}; callers put the file name in front.
 */
public final class FieldError extends RuntimeException {
    private final String path;
    private final String problem;

    public FieldError(String path, String problem) {
        super((path == null || path.isEmpty() ? JsonErrors.TOP : path) + ": " + problem);
        this.path = path == null || path.isEmpty() ? JsonErrors.TOP : path;
        this.problem = problem;
    }

    /** The JSON path of the field, e.g. {@code results[3].status}. */
    public String path() {
        return path;
    }

    /** What is wrong with it. */
    public String problem() {
        return problem;
    }

    /** {@code parent.field}, or {@code field} at the top level. */
    public static String at(String parent, String field) {
        return parent == null || parent.isEmpty() ? field : parent + "." + field;
    }

    /** {@code parent[index]}. */
    public static String at(String parent, int index) {
        return (parent == null ? "" : parent) + "[" + index + "]";
    }

    /** The value, or a {@code missing} error at {@code path} when it is null. */
    public static <T> T required(T value, String path) {
        if (value == null) {
            throw new FieldError(path, "missing");
        }
        return value;
    }

    /** A non-blank string, or an error at {@code path}. */
    public static String requiredText(String value, String path) {
        if (required(value, path).isBlank()) {
            throw new FieldError(path, "empty");
        }
        return value;
    }

    /** Fails at the first null element of a list (or null value of a map) that is there. */
    public static void noNulls(Collection<?> values, String path) {
        if (values == null) {
            return;
        }
        int i = 0;
        for (Object v : values) {
            if (v == null) {
                throw new FieldError(at(path, i), "null");
            }
            i++;
        }
    }

    /** Fails at the first null value of a map that is there. */
    public static void noNullValues(Map<String, ?> values, String path) {
        if (values == null) {
            return;
        }
        values.forEach((k, v) -> {
            if (v == null) {
                throw new FieldError(at(path, k), "null");
            }
        });
    }

    /** At least {@code min}, or an error naming the value. */
    public static void atLeast(long value, long min, String path) {
        if (value < min) {
            throw new FieldError(path, "must be at least " + min + ", got " + value);
        }
    }

    /** A finite number of at least {@code min} (NaN and infinities fail), or an error naming the value. */
    public static void atLeast(double value, double min, String path) {
        if (!Double.isFinite(value) || value < min) {
            throw new FieldError(path, "must be a finite number of at least " + JsonErrors.number(min) + ", got "
                    + JsonErrors.number(value));
        }
    }

    /** A finite number above zero, or an error naming the value. */
    public static void positive(double value, String path) {
        if (!Double.isFinite(value) || value <= 0) {
            throw new FieldError(path, "must be a finite number above 0, got " + JsonErrors.number(value));
        }
    }

    /** Every element of a present list checked by {@code each}, with its index in the path. */
    public static <T> void each(List<T> values, String path, ElementCheck<T> each) {
        if (values == null) {
            return;
        }
        for (int i = 0; i < values.size(); i++) {
            String p = at(path, i);
            if (values.get(i) == null) {
                throw new FieldError(p, "null");
            }
            each.check(values.get(i), p);
        }
    }

    /** Validation of one element at its path. */
    @FunctionalInterface
    public interface ElementCheck<T> {
        void check(T value, String path);
    }
}
