package org.dlbench.dl4j;

import org.dlbench.core.workload.Workload;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Java arrays to and from ND4J arrays, the round trip every timed call makes. */
final class Arrays4j {
    private Arrays4j() {
    }

    /** Features [batch, sample shape...] as a fresh 'c'-order array (a copy, so the caller's array stays theirs). */
    static INDArray features(Workload w, float[] features) {
        return Nd4j.create(features, shape(w, features.length), 'c');
    }

    /** The shape [batch, sample shape...] of {@code length} feature values. */
    static long[] shape(Workload w, int length) {
        int[] sample = w.inputShape();
        int size = w.inputSize();
        if (length == 0 || length % size != 0) {
            throw new IllegalArgumentException("expected a multiple of " + size + " features, got " + length);
        }
        long[] shape = new long[sample.length + 1];
        shape[0] = length / size;
        for (int i = 0; i < sample.length; i++) {
            shape[i + 1] = sample[i];
        }
        return shape;
    }

    /**
     * One off-heap array reused by every call of a session, refilled in place. Creating a fresh array per call makes
     * ND4J allocate off-heap memory that only a garbage collection frees, so every call touches new pages (measured:
     * about 25 page faults per mlp inference call at batch 32) and the time depends on when the JVM collects.
     */
    static final class Reused {
        private INDArray array;

        /** The values in an array of this shape, the same array as last time when the shape is unchanged. */
        INDArray fill(float[] values, long[] shape) {
            if (array == null || !java.util.Arrays.equals(array.shape(), shape)) {
                array = Nd4j.create(values, shape, 'c');
            } else {
                array.data().setData(values);
            }
            return array;
        }

        /** Features [batch, sample shape...] as {@link #features} shapes them. */
        INDArray features(Workload w, float[] features) {
            return fill(features, shape(w, features.length));
        }
    }

    static INDArray oneHot(float[] oneHot, int batch, int classes) {
        return Nd4j.create(oneHot, new long[] {batch, classes}, 'c');
    }

    /**
     * Row-major values of an array. The result is a fresh Java array, so nothing refers to workspace memory that
     * DL4J may reuse on the next call.
     */
    static float[] toFloats(INDArray a) {
        // dup('c') gives a dense, zero-offset buffer in row-major order whatever the source's order or view state
        float[] values = a.dup('c').data().asFloat();
        if (values.length != a.length()) {
            throw new IllegalStateException("ND4J buffer of " + values.length + " values for an array of " + a.length());
        }
        return values;
    }
}
