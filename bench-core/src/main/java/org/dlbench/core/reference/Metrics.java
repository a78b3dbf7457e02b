package org.dlbench.core.reference;

/** Loss and accuracy of logits against labels, as every engine's training check computes them. */
public final class Metrics {
    private Metrics() {
    }

    /** Mean softmax cross-entropy of logits [batch, classes]. */
    public static double crossEntropy(float[] logits, int[] labels, int classes) {
        double total = 0;
        for (int b = 0; b < labels.length; b++) {
            int off = b * classes;
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < classes; c++) {
                max = Math.max(max, logits[off + c]);
            }
            double sum = 0;
            for (int c = 0; c < classes; c++) {
                sum += Math.exp(logits[off + c] - max);
            }
            total += Math.log(sum) + max - logits[off + labels[b]];
        }
        return total / labels.length;
    }

    /** Fraction of rows whose largest logit is the label. */
    public static double accuracy(float[] logits, int[] labels, int classes) {
        int right = 0;
        for (int b = 0; b < labels.length; b++) {
            int best = 0;
            for (int c = 1; c < classes; c++) {
                if (logits[b * classes + c] > logits[b * classes + best]) {
                    best = c;
                }
            }
            right += best == labels[b] ? 1 : 0;
        }
        return (double) right / labels.length;
    }
}
