package org.dlbench.core.bench;

import java.util.concurrent.TimeUnit;
import org.dlbench.core.adapter.Mode;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.OutputTimeUnit;

/** Batches per second of one forward pass; the runner multiplies by the batch size to get samples/s. */
@BenchmarkMode(org.openjdk.jmh.annotations.Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class InferenceBenchmark {

    public static class InferState extends EngineState {
        @Override
        protected Mode mode() {
            return Mode.INFER;
        }

        @Override
        protected void call() {
            session.infer(nextBatch().features());
        }
    }

    /** Returning the logits hands them to JMH's blackhole, so the work cannot be optimised away. */
    @Benchmark
    public float[] infer(InferState state) {
        return state.session.infer(state.nextBatch().features());
    }
}
