package org.dlbench.core.data;

/**
 * A batch of samples in row-major order: features [size, sample shape...] and class labels [size].
 */
public record Batch(float[] features, int[] labels, int size, int[] sampleShape, int classes) {

    /** Labels as one-hot rows [size, classes], for engines whose loss takes them that way. */
    public float[] oneHot() {
        float[] out = new float[size * classes];
        for (int i = 0; i < size; i++) {
            out[i * classes + labels[i]] = 1f;
        }
        return out;
    }

    /** Shape with the batch dimension first. */
    public long[] shape() {
        long[] s = new long[sampleShape.length + 1];
        s[0] = size;
        for (int i = 0; i < sampleShape.length; i++) {
            s[i + 1] = sampleShape[i];
        }
        return s;
    }
}
