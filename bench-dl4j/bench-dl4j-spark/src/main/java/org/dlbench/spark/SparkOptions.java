package org.dlbench.spark;

import java.time.Duration;
import java.util.Locale;
import java.util.function.Function;

/**
 * How a DL4J-Spark session trains: where (master URL), with how many workers, how many minibatches each worker
 * trains between parameter averagings, how large one synthetic epoch is, and how long one Spark job may take.
 * Each value is a system property ({@code -Ddlbench.spark.master=...}) or else an environment variable
 * ({@code DLBENCH_SPARK_MASTER}); the harness's threads column is the number of workers.
 *
 * @param master Spark master URL; {@code local[workers]} unless set
 * @param workers data-parallel workers: Spark task slots, each training its own copy of the network
 * @param averagingFrequency minibatches each worker trains between two parameter averagings
 * @param epochSamples samples of the synthetic epoch, rounded to whole averaging rounds
 * @param jobTimeout longest one Spark job (context start, data caching, one averaging round) may take
 */
public record SparkOptions(String master, int workers, int averagingFrequency, int epochSamples, Duration jobTimeout) {
    public static final String MASTER = "dlbench.spark.master";
    public static final String AVERAGING_FREQUENCY = "dlbench.spark.averagingFrequency";
    public static final String EPOCH_SAMPLES = "dlbench.spark.epochSamples";
    public static final String JOB_TIMEOUT = "dlbench.spark.jobTimeoutSeconds";

    public static final int DEFAULT_AVERAGING_FREQUENCY = 5;
    public static final int DEFAULT_EPOCH_SAMPLES = 4096;
    public static final int DEFAULT_JOB_TIMEOUT_SECONDS = 120;

    public SparkOptions {
        if (master == null || master.isBlank()) {
            throw new IllegalArgumentException("Spark master URL must not be empty");
        }
        if (workers <= 0 || averagingFrequency <= 0 || epochSamples <= 0) {
            throw new IllegalArgumentException("workers, averaging frequency and epoch samples must be positive, got "
                    + workers + ", " + averagingFrequency + ", " + epochSamples);
        }
        if (jobTimeout.isNegative() || jobTimeout.isZero()) {
            throw new IllegalArgumentException("Spark job time limit must be positive, got " + jobTimeout);
        }
    }

    /** The options for {@code workers} workers, from system properties, else the environment, else defaults. */
    public static SparkOptions configured(int workers) {
        return configured(workers, SparkOptions::lookup);
    }

    static SparkOptions configured(int workers, Function<String, String> lookup) {
        String master = lookup.apply(MASTER);
        return new SparkOptions(master == null || master.isBlank() ? "local[" + workers + "]" : master.strip(),
                workers,
                positive(lookup, AVERAGING_FREQUENCY, DEFAULT_AVERAGING_FREQUENCY),
                positive(lookup, EPOCH_SAMPLES, DEFAULT_EPOCH_SAMPLES),
                Duration.ofSeconds(positive(lookup, JOB_TIMEOUT, DEFAULT_JOB_TIMEOUT_SECONDS)));
    }

    public SparkOptions withMaster(String m) {
        return new SparkOptions(m, workers, averagingFrequency, epochSamples, jobTimeout);
    }

    public SparkOptions withJobTimeout(Duration t) {
        return new SparkOptions(master, workers, averagingFrequency, epochSamples, t);
    }

    /** In-process Spark (the driver JVM is the only executor), which is then bound to loopback. */
    public boolean isLocal() {
        return master.equals("local") || master.startsWith("local[");
    }

    /** Samples one averaging round trains: every worker, {@code averagingFrequency} minibatches of {@code batch}. */
    public int samplesPerRound(int batch) {
        return workers * averagingFrequency * batch;
    }

    /** Whole averaging rounds in one epoch: at least one. */
    public int roundsPerEpoch(int batch) {
        return Math.max(1, Math.round((float) epochSamples / samplesPerRound(batch)));
    }

    /** The environment variable behind a property: dlbench.spark.epochSamples -> DLBENCH_SPARK_EPOCH_SAMPLES. */
    static String envName(String property) {
        return property.replaceAll("([a-z])([A-Z])", "$1_$2").replace('.', '_').toUpperCase(Locale.ROOT)
                .replace("_SECONDS", "");
    }

    /** A setting as given: the system property, else its environment variable, else null. */
    static String setting(String property) {
        return lookup(property);
    }

    private static String lookup(String property) {
        String v = System.getProperty(property);
        return v != null ? v : System.getenv(envName(property));
    }

    private static int positive(Function<String, String> lookup, String property, int fallback) {
        String v = lookup.apply(property);
        if (v == null || v.isBlank()) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(v.strip());
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(property + " (" + envName(property) + ") must be a positive integer, got '"
                + v + "'");
    }
}
