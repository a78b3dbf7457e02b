package org.dlbench.core.workload.layer;

import java.util.List;

/** The sample shapes (no batch dimension) a layer was placed with: one per input, and its output. */
public record Shapes(List<int[]> in, int[] out) {
    /** The first (for most layers the only) input's shape. */
    public int[] first() {
        return in.get(0);
    }
}
