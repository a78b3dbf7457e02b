package org.dlbench.core.workload;

import java.util.Arrays;
import org.dlbench.core.workload.layer.Param;

/**
 * One tensor of a workload: its canonical name {@code <node>.<role>} (e.g. {@code layer0.weight},
 * {@code stage1.0.bn1.running_mean}), its role within its layer, shape in canonical layout, how its initial values are
 * drawn, and whether SGD trains it.
 */
public record ParamSpec(String name, String role, int[] shape, Param.Init init, boolean trainable) {
    public int size() {
        return Arrays.stream(shape).reduce(1, (a, b) -> a * b);
    }

    @Override
    public String toString() {
        return name + Arrays.toString(shape);
    }
}
