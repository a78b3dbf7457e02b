package org.dlbench.paddle;

import org.dlbench.core.testkit.AdapterConformanceTest;

/** The shared adapter acceptance test, for an inference-only engine. */
class PaddleConformanceTest extends AdapterConformanceTest {
    @Override
    protected String engine() {
        return PaddleAdapter.NAME;
    }

    @Override
    protected boolean trains() {
        return false;
    }
}
