package org.dlbench.core.workload;

import java.util.List;
import org.dlbench.core.workload.layer.Layer;

/**
 * One node of a workload graph after its blocks are expanded: a unique name, the names of its inputs (earlier nodes or
 * {@link Workload#INPUT}), its layer, and where the file defines it (for error messages: {@code layers[2]}, or
 * {@code nodes[3] 'stage1' > blocks.basic.nodes[0] 'c1'}).
 */
public record Node(String name, List<String> inputs, Layer layer, String origin) {
    public Node {
        inputs = List.copyOf(inputs);
        origin = origin == null ? "node '" + name + "'" : origin;
    }

    /** A node made in code rather than read from a file. */
    public Node(String name, List<String> inputs, Layer layer) {
        this(name, inputs, layer, null);
    }
}
