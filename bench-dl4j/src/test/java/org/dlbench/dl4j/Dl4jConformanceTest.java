package org.dlbench.dl4j;

import org.dlbench.core.testkit.AdapterConformanceTest;

/** The shared acceptance test for the MultiLayerNetwork adapter. */
class Dl4jConformanceTest extends AdapterConformanceTest {
    @Override
    protected String engine() {
        return "DL4J";
    }
}
