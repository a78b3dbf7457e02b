package org.dlbench.core.bench;

import org.dlbench.core.adapter.Adapters;
import org.dlbench.core.adapter.Device;
import org.dlbench.core.adapter.Mode;
import org.dlbench.core.adapter.Session;
import org.dlbench.core.adapter.SessionSpec;
import org.dlbench.core.data.Batch;
import org.dlbench.core.data.SyntheticData;
import org.dlbench.core.data.Weights;
import org.dlbench.core.workload.Workload;
import org.dlbench.core.workload.Workloads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/** A session of one engine on one workload, plus pre-generated batches to cycle through. */
@State(Scope.Benchmark)
public abstract class EngineState {
    /** A few distinct batches, so no engine can cache one result; a power of two for cheap cycling. */
    static final int BATCHES = 4;

    @Param("PyTorch")
    public String engine;

    /** A built-in workload name or the path of a workload file. */
    @Param("mlp")
    public String workload;

    @Param("32")
    public int batch;

    @Param("1")
    public int threads;

    @Param("cpu")
    public String device;

    protected Session session;
    protected Batch[] batches;
    private int next;

    protected abstract Mode mode();

    @Setup(Level.Trial)
    public void open() throws Exception {
        Workload w = Workloads.resolve(workload);
        SyntheticData data = new SyntheticData(w);
        batches = new Batch[BATCHES];
        for (int i = 0; i < BATCHES; i++) {
            batches[i] = data.batch(i, batch);
        }
        session = Adapters.byName(engine).open(
                new SessionSpec(w, Weights.initial(w), batch, threads, Device.parse(device), mode()));
    }

    protected Batch nextBatch() {
        return batches[next++ & (BATCHES - 1)];
    }

    @TearDown(Level.Trial)
    public void close() throws java.io.IOException {
        if (session != null) {
            session.close();
        }
        // Peak memory of this benchmark process, one line per fork; the runner keeps the largest.
        String file = System.getProperty(MEMORY_OUT);
        if (file != null) {
            var m = org.dlbench.core.run.MemoryProbe.peak("benchmark");
            java.nio.file.Files.writeString(java.nio.file.Path.of(file), m.peakRssBytes() + " " + m.peakHeapBytes()
                    + "\n", java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        }
    }

    /** System property naming the file that receives the benchmark process's peak memory. */
    public static final String MEMORY_OUT = "dlbench.memory.out";
}
