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
        int[] sample = w.inputShape();
        int size = w.inputSize();
        if (features.length == 0 || features.length % size != 0) {
            throw new IllegalArgumentException("expected a multiple of " + size + " features, got " + features.length);
        }
        long[] shape = new long[sample.length + 1];
        shape[0] = features.length / size;
        for (int i = 0; i < sample.length; i++) {
            shape[i + 1] = sample[i];
        }
        return Nd4j.create(features, shape, 'c');
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
