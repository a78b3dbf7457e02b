package org.dlbench.core.workload;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Element-wise activation applied after a dense or conv layer. */
public enum Activation {
    NONE, RELU, TANH, SIGMOID;

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

    public float apply(float x) {
        return switch (this) {
            case NONE -> x;
            case RELU -> x > 0 ? x : 0f;
            case TANH -> (float) Math.tanh(x);
            case SIGMOID -> (float) (1.0 / (1.0 + Math.exp(-x)));
        };
    }
}
