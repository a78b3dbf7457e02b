package org.dlbench.spark;

/** A Spark job of a DL4J-Spark session failed or ran past its time limit; the message says which and why. */
public class SparkJobException extends RuntimeException {
    public SparkJobException(String message) {
        super(message);
    }

    public SparkJobException(String message, Throwable cause) {
        super(message, cause);
    }
}
