package org.dlbench.core.workload.layer;

import java.util.Arrays;
import java.util.Random;

/**
 * One tensor a layer owns, by role ({@code weight}, {@code bias}, {@code gamma}, {@code beta},
 * {@code running_mean}, {@code running_var}), in dlbench's canonical layout (the layer's javadoc says which).
 *
 * @param trainable false for state an engine updates outside SGD (batchnorm running statistics)
 */
public record Param(String role, int[] shape, Init init, boolean trainable) {

    /** How the seeded initial values are drawn; every draw is uniform so no engine's initialiser matters. */
    public enum Init {
        /** He-uniform: bound sqrt(6 / fan_in), fan_in = size / shape[0] (dense and conv weights). */
        HE_UNIFORM,
        /** Uniform in [-0.05, 0.05] (biases, batchnorm beta). */
        SMALL,
        /** Uniform in [0.75, 1.25] (batchnorm gamma): near one but not one, so a missed scale shows. */
        NEAR_ONE,
        /** Uniform in [-0.1, 0.1] (batchnorm running mean). */
        NEAR_ZERO,
        /** Uniform in [0.5, 1.5] (batchnorm running variance: positive). */
        POSITIVE,
        /** Uniform in [-sqrt(3 / dim), sqrt(3 / dim)], dim = the last dimension: embedding rows of unit norm on average. */
        EMBEDDING;

        /** Draws {@code size} values from {@code random}, in order. */
        public float[] draw(int[] shape, Random random) {
            int size = Tensor.size(shape);
            double[] range = switch (this) {
                case HE_UNIFORM -> {
                    double bound = Math.sqrt(6.0 / (size / shape[0]));
                    yield new double[] {-bound, bound};
                }
                case SMALL -> new double[] {-0.05, 0.05};
                case NEAR_ONE -> new double[] {0.75, 1.25};
                case NEAR_ZERO -> new double[] {-0.1, 0.1};
                case POSITIVE -> new double[] {0.5, 1.5};
                case EMBEDDING -> {
                    double bound = Math.sqrt(3.0 / shape[shape.length - 1]);
                    yield new double[] {-bound, bound};
                }
            };
            double low = range[0];
            double high = range[1];
            float[] out = new float[size];
            for (int i = 0; i < size; i++) {
                // the same draw as before roles existed: (u * 2 - 1) * bound for the symmetric ranges
                double u = random.nextDouble();
                out[i] = (float) (low == -high ? (u * 2 - 1) * high : low + u * (high - low));
            }
            return out;
        }
    }

    /** A trainable tensor. */
    public static Param trainable(String role, int[] shape, Init init) {
        return new Param(role, shape, init, true);
    }

    /** State that SGD does not touch. */
    public static Param state(String role, int[] shape, Init init) {
        return new Param(role, shape, init, false);
    }

    @Override
    public String toString() {
        return role + Arrays.toString(shape);
    }
}
