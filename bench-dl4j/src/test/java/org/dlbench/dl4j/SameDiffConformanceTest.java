package org.dlbench.dl4j;

import org.dlbench.core.testkit.AdapterConformanceTest;

/** The shared acceptance test for the SameDiff adapter. */
class SameDiffConformanceTest extends AdapterConformanceTest {
    @Override
    protected String engine() {
        return "DL4J-SameDiff";
    }
}
