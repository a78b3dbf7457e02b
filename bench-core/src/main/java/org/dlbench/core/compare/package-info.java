/**
 * Comparing two runs: the statistics (each cell tested on the machine's noise floor from repeated runs, or on its
 * JMH fork means, never on one fork's iterations; Fieller's interval for the ratio of means; the minimum detectable
 * effect), the correction for comparing many cells at once ({@link org.dlbench.core.compare.Correction}), the noise
 * floor itself ({@link org.dlbench.core.compare.NoiseFloor}), the rules for what counts as alike (machine, profile,
 * thread settings; only results {@code valid} on both sides), and the table, Markdown and JSON renderings.
 * Default: threshold 5%, significance level 0.05, Benjamini-Hochberg.
 */
package org.dlbench.core.compare;
