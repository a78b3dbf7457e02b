/**
 * Correctness checks of an engine session against bench-core's reference maths: the forward check, the training
 * step check and the training check. Engine-facing: the benchmark process runs them on the timed session, the
 * checking JVM and the tests on theirs; nothing here depends on the run orchestration.
 */
package org.dlbench.core.check;
