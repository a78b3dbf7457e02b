package org.dlbench.core.adapter;

import java.util.Locale;

/** What a cell measures. */
public enum Mode {
    /** Forward pass only: features in, logits out. */
    INFER,
    /** One SGD step: forward, softmax cross-entropy, backward, update. */
    TRAIN,
    /**
     * Inference under the server scenario: single requests arriving as a Poisson process. Adapters never see
     * it: they are asked about {@link #engineMode()}.
     */
    SERVER;

    /** What the engine itself does in this mode. */
    public Mode engineMode() {
        return this == SERVER ? INFER : this;
    }

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Mode parse(String s) {
        for (Mode m : values()) {
            if (m.id().equalsIgnoreCase(s.trim())) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown mode '" + s + "' (known: infer, train, server)");
    }
}
