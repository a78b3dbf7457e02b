package org.dlbench.core.result;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The busy-core limit of a cell with K instances is threads x K + 0.5. */
class InstancesVerdictTest {

    private static CellResult cell(int threads, int instances, double busyCores) {
        return new CellResult.Builder(new CellKey("OnnxRuntime", "mlp", "infer", 32, threads, "cpu", null, instances))
                .settings(Map.of("intra_op_threads_requested", Integer.toString(threads)))
                .execution(new CellResult.Execution(busyCores, busyCores, 0.0, 5.0, true, 1)).build();
    }

    @Test
    void twoInstancesOfOneThreadMayKeepTwoCoresBusy() {
        assertEquals(List.of(), Verdicts.threadProblems(cell(1, 2, 2.3)));
        List<String> over = Verdicts.threadProblems(cell(1, 2, 2.6));
        assertEquals(1, over.size());
        assertTrue(over.get(0).contains("1 thread(s) requested per instance x 2 instances"), over.get(0));
        assertEquals(1, Verdicts.threadProblems(cell(1, 1, 2.3)).size(), "one instance: threads + 0.5");
    }
}
