package org.dlbench.core.workload;

import java.util.Arrays;

/** One trainable tensor of a workload: its canonical name and shape (dense [out, in], conv [out, in, k, k]). */
public record ParamSpec(String name, int[] shape) {
    public int size() {
        return Arrays.stream(shape).reduce(1, (a, b) -> a * b);
    }

    @Override
    public String toString() {
        return name + Arrays.toString(shape);
    }
}
