package org.dlbench.core.bench;

import java.util.concurrent.TimeUnit;
import org.dlbench.core.adapter.Mode;
import org.dlbench.core.adapter.Session;
import org.dlbench.core.data.Batch;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.OutputTimeUnit;

/** SGD steps per second; the runner multiplies by the batch size to get samples/s. */
@BenchmarkMode(org.openjdk.jmh.annotations.Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class TrainingBenchmark {

    public static class TrainState extends EngineState {
        @Override
        protected Mode mode() {
            return Mode.TRAIN;
        }

        @Override
        protected void call(Session session, Batch batch) {
            session.trainStep(batch);
        }
    }

    /** The returned loss is read back from the engine, which also waits for the step to finish. */
    @Benchmark
    public float train(TrainState state) {
        return state.session.trainStep(state.nextBatch());
    }
}
