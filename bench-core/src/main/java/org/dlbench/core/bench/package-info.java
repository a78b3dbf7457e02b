/**
 * The JMH benchmarks (one for inference, one for training, each parameterised by engine, workload, batch, threads
 * and device) and everything the benchmark process does around the timed region, on the very session it times:
 * model building and data generation in {@code @Setup}, the correctness checks before and after timing, a warm-up
 * that waits for steady state, a bare timed loop before and after JMH's iterations, the process's busy cores during
 * the measured iterations and the latency phase. What it saw goes to the runner as a {@link
 * org.dlbench.core.bench.ForkReport}.
 */
package org.dlbench.core.bench;
