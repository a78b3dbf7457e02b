/**
 * Self-contained HTML reports (charts drawn with JFreeChart, embedded as PNG data URIs) for a run, a comparison,
 * and the history of a results directory (index.md and history.html).
 */
package org.dlbench.core.report;
