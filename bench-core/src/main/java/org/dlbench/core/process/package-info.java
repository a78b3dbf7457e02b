/** Process-level helpers every dlbench JVM uses: the parent watch that stops orphans, and the memory probe. */
package org.dlbench.core.process;
