/** The {@code dlbench} command line (picocli): run, list, report, compare, history. Bad input exits 2 with one clear line. */
package org.dlbench.core.cli;
