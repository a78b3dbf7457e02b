/**
 * Run orchestration. The parent ({@link org.dlbench.core.run.Orchestrator}) plans cells and starts one child JVM per
 * cell with the engine module's classpath and the cell's thread environment; the child ({@link
 * org.dlbench.core.run.CellMain}) checks correctness, runs JMH and writes one result. A crash, hang or error in a
 * child costs only that cell.
 */
package org.dlbench.core.run;
