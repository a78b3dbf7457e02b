package org.dlbench.core.workload.layer;

import java.util.Arrays;

/**
 * A batch of samples in double, row-major: {@code batch} samples of {@code shape} (the sample shape, without the batch
 * dimension), sample {@code b} at {@code data[b * sampleSize() ...]}. The reference maths passes these between layers.
 */
public record Tensor(int batch, int[] shape, double[] data) {
    public Tensor {
        if (data.length != batch * size(shape)) {
            throw new IllegalArgumentException("a tensor of " + batch + " x " + Arrays.toString(shape) + " needs "
                    + batch * size(shape) + " values, got " + data.length);
        }
    }

    /** Zeros of the given batch and sample shape. */
    public static Tensor zeros(int batch, int[] shape) {
        return new Tensor(batch, shape, new double[batch * size(shape)]);
    }

    /** Values per sample. */
    public int sampleSize() {
        return size(shape);
    }

    /** The product of the dimensions. */
    public static int size(int[] shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }
}
