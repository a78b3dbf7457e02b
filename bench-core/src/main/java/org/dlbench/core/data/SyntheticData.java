package org.dlbench.core.data;

import java.util.Random;
import org.dlbench.core.workload.Workload;

/**
 * A seeded, learnable data set: each class has a fixed random prototype, and a sample is its class's prototype
 * scaled by {@link #SIGNAL} plus standard normal noise, with classes drawn uniformly. For image inputs the
 * prototypes are smooth (constant over {@link #BLOCK}x{@link #BLOCK} pixel blocks), so that convolutions and
 * pooling see spatial structure; an earlier linear teacher over independent pixels gave a CNN nothing to learn.
 * Falling loss and above-chance accuracy on it show that training really trains.
 */
public final class SyntheticData {
    public static final long DEFAULT_SEED = 7L;
    /** Prototype amplitude against unit noise: hard enough per pixel, easy across the whole sample. */
    static final double SIGNAL = 0.2;
    static final int BLOCK = 4;

    private final Workload workload;
    private final long seed;
    private final float[] prototypes; // [classes, inputSize]

    public SyntheticData(Workload workload, long seed) {
        this.workload = workload;
        this.seed = seed;
        int n = workload.inputSize();
        int k = workload.classes();
        int[] shape = workload.inputShape();
        Random random = new Random(seed ^ 0x5DEECE66DL);
        prototypes = new float[k * n];
        for (int c = 0; c < k; c++) {
            if (shape.length == 3) {
                int ch = shape[0];
                int h = shape[1];
                int w = shape[2];
                int bh = (h + BLOCK - 1) / BLOCK;
                int bw = (w + BLOCK - 1) / BLOCK;
                double[] coarse = new double[ch * bh * bw];
                for (int i = 0; i < coarse.length; i++) {
                    coarse[i] = random.nextGaussian();
                }
                for (int z = 0; z < ch; z++) {
                    for (int y = 0; y < h; y++) {
                        for (int x = 0; x < w; x++) {
                            prototypes[c * n + (z * h + y) * w + x] =
                                    (float) coarse[(z * bh + y / BLOCK) * bw + x / BLOCK];
                        }
                    }
                }
            } else {
                for (int i = 0; i < n; i++) {
                    prototypes[c * n + i] = (float) random.nextGaussian();
                }
            }
        }
    }

    public SyntheticData(Workload workload) {
        this(workload, DEFAULT_SEED);
    }

    /** Batch number {@code index} of the given size; the same arguments always give the same batch. */
    public Batch batch(long index, int size) {
        int n = workload.inputSize();
        int k = workload.classes();
        Random random = new Random(seed * 1_000_003L + index * 7919L + size);
        float[] x = new float[size * n];
        int[] labels = new int[size];
        for (int s = 0; s < size; s++) {
            int label = random.nextInt(k);
            labels[s] = label;
            for (int i = 0; i < n; i++) {
                x[s * n + i] = (float) (SIGNAL * prototypes[label * n + i] + random.nextGaussian());
            }
        }
        return new Batch(x, labels, size, workload.inputShape(), k);
    }
}
