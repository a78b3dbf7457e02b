package org.dlbench.core.workload;

import java.util.List;

/**
 * A layer placed in its workload: its index, input and output sample shapes, parameters and FLOPs per sample.
 * FLOPs count a multiply-add as two operations and include bias, activation and pooling element operations.
 */
public record Stage(int index, Layer layer, int[] in, int[] out, List<ParamSpec> params,
                    long forwardFlops, long backwardFlops) {

    public long paramCount() {
        return params.stream().mapToLong(ParamSpec::size).sum();
    }

    /** Parameter names are {@code layer<index>.weight} and {@code layer<index>.bias} in every engine. */
    static String paramName(int index, String what) {
        return "layer" + index + "." + what;
    }
}
