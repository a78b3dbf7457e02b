package org.dlbench.core.data;

import java.util.List;
import java.util.Random;
import org.dlbench.core.workload.ModelInput;
import org.dlbench.core.workload.Workload;

/**
 * A seeded, learnable data set: each class has a fixed random prototype, and a sample is its class's prototype
 * scaled by {@link #SIGNAL} plus standard normal noise, with classes drawn uniformly. For image inputs the
 * prototypes are smooth (constant over {@link #BLOCK}x{@link #BLOCK} pixel blocks), so that convolutions and
 * pooling see spatial structure; an earlier linear teacher over independent pixels gave a CNN nothing to learn.
 * Falling loss and above-chance accuracy on it show that training really trains.
 *
 * <p>Integer (id) inputs carry the class through <em>signal ids</em>: for each row of the sample (each table of a
 * sparse input) and each class, a seeded set of {@link #SIGNAL_IDS} ids; each id of a sample is, with the input's
 * {@code signal} probability, drawn from its class's set, else uniformly from the row's vocabulary. Several inputs
 * are drawn one after another from the same per-batch generator, so a workload with one float input keeps exactly the
 * data it had before id inputs existed.
 */
public final class SyntheticData {
    public static final long DEFAULT_SEED = 7L;
    /** Prototype amplitude against unit noise: hard enough per pixel, easy across the whole sample. */
    static final double SIGNAL = 0.2;
    static final int BLOCK = 4;
    /** Signal ids per class and row of an id input. */
    static final int SIGNAL_IDS = 4;

    private final Workload workload;
    private final long seed;
    private final float[][] prototypes; // per input: [classes, input size] (null for id inputs)
    private final int[][][][] signalIds; // per input: [row][class][SIGNAL_IDS] (null for float inputs)

    public SyntheticData(Workload workload, long seed) {
        this.workload = workload;
        this.seed = seed;
        List<ModelInput> inputs = workload.inputs();
        prototypes = new float[inputs.size()][];
        signalIds = new int[inputs.size()][][][];
        Random random = new Random(seed ^ 0x5DEECE66DL);
        for (int i = 0; i < inputs.size(); i++) {
            ModelInput in = inputs.get(i);
            if (in.type().ids()) {
                signalIds[i] = signalIds(in, workload.classes(), new Random(seed ^ (0x9E3779B97F4A7C15L * (i + 1))));
            } else {
                prototypes[i] = prototypes(in.shape(), workload.classes(), random);
            }
        }
    }

    /** Per row and class, {@link #SIGNAL_IDS} ids, distinct while the vocabulary allows. */
    private static int[][][] signalIds(ModelInput in, int classes, Random random) {
        int[][][] out = new int[in.rows()][classes][SIGNAL_IDS];
        for (int r = 0; r < in.rows(); r++) {
            int v = in.vocabulary(r);
            java.util.Set<Integer> taken = new java.util.HashSet<>();
            for (int c = 0; c < classes; c++) {
                for (int j = 0; j < SIGNAL_IDS; j++) {
                    int id;
                    if ((long) classes * SIGNAL_IDS <= v) {
                        do {
                            id = random.nextInt(v);
                        } while (!taken.add(id));
                    } else {
                        id = (c * SIGNAL_IDS + j) % v; // too small a vocabulary: sets overlap, the data is harder
                    }
                    out[r][c][j] = id;
                }
            }
        }
        return out;
    }

    private static float[] prototypes(int[] shape, int k, Random random) {
        int n = java.util.Arrays.stream(shape).reduce(1, (a, b) -> a * b);
        float[] prototypes = new float[k * n];
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
        return prototypes;
    }

    public SyntheticData(Workload workload) {
        this(workload, DEFAULT_SEED);
    }

    /** Batch number {@code index} of the given size; the same arguments always give the same batch. */
    public Batch batch(long index, int size) {
        int k = workload.classes();
        List<ModelInput> inputs = workload.inputs();
        Random random = new Random(seed * 1_000_003L + index * 7919L + size);
        float[][] floats = new float[inputs.size()][];
        int[][] ids = new int[inputs.size()][];
        for (int i = 0; i < inputs.size(); i++) {
            if (inputs.get(i).type().ids()) {
                ids[i] = new int[size * inputs.get(i).size()];
            } else {
                floats[i] = new float[size * inputs.get(i).size()];
            }
        }
        int[] labels = new int[size];
        for (int s = 0; s < size; s++) {
            int label = random.nextInt(k);
            labels[s] = label;
            for (int i = 0; i < inputs.size(); i++) {
                ModelInput in = inputs.get(i);
                int n = in.size();
                if (floats[i] != null) {
                    for (int j = 0; j < n; j++) {
                        floats[i][s * n + j] = (float) (SIGNAL * prototypes[i][label * n + j] + random.nextGaussian());
                    }
                } else {
                    int perRow = n / in.rows();
                    for (int j = 0; j < n; j++) {
                        int row = j / perRow;
                        ids[i][s * n + j] = random.nextDouble() < in.signal()
                                ? signalIds[i][row][label][random.nextInt(SIGNAL_IDS)]
                                : random.nextInt(in.vocabulary(row));
                    }
                }
            }
        }
        List<Feed> feeds = new java.util.ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            feeds.add(floats[i] != null ? new Feed.Floats(floats[i], inputs.get(i).shape())
                    : new Feed.Ids(ids[i], inputs.get(i).shape()));
        }
        return new Batch(feeds, labels, size, k);
    }
}
