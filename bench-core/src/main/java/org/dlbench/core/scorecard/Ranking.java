package org.dlbench.core.scorecard;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The tie rule: engines are ordered by their overall index, highest first; consecutive engines whose intervals
 * overlap (directly or through a chain of overlapping neighbours) form a group that is not ranked within: each of
 * them is shown as {@code tie (2-3)} (the places the group spans) instead of a place. An engine whose interval
 * overlaps neither neighbour gets its place ({@code 1}). Engines without an overall index come last, as {@code -}.
 */
public final class Ranking {
    private Ranking() {
    }

    /** The rows in rank order, each with its rank. */
    public static List<EngineRow> rank(List<EngineRow> rows) {
        List<EngineRow> scored = new ArrayList<>(rows.stream().filter(r -> r.overall() != null).toList());
        scored.sort(Comparator.comparingDouble((EngineRow r) -> -r.overall().value()));
        List<EngineRow> out = new ArrayList<>();
        int i = 0;
        while (i < scored.size()) {
            int j = i;
            while (j + 1 < scored.size() && scored.get(j).overall().overlaps(scored.get(j + 1).overall())) {
                j++;
            }
            for (int k = i; k <= j; k++) {
                out.add(scored.get(k).ranked(i == j ? String.valueOf(i + 1) : "tie (" + (i + 1) + "-" + (j + 1) + ")"));
            }
            i = j + 1;
        }
        rows.stream().filter(r -> r.overall() == null).forEach(r -> out.add(r.ranked("-")));
        return out;
    }
}
