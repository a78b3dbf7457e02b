package org.dlbench.core.host;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.dlbench.core.result.DriftReference;

/**
 * Measures the run's drift reference ({@link DriftReference}): a fixed amount of engine-free work on the calling
 * thread, so that two runs can tell whether the machine itself (clock, thermal state, neighbours on a shared host)
 * ran faster or slower, apart from any change in the engines.
 *
 * <p>One operation is one {@value #N}x{@value #N} double-precision matrix multiply {@code C = A B} in plain Java
 * (i-k-j loops, {@code C} cleared first; 2 N^3 = 524,288 floating-point operations on 96 KiB of arrays, which stay
 * in the core's caches), on fixed inputs. It uses no engine, no native library and no allocation while timed, so
 * only the CPU core, its caches and the JIT's code for the loop decide its speed. An unrecorded warm-up (long
 * enough for the JIT to compile the loop fully) is followed by samples of a fixed length each; a sample's rate is
 * the operations it completed over its measured time. The work never changes under {@link #WORKLOAD}: a change to
 * it gets a new name, so references of different work are never compared.
 */
public final class DriftProbe {
    /** The name and version of the work, recorded as {@link DriftReference#workload()}. */
    public static final String WORKLOAD = "jvm-dmatmul-64-v1";
    /** The unit of the rates: 64x64 double matrix multiplies per second. */
    public static final String UNIT = "matmul/s";
    /** The matrix size. */
    public static final int N = 64;
    /** The unrecorded warm-up of a run's measurement. */
    public static final double WARMUP_SECONDS = 1.0;
    /** The length of each sample of a run's measurement. */
    public static final double SAMPLE_SECONDS = 0.4;
    /** The samples of a run's measurement. */
    public static final int SAMPLES = 5;
    /** The warm-up of each side of a cell's measurement, once this JVM has run the full warm-up. */
    public static final double CELL_WARMUP_SECONDS = 0.2;
    /** The length of each sample of a cell's measurement. */
    public static final double CELL_SAMPLE_SECONDS = 0.2;
    /** The samples on each side (before and after) of a cell's measurement. */
    public static final int CELL_SAMPLES = 3;

    /** Where each sample's checksum goes, so the JIT cannot drop the work. */
    @SuppressWarnings("unused")
    private static volatile double sink;
    /** Whether this JVM has run the probe for a full warm-up already (the JIT has compiled its loop). */
    private static volatile boolean warm;

    private DriftProbe() {
    }

    /** A run's drift reference: {@value #SAMPLES} samples of {@value #SAMPLE_SECONDS} s after a 1 s warm-up. */
    public static DriftReference measure() {
        return measure(WARMUP_SECONDS, SAMPLE_SECONDS, SAMPLES);
    }

    /**
     * One side of a cell's drift reference: {@value #CELL_SAMPLES} samples of {@value #CELL_SAMPLE_SECONDS} s after
     * a short warm-up ({@value #WARMUP_SECONDS} s the first time in this JVM). The runner measures one just before
     * and one just after each cell and joins them ({@link DriftReference#around}): about 1.6 s per cell.
     */
    public static DriftReference measureSide() {
        return measure(warm ? CELL_WARMUP_SECONDS : WARMUP_SECONDS, CELL_SAMPLE_SECONDS, CELL_SAMPLES);
    }

    /**
     * The drift reference measured on the calling thread: {@code warmupSeconds} unrecorded, then {@code samples}
     * samples of at least {@code sampleSeconds} each (and at least one operation).
     */
    public static DriftReference measure(double warmupSeconds, double sampleSeconds, int samples) {
        if (!(warmupSeconds >= 0) || !(sampleSeconds > 0) || samples < 1) {
            throw new IllegalArgumentException("drift reference needs warm-up >= 0 s, samples > 0 s and at least one"
                    + " sample, got " + warmupSeconds + " s, " + sampleSeconds + " s, " + samples);
        }
        double[] a = new double[N * N];
        double[] b = new double[N * N];
        double[] c = new double[N * N];
        for (int i = 0; i < a.length; i++) {
            a[i] = ((i * 37) % 101 - 50) / 64.0;
            b[i] = ((i * 53) % 97 - 48) / 64.0;
        }
        sample(a, b, c, warmupSeconds);
        if (warmupSeconds >= WARMUP_SECONDS) {
            warm = true;
        }
        List<Double> rates = new ArrayList<>(samples);
        double seconds = 0;
        for (int s = 0; s < samples; s++) {
            double[] got = sample(a, b, c, sampleSeconds);
            rates.add(got[0] / got[1]);
            seconds += got[1];
        }
        return DriftReference.of(WORKLOAD, UNIT, rates, seconds);
    }

    /** One line for progress output and reports: median, spread and samples, e.g. {@code 3,512 matmul/s (...)}. */
    public static String summary(DriftReference d) {
        return String.format(Locale.ROOT, "%,.0f %s (%,.0f-%,.0f, %d samples in %.1f s)", d.median(), d.unit(),
                d.min(), d.max(), d.samples(), d.seconds());
    }

    /** Runs operations for at least {@code seconds} (at least one); returns {operations, measured seconds}. */
    private static double[] sample(double[] a, double[] b, double[] c, double seconds) {
        long target = (long) (seconds * 1e9);
        long ops = 0;
        double check = 0;
        long start = System.nanoTime();
        long elapsed;
        do {
            multiply(a, b, c);
            check += c[(int) (ops % c.length)];
            ops++;
            elapsed = System.nanoTime() - start;
        } while (elapsed < target);
        sink = check;
        return new double[] {ops, Math.max(1, elapsed) / 1e9};
    }

    /** {@code c = a b} for row-major {@value #N}x{@value #N} matrices. */
    private static void multiply(double[] a, double[] b, double[] c) {
        Arrays.fill(c, 0);
        for (int i = 0; i < N; i++) {
            int row = i * N;
            for (int k = 0; k < N; k++) {
                double aik = a[row + k];
                int bRow = k * N;
                for (int j = 0; j < N; j++) {
                    c[row + j] += aik * b[bRow + j];
                }
            }
        }
    }
}
