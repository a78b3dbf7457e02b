package org.dlbench.core.result;

/** One correctness check made outside the timed region, with what it measured. */
public record Check(String name, boolean passed, String detail) {
}
