package org.dlbench.core.result;

import static org.dlbench.core.json.FieldError.at;
import static org.dlbench.core.json.FieldError.atLeast;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Locale;
import org.dlbench.core.json.FieldError;

/**
 * How long and how often each cell is measured, recorded with the run. {@code quick} is the default run,
 * {@code thorough} the one to publish, {@code smoke} only proves the plumbing (tests).
 */
public record Profile(@JsonProperty(required = true) String name,
                      @JsonProperty(required = true) int forks,
                      @JsonProperty(required = true) int warmupIterations,
                      @JsonProperty(required = true) double warmupSeconds,
                      @JsonProperty(required = true) int measurementIterations,
                      @JsonProperty(required = true) double measurementSeconds,
                      @JsonProperty(required = true) double latencySeconds,
                      @JsonProperty(required = true) int cellTimeoutSeconds) {

    /** Ten short iterations rather than five long ones: the same time, but a confidence interval 2.5x narrower. */
    public static final Profile QUICK = new Profile("quick", 1, 3, 1.0, 10, 0.5, 3.0, 300);
    public static final Profile THOROUGH = new Profile("thorough", 3, 3, 2.0, 8, 3.0, 15.0, 1800);
    public static final Profile SMOKE = new Profile("smoke", 0, 0, 0.0, 1, 0.2, 0.2, 180);

    public static Profile named(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "quick" -> QUICK;
            case "thorough" -> THOROUGH;
            case "smoke" -> SMOKE;
            default -> throw new IllegalArgumentException("unknown profile '" + name + "' (known: quick, thorough, smoke)");
        };
    }

    /** The same profile with another number of JMH forks per cell; the cell time limit grows with the forks. */
    public Profile withForks(int n) {
        double longer = Math.max(1.0, (double) n / Math.max(1, forks));
        return new Profile(name, n, warmupIterations, warmupSeconds, measurementIterations, measurementSeconds,
                latencySeconds, (int) Math.ceil(cellTimeoutSeconds * longer));
    }

    /** Checks a profile read from a file; {@code path} is where it sits, e.g. {@code profile}. */
    void validate(String path) {
        FieldError.requiredText(name, at(path, "name"));
        atLeast(forks, 0, at(path, "forks"));
        atLeast(warmupIterations, 0, at(path, "warmup_iterations"));
        atLeast(warmupSeconds, 0.0, at(path, "warmup_seconds"));
        atLeast(measurementIterations, 1, at(path, "measurement_iterations"));
        FieldError.positive(measurementSeconds, at(path, "measurement_seconds"));
        atLeast(latencySeconds, 0.0, at(path, "latency_seconds"));
        atLeast(cellTimeoutSeconds, 1, at(path, "cell_timeout_seconds"));
    }
}
