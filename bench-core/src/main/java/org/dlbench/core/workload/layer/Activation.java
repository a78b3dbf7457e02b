package org.dlbench.core.workload.layer;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Element-wise activation applied after a dense, conv2d, batchnorm or add layer. */
public enum Activation {
    NONE, RELU, RELU6, TANH, SIGMOID;

    @JsonValue
    public String jsonName() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static Activation parse(String s) {
        for (Activation a : values()) {
            if (a.jsonName().equals(s)) {
                return a;
            }
        }
        throw new IllegalArgumentException("unknown activation '" + s + "' (known: "
                + Arrays.stream(values()).map(Activation::jsonName).collect(Collectors.joining(", ")) + ")");
    }

    /** The activation in double. ReLU6 is min(max(x, 0), 6). */
    public double apply(double z) {
        return switch (this) {
            case NONE -> z;
            case RELU -> z > 0 ? z : 0.0;
            case RELU6 -> z > 0 ? Math.min(z, 6.0) : 0.0;
            case TANH -> Math.tanh(z);
            case SIGMOID -> 1.0 / (1.0 + Math.exp(-z));
        };
    }

    /**
     * The derivative, from the activation's output {@code y}. Where the maths leaves a choice the engines' choice is
     * taken: ReLU's derivative at exactly 0 is 0; ReLU6's is 1 strictly inside (0, 6) and 0 at both ends.
     */
    public double derivativeFromOutput(double y) {
        return switch (this) {
            case NONE -> 1.0;
            case RELU -> y > 0 ? 1.0 : 0.0;
            case RELU6 -> y > 0 && y < 6.0 ? 1.0 : 0.0;
            case TANH -> 1.0 - y * y;
            case SIGMOID -> y * (1.0 - y);
        };
    }

    /**
     * How far an input {@code z} lies from the nearest kink, the point where the derivative jumps (0 for ReLU; 0 and 6
     * for ReLU6), relative to the kink's size ({@code |z - k| / max(1, |k|)}); infinite for smooth activations. The
     * two sides of a kink give different gradients, so an input this close to one is decided by float32 rounding:
     * see {@link org.dlbench.core.reference.ReferenceTraining#nearKinks}.
     */
    public double kinkDistance(double z) {
        return switch (this) {
            case NONE, TANH, SIGMOID -> Double.POSITIVE_INFINITY;
            case RELU -> Math.abs(z);
            case RELU6 -> Math.min(Math.abs(z), Math.abs(z - 6.0) / 6.0);
        };
    }

    /** FLOPs of applying it to {@code n} values (one per value, none for NONE). */
    public long flops(long n) {
        return this == NONE ? 0 : n;
    }
}
