/**
 * Every file dlbench writes, behind one writer interface with a registry, in the spirit of JMH's
 * {@code ResultFormatType}: {@link org.dlbench.core.output.RunFormat} renders a whole run
 * ({@code results.json}, {@code results.md}, {@code report.html}, {@code results.csv}, {@code jmh-result.json}, the
 * github-action-benchmark files) and {@link org.dlbench.core.output.ComparisonOutput} a comparison of two runs
 * (table, Markdown, JSON, HTML). {@link org.dlbench.core.output.RunFormats} and
 * {@link org.dlbench.core.output.ComparisonOutputs} list them; {@code run}, {@code report} and {@code compare} find
 * their formats there by name. A new format is one class: add it to the built-in list of its registry, or name it
 * in {@code META-INF/services/org.dlbench.core.output.RunFormat} (or {@code ...ComparisonOutput}) of a jar on the
 * class path.
 */
package org.dlbench.core.output;
