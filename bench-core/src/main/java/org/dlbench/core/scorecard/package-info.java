/**
 * The scorecard: one page that judges each engine of one or several runs (merged when made on the same machine and
 * profile) on measured coverage, correctness, capability (throughput relative to the fastest engine, with a
 * delta-method confidence interval), latency, time to first result, memory, efficiency and scale, with weights from
 * a documented JSON file ({@link org.dlbench.core.scorecard.ScoreWeights}). Only valid cells count. It is printed by
 * {@code dlbench scorecard} and heads every run's results.md and report.html.
 */
package org.dlbench.core.scorecard;
