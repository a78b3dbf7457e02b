package org.dlbench.core.result;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ThreadFlagsTest {

    @Test
    void soundSetupsHaveNoProblems() {
        assertEquals(List.of(), ThreadFlags.problems(Map.of("intra_op_threads", "2", "inter_op_threads", "1"), 2));
        assertEquals(List.of(), ThreadFlags.problems(Map.of("intra_op_threads_requested", "1"), 1));
        // two pools at N that sleep when idle cannot run more than N threads at once
        assertEquals(List.of(), ThreadFlags.problems(Map.of("intra_op_threads", "2", "blas_threads", "2",
                "pool_idle_wait", "passive"), 2));
        // both pools at 1 is one thread
        assertEquals(List.of(), ThreadFlags.problems(Map.of("intra_op_threads", "1", "blas_threads", "1"), 1));
        // data-parallel: 2 workers of 1 thread each for 2 requested threads
        assertEquals(List.of(), ThreadFlags.problems(Map.of("workers", "2", "intra_op_threads", "1",
                "blas_threads", "1"), 2));
    }

    @Test
    void bothPoolsAtNWithSpinningIdleThreadsAreFlagged() {
        List<String> p = ThreadFlags.problems(Map.of("intra_op_threads", "2", "blas_threads", "2"), 2);
        assertEquals(1, p.size(), p.toString());
        assertTrue(p.get(0).contains("engine pool 2 and BLAS pool 2 both at N=2"), p.get(0));
        assertTrue(p.get(0).contains("up to 3 threads compete for 2 cores"), p.get(0));
        List<String> spin = ThreadFlags.problems(Map.of("intra_op_threads", "4", "blas_threads_requested", "4",
                "pool_idle_wait", "spin"), 4);
        assertEquals(1, spin.size(), spin.toString());
        assertTrue(spin.get(0).contains("with spin idle threads"), spin.get(0));
    }

    @Test
    void readBackThatDiffersFromTheRequestIsFlagged() {
        List<String> p = ThreadFlags.problems(Map.of("intra_op_threads", "4"), 2);
        assertEquals(List.of("read-back intra-op threads 4 differ from requested 2"), p);
        List<String> worker = ThreadFlags.problems(Map.of("workers", "2", "intra_op_threads", "2"), 2);
        assertEquals(List.of("read-back intra-op threads 2 per worker differ from requested 1 per worker"), worker);
        List<String> blas = ThreadFlags.problems(Map.of("intra_op_threads", "1", "blas_threads", "8"), 1);
        assertEquals(List.of("BLAS pool 8 exceeds requested 1"), blas);
        List<String> workers = ThreadFlags.problems(Map.of("workers", "4", "intra_op_threads", "1"), 2);
        assertTrue(workers.contains("read-back workers 4 differ from requested 2"), workers.toString());
    }

    @Test
    void missingOrWrongRequestsAreFlagged() {
        assertTrue(ThreadFlags.problems(Map.of("num_threads", "1"), 1).get(0)
                .startsWith("no intra-op thread setting recorded"));
        assertTrue(ThreadFlags.problems(null, 1).get(0).startsWith("no intra-op thread setting recorded"));
        assertEquals(List.of("requested intra-op threads 1 differ from the cell's 2"),
                ThreadFlags.problems(Map.of("intra_op_threads_requested", "1"), 2));
    }
}
