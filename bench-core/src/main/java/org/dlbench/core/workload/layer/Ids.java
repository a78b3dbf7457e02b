package org.dlbench.core.workload.layer;

/** Ids travel through the reference maths as doubles (exact below 2^53); this reads one back and checks its range. */
final class Ids {
    private Ids() {
    }

    static int id(double value, int vocabulary) {
        int id = (int) value;
        if (id != value || id < 0 || id >= vocabulary) {
            throw new IllegalArgumentException("id " + value + " is outside the vocabulary [0, " + vocabulary + ")");
        }
        return id;
    }
}
