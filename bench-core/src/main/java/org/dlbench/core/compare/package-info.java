/**
 * Comparing two runs: the statistics (Welch's t-test on per-iteration throughput, Fieller's interval for the ratio
 * of means), the rules for what counts as alike (machine, profile, thread settings; only results {@code valid}
 * on both sides), and the table, Markdown and JSON renderings. Default: threshold 5%, significance level 0.05.
 */
package org.dlbench.core.compare;
