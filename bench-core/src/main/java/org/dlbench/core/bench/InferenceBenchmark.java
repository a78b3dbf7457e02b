package org.dlbench.core.bench;

import java.util.concurrent.TimeUnit;
import org.dlbench.core.adapter.Mode;
import org.dlbench.core.adapter.Session;
import org.dlbench.core.data.Batch;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.infra.ThreadParams;

/**
 * Batches per second of one forward pass; the runner multiplies by the batch size to get samples/s. With K instances
 * JMH runs K threads, thread {@code i} calling instance {@code i}'s session, and its throughput score is the sum of
 * the threads' (the aggregate).
 */
@BenchmarkMode(org.openjdk.jmh.annotations.Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class InferenceBenchmark {

    public static class InferState extends EngineState {
        @Override
        protected Mode mode() {
            return Mode.INFER;
        }

        @Override
        protected void call(Session session, Batch batch) {
            session.infer(batch);
        }
    }

    /** Returning the logits hands them to JMH's blackhole, so the work cannot be optimised away. */
    @Benchmark
    public float[] infer(InferState state, ThreadParams thread) {
        EngineState.Instance in = state.instance(thread.getThreadIndex());
        return in.session.infer(in.nextBatch());
    }
}
