package org.dlbench.core.compare;

import static org.dlbench.core.compare.Fixtures.ok;
import static org.dlbench.core.compare.Fixtures.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.dlbench.core.result.CellResult;
import org.dlbench.core.result.DriftReference;
import org.dlbench.core.result.Host;
import org.dlbench.core.result.RunResult;
import org.junit.jupiter.api.Test;

/** A machine that itself ran slower between two runs does not make its engines' changes into regressions. */
class MachineDriftTest {
    static final CellResult BASE = ok("OnnxRuntime", "1.20", "mlp", "infer", 32, 1, 100, 101, 99, 100, 100);

    static RunResult withDrift(RunResult r, double... values) {
        List<Double> v = java.util.Arrays.stream(values).boxed().toList();
        return r.withDriftReference(DriftReference.of("jvm-dmatmul-64-v1", "matmul/s", v, 2.0));
    }

    static CellResult scaled(double f) {
        return ok("OnnxRuntime", "1.20", "mlp", "infer", 32, 1, 100 * f, 101 * f, 99 * f, 100 * f, 100 * f);
    }

    @Test
    void aChangeTheMachinesOwnDriftExplainsIsUndecided() {
        RunResult a = withDrift(run("a", BASE), 100, 101, 99, 100, 100);
        // the engine-free reference ran 15% slower in the candidate; the engine 17% slower
        RunResult b = withDrift(run("b", scaled(0.83)), 85, 85.5, 84.5, 85, 85);
        Comparison c = Comparison.of("a", a, "b", b, Criteria.DEFAULT);
        SampleComparison t = c.compared().get(0).test();
        assertEquals(Verdict.UNDECIDED, t.verdict(), t.toString());
        assertTrue(t.note().contains("the machine itself ran -15.0% between the runs (the engine-free drift reference)"
                + ": the machine alone could explain this change"), t.note());
        assertTrue(!c.hasRegression());
        assertTrue(c.environmentNotes().stream().anyMatch(n -> n.startsWith("Machine drift, engine-free reference "
                + "jvm-dmatmul-64-v1: the machine ran -15.0%")), c.environmentNotes().toString());
        // a change well beyond the drift keeps its verdict, with the drift noted
        Comparison big = Comparison.of("a", a, "b", withDrift(run("b", scaled(0.5)), 85, 85.5, 84.5, 85, 85),
                Criteria.DEFAULT);
        assertEquals(Verdict.SLOWER, big.compared().get(0).test().verdict());
        assertTrue(big.compared().get(0).test().note().contains("the machine itself ran -15.0%"));
    }

    @Test
    void driftWithinTheRunsOwnSpreadOrTheOppositeWayChangesNothing() {
        RunResult a = withDrift(run("a", BASE), 100, 120, 80, 100, 100);
        RunResult b = withDrift(run("b", scaled(0.83)), 90, 110, 75, 90, 90);
        // -10% against a 40% spread: not counted
        Comparison c = Comparison.of("a", a, "b", b, Criteria.DEFAULT);
        assertEquals(Verdict.SLOWER, c.compared().get(0).test().verdict());
        assertTrue(c.environmentNotes().stream().anyMatch(n -> n.contains("within noise, -10.0%")),
                c.environmentNotes().toString());
        // the machine faster, the engine slower: the machine does not explain it
        RunResult faster = withDrift(run("b", scaled(0.83)), 130, 131, 129, 130, 130);
        RunResult steady = withDrift(run("a", BASE), 100, 101, 99, 100, 100);
        assertEquals(Verdict.SLOWER, Comparison.of("a", steady, "b", faster, Criteria.DEFAULT).compared().get(0)
                .test().verdict());
    }

