package org.dlbench.djl.block;

import org.dlbench.core.testkit.AdapterConformanceTest;

class PyTorchConformanceTest extends AdapterConformanceTest {
    @Override
    protected String engine() {
        return "PyTorch";
    }
}
