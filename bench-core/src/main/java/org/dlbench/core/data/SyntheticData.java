package org.dlbench.core.data;

import java.util.Random;
import org.dlbench.core.workload.Workload;

/**
 * A seeded, learnable data set: features are standard normal, labels come from a fixed random linear "teacher"
 * (label = argmax of x T). The classes are balanced by symmetry and a network can learn the rule, so falling loss
 * and above-chance accuracy show that training really trains.
 */
public final class SyntheticData {
    public static final long DEFAULT_SEED = 7L;

    private final Workload workload;
    private final long seed;
    private final float[] teacher; // [inputSize, classes]

    public SyntheticData(Workload workload, long seed) {
        this.workload = workload;
        this.seed = seed;
        int n = workload.inputSize();
        int k = workload.classes();
        Random random = new Random(seed ^ 0x5DEECE66DL);
        teacher = new float[n * k];
        double scale = 1.0 / Math.sqrt(n);
        for (int i = 0; i < teacher.length; i++) {
            teacher[i] = (float) (random.nextGaussian() * scale);
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
            for (int i = 0; i < n; i++) {
                x[s * n + i] = (float) random.nextGaussian();
            }
            labels[s] = teacherLabel(x, s * n);
        }
        return new Batch(x, labels, size, workload.inputShape(), k);
    }

    private int teacherLabel(float[] x, int offset) {
        int n = workload.inputSize();
        int k = workload.classes();
        double[] logits = new double[k];
        for (int i = 0; i < n; i++) {
            float xi = x[offset + i];
            for (int c = 0; c < k; c++) {
                logits[c] += xi * teacher[i * k + c];
            }
        }
        int best = 0;
        for (int c = 1; c < k; c++) {
            if (logits[c] > logits[best]) {
                best = c;
            }
        }
        return best;
    }
}
