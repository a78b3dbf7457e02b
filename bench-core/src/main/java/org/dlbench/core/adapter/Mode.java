package org.dlbench.core.adapter;

import java.util.Locale;

/** What a cell measures. */
public enum Mode {
    /** Forward pass only: features in, logits out. */
    INFER,
    /** One SGD step: forward, softmax cross-entropy, backward, update. */
    TRAIN;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Mode parse(String s) {
        for (Mode m : values()) {
            if (m.id().equalsIgnoreCase(s.trim())) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown mode '" + s + "' (known: infer, train)");
    }
}
