/**
 * The JMH benchmarks: one for inference, one for training, each parameterised by engine, workload, batch, threads
 * and device. Model building, weight loading and data generation happen in {@code @Setup}, outside the timed region.
 */
package org.dlbench.core.bench;
