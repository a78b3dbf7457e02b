package org.dlbench.core.data;

import java.util.List;

/**
 * A batch of samples: one {@link Feed} per model input, in the workload's input order, and class labels [size].
 * Most workloads have one float input; {@link #features()}, {@link #sampleShape()} and {@link #shape()} read it, and
 * throw for a workload with several or integer inputs (whose engines read {@link #inputs()}).
 */
public record Batch(List<Feed> inputs, int[] labels, int size, int classes) {

    public Batch {
        inputs = List.copyOf(inputs);
    }

    /** A batch of one float input. */
    public Batch(float[] features, int[] labels, int size, int[] sampleShape, int classes) {
        this(List.of(new Feed.Floats(features, sampleShape)), labels, size, classes);
    }

    /** The only model input, when it is float32. */
    private Feed.Floats single() {
        if (inputs.size() != 1 || !(inputs.get(0) instanceof Feed.Floats f)) {
            throw new IllegalStateException("this batch has " + inputs.size() + " input(s)"
                    + (inputs.get(0) instanceof Feed.Ids ? " of ids" : "") + "; read inputs() instead");
        }
        return f;
    }

    /** The values of the only (float) input, row-major [size, sample shape...]. */
    public float[] features() {
        return single().values();
    }

    /** The sample shape of the only (float) input. */
    public int[] sampleShape() {
        return single().sampleShape();
    }

    /** True when the batch has one float input (features() and shape() work). */
    public boolean singleFloat() {
        return inputs.size() == 1 && inputs.get(0) instanceof Feed.Floats;
    }

    /** Labels as one-hot rows [size, classes], for engines whose loss takes them that way. */
    public float[] oneHot() {
        float[] out = new float[size * classes];
        for (int i = 0; i < size; i++) {
            out[i * classes + labels[i]] = 1f;
        }
        return out;
    }

    /** Shape of the only (float) input with the batch dimension first. */
    public long[] shape() {
        return single().shape(size);
    }

    /** Shape of input {@code k} with the batch dimension first. */
    public long[] shape(int k) {
        return inputs.get(k).shape(size);
    }
}
