package org.dlbench.djl.tf;

import org.dlbench.core.testkit.AdapterConformanceTest;

/** The shared acceptance test: forward pass matches the reference; training is refused with a reason. */
class TensorFlowConformanceTest extends AdapterConformanceTest {
    @Override
    protected String engine() {
        return TensorFlowAdapter.NAME;
    }

    @Override
    protected boolean trains() {
        return false;
    }
}
