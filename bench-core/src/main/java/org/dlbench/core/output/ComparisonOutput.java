package org.dlbench.core.output;

import org.dlbench.core.compare.Comparison;

/** A way to write the comparison of two runs ({@code compare --format NAME}); see {@link ComparisonOutputs}. */
public interface ComparisonOutput extends OutputFormat<Comparison> {
}
