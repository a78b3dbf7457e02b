package org.dlbench.core.adapter;

import java.util.List;
import org.dlbench.core.data.Batch;

/**
 * The work one {@link Session#trainStep} does, described so that a reference can redo it without knowing the engine.
 *
 * <p>Every worker starts from the same parameters (those before the step) and takes one plain SGD step on each of its
 * batches, in order; the parameters after the step are the element-wise mean of the workers' parameters. The loss the
 * step returns is the mean over workers of the loss of each worker's last batch, computed before that batch's update.
 * A single-process engine is one worker with one batch: the step is one SGD step and the loss is that batch's loss
 * before the update. Data-parallel parameter averaging is several workers with {@code averaging_frequency} batches
 * each.
 *
 * @param workers each worker's batches in the order it trains them; at least one worker, each with a batch
 */
public record TrainingRound(List<List<Batch>> workers) {
    public TrainingRound {
        if (workers == null || workers.isEmpty() || workers.stream().anyMatch(w -> w == null || w.isEmpty())) {
            throw new IllegalArgumentException("a training round needs at least one worker, each with a batch");
        }
        workers = workers.stream().map(List::copyOf).toList();
    }

    /** One worker, one batch: a plain SGD step. */
    public static TrainingRound single(Batch batch) {
        return new TrainingRound(List.of(List.of(batch)));
    }

    /** Samples the round trains on, over all workers. */
    public int samples() {
        return workers.stream().flatMap(List::stream).mapToInt(Batch::size).sum();
    }
}
