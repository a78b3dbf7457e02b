package org.dlbench.core.workload;

import java.util.List;
import org.dlbench.core.workload.layer.Layer;

/**
 * One node of a workload graph after its blocks are expanded: a unique name, the names of its inputs (earlier nodes or
 * {@link Workload#INPUT}), its layer, and where the file defines it, for error messages: {@code origin} is the JSON
 * path of its definition ({@code layers[2]}, {@code nodes[3]}, {@code blocks.basic.nodes[0]}) and {@code context}
 * the block uses it was expanded in ({@code in nodes[1] 'stage1' #0}, empty at top level).
 */
public record Node(String name, List<String> inputs, Layer layer, String origin, String context) {
    public Node {
        inputs = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(inputs)); // nulls kept, to be named
        origin = origin == null ? "nodes['" + name + "']" : origin;
        context = context == null ? "" : context;
    }

    /** A node made in code rather than read from a file. */
    public Node(String name, List<String> inputs, Layer layer) {
        this(name, inputs, layer, null, null);
    }
}
