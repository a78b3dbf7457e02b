package org.dlbench.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.dlbench.core.run.EngineFamily;
import org.junit.jupiter.api.Test;

/** The runner starts this module's JVMs with one native thread whatever the cell's thread (worker) count. */
class WorkerEnvironmentTest {
    @Test
    void childJvmsGetOneThreadPerWorkerWhateverTheWorkerCount() {
        var env = EngineFamily.moduleEnvironment(System.getProperty("java.class.path"), 2);
        assertEquals("1", env.get("OMP_NUM_THREADS"));
        assertEquals("1", env.get("OPENBLAS_NUM_THREADS"));
    }
}