    @Test
    void anEnginesOwnCalibrationComesBeforeTheReference() {
        Host h = Fixtures.HOST;
        Host slowBlas = new Host(h.hostname(), h.cpuModel(), h.cpuFlags(), h.cores(), h.memoryBytes(), h.os(),
                h.kernel(), h.jvm(), h.jvmArgs(), List.of(Host.Calibration.of("OnnxRuntime", 1, 5,
                        List.of(80.0, 80.5, 79.5, 80.0, 80.0))));
        Host fastBlas = new Host(h.hostname(), h.cpuModel(), h.cpuFlags(), h.cores(), h.memoryBytes(), h.os(),
                h.kernel(), h.jvm(), h.jvmArgs(), List.of(Host.Calibration.of("OnnxRuntime", 1, 5,
                        List.of(100.0, 100.5, 99.5, 100.0, 100.0))));
        // the reference says the machine is steady, the engine's own library ran 20% slower
        RunResult a = withDrift(run("a", fastBlas, org.dlbench.core.result.Profile.QUICK, BASE), 100, 101, 99, 100, 100);
        RunResult b = withDrift(run("b", slowBlas, org.dlbench.core.result.Profile.QUICK, scaled(0.83)),
                100, 101, 99, 100, 100);
        SampleComparison t = Comparison.of("a", a, "b", b, Criteria.DEFAULT).compared().get(0).test();
        assertEquals(Verdict.UNDECIDED, t.verdict(), t.toString());
        assertTrue(t.note().contains("(OnnxRuntime's matrix-multiply calibration)"), t.note());
    }

    static CellResult around(CellResult c, double... values) {
        List<Double> v = java.util.Arrays.stream(values).boxed().toList();
        return c.withDriftReference(DriftReference.of("jvm-dmatmul-64-v1", "matmul/s", v, 1.2));
    }

    @Test
    void aCellsOwnReferenceComesFirst() {
        // the references measured once before the cells say -15%; around the cell itself the machine held steady
        RunResult a = withDrift(run("a", around(BASE, 100, 101, 99, 100, 100, 100)), 100, 101, 99, 100, 100);
        RunResult b = withDrift(run("b", around(scaled(0.83), 100, 100.5, 99.5, 100, 100, 100)),
                85, 85.5, 84.5, 85, 85);
        SampleComparison t = Comparison.of("a", a, "b", b, Criteria.DEFAULT).compared().get(0).test();
        assertEquals(Verdict.SLOWER, t.verdict(), t.toString());
        assertTrue(t.note().contains("the machine held steady around this cell (its own drift reference +0.0%,"
                + " within noise)"), t.note());

        // and the other way: the run's reference steady, the machine 15% slower while this cell ran
        RunResult steadyA = withDrift(run("a", around(BASE, 100, 101, 99, 100, 100, 100)), 100, 101, 99, 100, 100);
        RunResult slowAround = withDrift(run("b", around(scaled(0.83), 85, 85.5, 84.5, 85, 85, 85)),
                100, 101, 99, 100, 100);
        SampleComparison u = Comparison.of("a", steadyA, "b", slowAround, Criteria.DEFAULT).compared().get(0).test();
        assertEquals(Verdict.UNDECIDED, u.verdict(), u.toString());
        assertTrue(u.note().contains("the machine itself ran -15.0% between the runs (this cell's own drift"
                + " reference, measured around it): the machine alone could explain this change"), u.note());

        // one side without its own reference: the run's reference applies as before
        RunResult oneSided = withDrift(run("b", scaled(0.83)), 85, 85.5, 84.5, 85, 85);
        SampleComparison w = Comparison.of("a", a, "b", oneSided, Criteria.DEFAULT).compared().get(0).test();
        assertEquals(Verdict.UNDECIDED, w.verdict(), w.toString());
        assertTrue(w.note().contains("(the engine-free drift reference)"), w.note());
    }

    @Test
    void runsWithoutAReferenceSaySo() {
        Comparison c = Comparison.of("a", run("a", BASE), "b", run("b", scaled(0.83)), Criteria.DEFAULT);
        assertEquals(Verdict.SLOWER, c.compared().get(0).test().verdict());
        assertTrue(c.environmentNotes().stream().anyMatch(n -> n.startsWith("Machine drift: neither run records")),
                c.environmentNotes().toString());
    }
}
