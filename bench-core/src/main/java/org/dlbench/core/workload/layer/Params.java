package org.dlbench.core.workload.layer;

/**
 * A layer's view of its own tensors during the reference maths, by role. Values are in canonical layout; the forward
 * pass of a training step may write state (batchnorm running statistics) into {@link #value}; the backward pass adds
 * into {@link #gradient}.
 */
public interface Params {
    /** The current values of the tensor of this role. */
    double[] value(String role);

    /** The gradient accumulator of this role (same length as its value); only trainable tensors have one. */
    double[] gradient(String role);

    /** True in a training step (batch statistics), false in inference. */
    boolean training();
}
