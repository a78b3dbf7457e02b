package org.dlbench.core.compare;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Locale;
import java.util.stream.IntStream;

/**
 * How the p-values of many cells compared at once are corrected, so that comparing 48 cells does not find two or
 * three "changes" by chance at alpha 0.05.
 */
public enum Correction {
    /** Benjamini-Hochberg: controls the false discovery rate (the expected share of false calls among the calls). */
    BH("Benjamini-Hochberg (false discovery rate)"),
    /** Holm's step-down: controls the family-wise error rate (the chance of any false call); stricter. */
    HOLM("Holm (family-wise error rate)"),
    /** None: every cell on its own. */
    NONE("none (each cell on its own)");

    private final String description;

    Correction(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }

    @com.fasterxml.jackson.annotation.JsonValue
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Correction parse(String s) {
        for (Correction c : values()) {
            if (c.id().equalsIgnoreCase(s.strip())) {
                return c;
            }
        }
        throw new IllegalArgumentException("unknown correction '" + s + "' (known: bh, holm, none)");
    }

    /** The corrected p-values, in the order given; each at most 1 and never below its raw value. */
    public double[] adjust(double[] p) {
        int m = p.length;
        double[] out = new double[m];
        Integer[] order = IntStream.range(0, m).boxed().sorted(Comparator.comparingDouble(i -> p[i]))
                .toArray(Integer[]::new);
        switch (this) {
            case NONE -> {
                return Arrays.copyOf(p, m);
            }
            case BH -> {
                // step-up: q_(i) = min over j >= i of m p_(j) / j
                double running = 1.0;
                for (int k = m - 1; k >= 0; k--) {
                    int i = order[k];
                    running = Math.min(running, p[i] * m / (k + 1));
                    out[i] = running;
                }
            }
            case HOLM -> {
                // step-down: q_(i) = max over j <= i of (m - j + 1) p_(j)
                double running = 0.0;
                for (int k = 0; k < m; k++) {
                    int i = order[k];
                    running = Math.max(running, Math.min(1.0, p[i] * (m - k)));
                    out[i] = running;
                }
            }
        }
        return out;
    }
}
