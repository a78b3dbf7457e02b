package org.dlbench.core.workload;

import java.util.List;
import org.dlbench.core.workload.layer.Layer;
import org.dlbench.core.workload.layer.Shapes;

/**
 * A node placed in its workload, in topological order: its index, name, layer, the stages it reads ({@link #inputs},
 * -1 for the model input), input and output sample shapes, parameters and FLOPs per sample. FLOPs count a
 * multiply-add as two operations and include bias, activation and pooling element operations.
 */
public record Stage(int index, String name, Layer layer, List<Integer> inputs, List<int[]> ins, int[] out,
                    List<ParamSpec> params, long forwardFlops, long backwardFlops) {

    /** The first input's sample shape (the only one except for joins such as {@code add}). */
    public int[] in() {
        return ins.get(0);
    }

    /** The shapes as the layer's maths sees them. */
    public Shapes shapes() {
        return new Shapes(ins, out);
    }

    /** The stage's tensor of a role; an {@link IllegalArgumentException} when the layer has none of that role. */
    public ParamSpec param(String role) {
        for (ParamSpec p : params) {
            if (p.role().equals(role)) {
                return p;
            }
        }
        throw new IllegalArgumentException(name + " (" + layer.type() + ") has no '" + role + "' tensor");
    }

    public long paramCount() {
        return params.stream().filter(ParamSpec::trainable).mapToLong(ParamSpec::size).sum();
    }

    /** Parameter names are {@code <node>.<role>} in every engine. */
    static String paramName(String node, String role) {
        return node + "." + role;
    }
}
