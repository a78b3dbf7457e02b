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

    /**
     * A layer's activation applied to its output element {@code index} (flat, in the output tensor) with input
     * {@code z}. Every layer with an activation goes through here, so the reference can see how close each input
     * lies to a kink ({@link Activation#kinkDistance}).
     */
    default double activate(Activation activation, int index, double z) {
        return activation.apply(z);
    }

    /**
     * The activation's derivative at output element {@code index}, from its output {@code y}; the backward pass's
     * counterpart of {@link #activate}, through which the reference can take a near-kink unit on its other side.
     */
    default double activationDerivative(Activation activation, int index, double y) {
        return activation.derivativeFromOutput(y);
    }
}
