/**
 * The {@code DL4J-Spark} engine: data-parallel training of the shared workloads with Deeplearning4j 1.0.0-M2's
 * {@code SparkComputationGraph} and parameter averaging, on Spark {@code local[N]} (loopback only) or a cluster.
 * One benchmark step is one averaging round; {@link org.dlbench.spark.SparkTrainMain} runs whole epochs under
 * {@code spark-submit}.
 */
package org.dlbench.spark;
