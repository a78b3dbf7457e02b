package org.dlbench.core.workload;

import java.util.Arrays;

/**
 * A validated model input: its name (nodes read it by name), sample shape, element type and, for ids, the vocabulary
 * of each row of the sample and the share of ids that carry the class. Stage index {@code -1 - k} stands for input
 * {@code k} ({@link Workload#inputIndex}).
 *
 * @param vocabulary one entry per row ({@code shape[0]} entries for a 2-D shape, else one); empty for float32
 */
public record ModelInput(String name, int[] shape, Type type, int[] vocabulary, double signal) {

    /** Element types a model input may have. */
    public enum Type {
        FLOAT32("float32"), INT64("int64"), INT32("int32");

        private final String json;

        Type(String json) {
            this.json = json;
        }

        /** The name the workload format uses. */
        public String json() {
            return json;
        }

        /** True for the id types. */
        public boolean ids() {
            return this != FLOAT32;
        }
    }

    /** Values per sample. */
    public int size() {
        return Arrays.stream(shape).reduce(1, (a, b) -> a * b);
    }

    /** The vocabulary of row {@code row} of the sample. */
    public int vocabulary(int row) {
        return vocabulary.length == 1 ? vocabulary[0] : vocabulary[row];
    }

    /** Rows of the sample with their own vocabulary (shape[0] for a 2-D id input, else 1). */
    public int rows() {
        return shape.length == 2 ? shape[0] : 1;
    }

    @Override
    public String toString() {
        return name + Arrays.toString(shape) + " " + type.json() + (type.ids() ? " vocabulary "
                + (vocabulary.length == 1 ? String.valueOf(vocabulary[0]) : Arrays.toString(vocabulary)) : "");
    }
}
