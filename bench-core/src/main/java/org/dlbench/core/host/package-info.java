/**
 * Facts about the machine and the harness build (CPU, cores, topology, commit), read once per run, and the run's
 * engine-free drift reference ({@link org.dlbench.core.host.DriftProbe}).
 */
package org.dlbench.core.host;
