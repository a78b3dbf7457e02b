package org.dlbench.core.data;

/**
 * The values of one model input for a whole batch, row-major {@code [size, sample shape...]}: floats, or integer ids
 * (embedding lookups). Ids are kept as {@code int} (every vocabulary fits); engines widen them to int64 or, for DL4J,
 * convert them to float32 when they fill their input tensors.
 */
public sealed interface Feed permits Feed.Floats, Feed.Ids {

    /** The sample shape, without the batch dimension. */
    int[] sampleShape();

    /** How many values the feed holds. */
    int length();

    /** The shape with the batch dimension first. */
    default long[] shape(int size) {
        int[] s = sampleShape();
        long[] out = new long[s.length + 1];
        out[0] = size;
        for (int i = 0; i < s.length; i++) {
            out[i + 1] = s[i];
        }
        return out;
    }

    /** A float input. */
    record Floats(float[] values, int[] sampleShape) implements Feed {
        @Override
        public int length() {
            return values.length;
        }
    }

    /** An integer input: token or sparse-feature ids. */
    record Ids(int[] values, int[] sampleShape) implements Feed {
        @Override
        public int length() {
            return values.length;
        }

        /** The ids as float32 (exact below 2^24), for engines that take ids in the network's float type. */
        public float[] asFloats() {
            float[] out = new float[values.length];
            for (int i = 0; i < out.length; i++) {
                out[i] = values[i];
            }
            return out;
        }

        /** The ids widened to int64. */
        public long[] asLongs() {
            long[] out = new long[values.length];
            for (int i = 0; i < out.length; i++) {
                out[i] = values[i];
            }
            return out;
        }
    }
}
