package org.dlbench.core.reference;

/**
 * How close an engine's outputs must be to the reference: |engine - reference| <= absolute + relative * |reference|
 * for every element. Float32 engines with other summation orders land around 1e-6 on the built-in workloads; the
 * bound leaves room for that and for fused kernels, while a wrong layout or a missing bias misses by far more.
 */
public record Tolerance(double absolute, double relative) {
    public static final Tolerance DEFAULT = new Tolerance(1e-4, 1e-3);

    /** The comparison's outcome: the largest absolute error and whether every element was within bounds. */
    public record Outcome(boolean passed, double maxAbsError, int worstIndex, String detail) {
    }

    public Outcome compare(float[] actual, float[] reference) {
        if (actual == null || actual.length != reference.length) {
            return new Outcome(false, Double.NaN, -1, "engine gave " + (actual == null ? "no output" : actual.length
                    + " values") + ", reference has " + reference.length);
        }
        double worst = 0;
        int worstIndex = 0;
        boolean ok = true;
        for (int i = 0; i < actual.length; i++) {
            double err = Math.abs((double) actual[i] - reference[i]);
            if (!(err <= absolute + relative * Math.abs(reference[i]))) {
                ok = false;
            }
            if (!(err <= worst)) {
                worst = err;
                worstIndex = i;
            }
        }
        String detail = String.format("max abs error %.3g at %d (tolerance %.0e + %.0e*|ref|)",
                worst, worstIndex, absolute, relative);
        return new Outcome(ok, worst, worstIndex, detail);
    }
}
