package org.dlbench.core.report;

import static org.dlbench.core.compare.Fixtures.ok;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.dlbench.core.compare.Fixtures;
import org.dlbench.core.result.CellResult;
import org.dlbench.core.result.RunResult;
import org.junit.jupiter.api.Test;

/** The trend table names only the steps that pass compare's rules, not every wiggle. */
class HistoryChangePointsTest {
    static RunResult run(String id, CellResult... cells) {
        return Fixtures.run(id, cells);
    }

    static History.Scan scan(RunResult... runs) {
        return new History.Scan(Path.of("results"), java.util.Arrays.stream(runs)
                .map(r -> new History.Entry(r.runId(), r)).toList(), List.of());
    }

    @Test
    void aRealStepIsMarkedAWiggleIsNot() {
        String md = History.indexMarkdown(scan(
                run("20261120-100000-box", ok("A", "1", "mlp", "infer", 32, 1, 100, 102, 98, 100),
                        ok("B", "1", "mlp", "infer", 32, 1, 100, 120, 80, 100)),
                run("20261121-100000-box", ok("A", "1", "mlp", "infer", 32, 1, 101, 99, 100, 100),
                        ok("B", "1", "mlp", "infer", 32, 1, 110, 90, 125, 95)),
                run("20261122-100000-box", ok("A", "1", "mlp", "infer", 32, 1, 80, 81, 79, 80),
                        ok("B", "1", "mlp", "infer", 32, 1, 85, 115, 95, 90))));
        assertTrue(md.contains("| Change | Change points |"), md);
        assertTrue(md.contains("**slower -20.0% at 20261122-100000-box**"), md);
        // B wiggles by up to 5% between runs, within its forks' spread: no change point
        assertTrue(md.matches("(?s).*\\| B mlp infer b32 t1 \\|[^\\n]*\\| none \\|\\n.*"), md);
    }

    @Test
    void singleForkTrendsAreUndecided() {
        String md = History.indexMarkdown(scan(
                run("20261120-100000-box", Fixtures.oneFork(ok("A", "1", "mlp", "infer", 32, 1, 100, 101, 99))),
                run("20261121-100000-box", Fixtures.oneFork(ok("A", "1", "mlp", "infer", 32, 1, 70, 71, 69)))));
        assertTrue(md.contains("| undecided (1 fork) |"), md);
    }
}
