package org.dlbench.core.scorecard;

import java.util.List;
import java.util.Map;

/**
 * One engine's line of the scorecard (its best variant when the runs measured several).
 *
 * @param engine the engine's name
 * @param label the engine as rows show it, with its variant ({@code DL4J [onednn-avx512]})
 * @param coverage the zoo cells it ran
 * @param correctness its checks
 * @param infer capability index of inference, null without a valid inference cell
 * @param train capability index of training, null without a valid training cell
 * @param throughput the two combined with the mode weights (the throughput dimension), null without either
 * @param dimensions every dimension index it has a number for (1.0 = best)
 * @param efficiencyMedian median % of peak over its valid cells, null without one
 * @param threadScaling 1 -> N threads scaling in words
 * @param dataParallel its data-parallel scaling in words, or that it has no distributed path
 * @param validCells its valid cells (those that count)
 * @param overall the overall index with its interval, null when it has no valid cell beside another engine's
 * @param rank its place ({@code 1}), {@code tie (2-3)} within a group whose intervals overlap, or {@code -}
 */
public record EngineRow(String engine, String label, Coverage coverage, Correctness correctness, Estimate infer,
                        Estimate train, Estimate throughput, Map<Dimension, Double> dimensions,
                        Double efficiencyMedian, String threadScaling, String dataParallel, int validCells,
                        Estimate overall, String rank) {

    /** The same row with its rank. */
    EngineRow ranked(String r) {
        return new EngineRow(engine, label, coverage, correctness, infer, train, throughput, dimensions,
                efficiencyMedian, threadScaling, dataParallel, validCells, overall, r);
    }

    /** A dimension index, or null. */
    public Double dimension(Dimension d) {
        return dimensions.get(d);
    }

    /** Counted zoo cells: how many ran ok of how many the runs hold. */
    public record Count(int ok, int total) {
        @Override
        public String toString() {
            return ok + "/" + total;
        }
    }

    /**
     * The zoo cells an engine ran.
     *
     * @param share the weighted share of the zoo cells in the runs it ran {@code ok} (family x mode weights); null
     *     when the runs hold no zoo cell
     * @param all ok / zoo cells in the runs, unweighted
     * @param families the same per family ({@code cnn}, {@code sequence}, {@code sparse})
     * @param modes the same per mode ({@code infer}, {@code train})
     * @param lacks the ops (layer types) it cannot build, from its {@code unsupported} reasons, each with the
     *     workloads that need it; other reasons as given
     * @param failed zoo cells that failed
     */
    public record Coverage(Double share, Count all, Map<String, Count> families, Map<String, Count> modes,
                           List<String> lacks, int failed) {
    }

    /**
     * An engine's correctness checks.
     *
     * @param passed checks passed
     * @param run checks run
     * @param failures each failed check: cell, check name and detail
     * @param withoutChecks measured cells that ran no check (invalid)
     */
    public record Correctness(int passed, int run, List<String> failures, int withoutChecks) {
    }
}
