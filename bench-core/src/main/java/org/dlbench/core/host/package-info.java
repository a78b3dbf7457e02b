/** Facts about the machine and the harness build (CPU, cores, topology, commit), read once per run. */
package org.dlbench.core.host;
