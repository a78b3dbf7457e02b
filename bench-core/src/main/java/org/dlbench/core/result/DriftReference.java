package org.dlbench.core.result;

import static org.dlbench.core.json.FieldError.at;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.dlbench.core.json.FieldError;

/**
 * The speed of a fixed, engine-free workload on one thread of the {@code dlbench run} JVM, measured before the
 * cells and again around each cell (see {@code org.dlbench.core.host.DriftProbe}): a reference for whether the machine itself ran faster or
 * slower between two runs. Two references say something about the machine only when their {@link #workload} is the
 * same (and, as for any JIT-compiled loop, the same JVM: {@link Host#jvm}).
 *
 * @param workload what was run, with a version, e.g. {@code jvm-dmatmul-64-v1}; changed whenever the work changes
 * @param unit the unit of {@code median}, {@code min}, {@code max} and {@code values}, e.g. {@code matmul/s}
 *     (operations per second; one operation is what the workload names)
 * @param median the median of the samples' rates
 * @param min the slowest sample
 * @param max the fastest sample
 * @param samples how many samples were measured
 * @param seconds the measured time of all samples together (the unrecorded warm-up left out)
 * @param values every sample's rate, in the order measured; empty when not recorded
 */
public record DriftReference(
        @JsonProperty(required = true) String workload,
        @JsonProperty(required = true) String unit,
        @JsonProperty(required = true) double median,
        @JsonProperty(required = true) double min,
        @JsonProperty(required = true) double max,
        @JsonProperty(required = true) int samples,
        @JsonProperty(required = true) double seconds,
        List<Double> values) {

    public DriftReference {
        // null elements are kept for validation to name (List.copyOf would fail without saying where)
        values = values == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(values));
    }

    /** The median and spread of the sample rates, measured in {@code seconds} in all. */
    public static DriftReference of(String workload, String unit, List<Double> values, double seconds) {
        if (values == null || values.isEmpty()) {
            throw new IllegalArgumentException("a drift reference needs at least one sample");
        }
        return new DriftReference(workload, unit, Host.median(values),
                values.stream().mapToDouble(Double::doubleValue).min().orElseThrow(),
                values.stream().mapToDouble(Double::doubleValue).max().orElseThrow(), values.size(), seconds, values);
    }

    /**
     * One reference from two measured around something (a cell): every sample of {@code before}, then every sample
     * of {@code after}, with their measured time added. Both must be of the same workload and unit.
     */
    public static DriftReference around(DriftReference before, DriftReference after) {
        if (!before.workload().equals(after.workload()) || !before.unit().equals(after.unit())) {
            throw new IllegalArgumentException("cannot join drift references of different work: " + before.workload()
                    + " (" + before.unit() + ") and " + after.workload() + " (" + after.unit() + ")");
        }
        List<Double> all = new ArrayList<>(before.values());
        all.addAll(after.values());
        return of(before.workload(), before.unit(), all, before.seconds() + after.seconds());
    }

    /**
     * Checks a reference read from a file; {@code path} is where it sits, e.g. {@code drift_reference}. Rates are
     * positive and ordered ({@code min <= median <= max}); {@code values}, when recorded, holds one per sample.
     */
    public void validate(String path) {
        FieldError.requiredText(workload, at(path, "workload"));
        FieldError.requiredText(unit, at(path, "unit"));
        FieldError.positive(median, at(path, "median"));
        FieldError.positive(min, at(path, "min"));
        FieldError.positive(max, at(path, "max"));
        if (min > max) {
            throw new FieldError(at(path, "min"), "must be at most max (" + number(max) + "), got "
                    + number(min));
        }
        if (median < min || median > max) {
            throw new FieldError(at(path, "median"), "must lie between min and max (" + number(min) + " to "
                    + number(max) + "), got " + number(median));
        }
        FieldError.atLeast(samples, 1, at(path, "samples"));
        FieldError.positive(seconds, at(path, "seconds"));
        FieldError.each(values, at(path, "values"), (v, p) -> FieldError.positive(v, p));
        if (!values.isEmpty() && values.size() != samples) {
            throw new FieldError(at(path, "values"), "holds " + values.size() + " values for " + samples
                    + " samples");
        }
    }

    /** A rate as written in an error: whole numbers without a fraction. */
    private static String number(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.valueOf((long) v) : String.valueOf(v);
    }
}
