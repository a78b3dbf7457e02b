package org.dlbench.djl.block;

import org.dlbench.core.testkit.AdapterConformanceTest;

class MxNetConformanceTest extends AdapterConformanceTest {
    @Override
    protected String engine() {
        return "MXNet";
    }
}
