package org.dlbench.core.workload;

/**
 * How a workload trains: every engine uses plain SGD with this learning rate on softmax cross-entropy,
 * so training steps do the same work everywhere.
 */
public record Training(String optimizer, Double learningRate, String loss) {
    public Training {
        optimizer = optimizer == null ? "sgd" : optimizer;
        learningRate = learningRate == null ? 0.05 : learningRate;
        loss = loss == null ? "softmax_cross_entropy" : loss;
    }

    public static Training defaults() {
        return new Training(null, null, null);
    }
}
