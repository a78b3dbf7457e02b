package org.dlbench.core.scorecard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Map;
import org.dlbench.core.compare.Fixtures;
import org.dlbench.core.result.CellKey;
import org.dlbench.core.result.CellResult;
import org.dlbench.core.result.RunResult;
import org.junit.jupiter.api.Test;

/** The index maths on hand-computed numbers: geometric mean, relative to the best, the delta-method interval. */
class ScorecardMathTest {
    private static final double Z95 = 1.959963984540054;

    @Test
    void geometricMeanAndNormalQuantile() {
        assertEquals(4.0, IndexMath.geometricMean(List.of(2.0, 8.0)), 1e-12);
        assertEquals(Math.cbrt(0.5 * 0.25 * 1.0), IndexMath.geometricMean(List.of(0.5, 0.25, 1.0)), 1e-12);
        assertEquals(Z95, IndexMath.normalQuantile(0.975), 1e-8);
        assertEquals(IndexMath.Z_999, IndexMath.normalQuantile(0.9995), 1e-8);
        assertEquals(-1.6448536269514729, IndexMath.normalQuantile(0.05), 1e-8);
        assertEquals(Z95, ScoreWeights.builtIn().z(), 1e-8);
    }

    @Test
    void standardErrorDividesTheHalfWidthByStudentsT() {
        // 5 iterations: t(0.9995, 4) = 8.6103
        CellResult c = new CellResult.Builder(new CellKey("E", "mlp", "infer", 32, 1, "cpu"))
                .score(100.0, 8.6103, List.of(100.0, 100.0, 100.0, 100.0, 100.0)).build();
        assertEquals(1.0, IndexMath.standardError(c), 1e-4);
        assertEquals(2.0, IndexMath.standardError(Cells.valid("E", "mlp", "infer", 100, 2)), 1e-12);
    }

    @Test
    void deltaMethodTermAndMeanOfLogs() {
        IndexMath.Term t = IndexMath.ratio(80, 8, 160, 8, false, 1);
        assertEquals(Math.log(0.5), t.log(), 1e-12);
        assertEquals(0.01 + 0.0025, t.variance(), 1e-12);
        assertEquals(0, IndexMath.ratio(100, 5, 100, 5, true, 1).variance());
        Estimate e = IndexMath.combine(List.of(new IndexMath.Term(0, 0, 1), t), Z95);
        assertEquals(Math.sqrt(0.5), e.value(), 1e-12);
        assertEquals(Math.sqrt(0.0125) / 2, e.logSe(), 1e-12);
        assertEquals(0.6337258, e.low(), 1e-6);
        assertEquals(0.7889848, e.high(), 1e-6);
        // weights: 3 x log 0.5 + 1 x log 1 over 4
        Estimate w = IndexMath.combine(List.of(new IndexMath.Term(Math.log(0.5), 0.04, 3),
                new IndexMath.Term(0, 0, 1)), Z95);
        assertEquals(Math.pow(0.5, 0.75), w.value(), 1e-12);
        assertEquals(Math.sqrt(9 * 0.04) / 4, w.logSe(), 1e-12);
        assertNull(IndexMath.combine(List.of(new IndexMath.Term(0, 0, 0)), Z95), "no weight, no index");
    }

    @Test
    void capabilityIndexOfTwoEnginesOnTwoCells() {
        // mlp: A 100 (se 5), B 50 (se 5); lenet: A 80 (se 8), B 160 (se 8)
        RunResult run = Fixtures.run("r", Cells.valid("A", "mlp", "infer", 100, 5), Cells.valid("B", "mlp", "infer", 50, 5),
                Cells.valid("A", "lenet", "infer", 80, 8), Cells.valid("B", "lenet", "infer", 160, 8));
        Scorecard s = Scorecard.of(run);
        EngineRow a = row(s, "A");
        EngineRow b = row(s, "B");
        assertEquals(Math.sqrt(0.5), a.infer().value(), 1e-12);
        // A: best on mlp (variance 0); lenet 80/160: (8/80)^2 + (8/160)^2 = 0.0125; mean of 2 logs: sd sqrt(0.0125)/2
        assertEquals(0.6337258, a.infer().low(), 1e-6);
        assertEquals(0.7889848, a.infer().high(), 1e-6);
        // B: mlp 50/100: (5/50)^2 + (5/100)^2 = 0.0125 too; best on lenet
        assertEquals(a.infer().logSe(), b.infer().logSe(), 1e-12);
        assertEquals(2, a.infer().terms());
        assertNull(a.train(), "no training cell");
        // one mode: throughput is the inference index
        assertEquals(a.infer().value(), a.throughput().value(), 1e-12);
        assertEquals(a.infer().logSe(), a.throughput().logSe(), 1e-12);
        Map<String, Double> heat = s.heat().get("cnn").get("A");
        assertEquals(List.of("mlp infer", "lenet infer"), List.copyOf(heat.keySet()));
        assertEquals(1.0, heat.get("mlp infer"), 1e-12);
        assertEquals(0.5, heat.get("lenet infer"), 1e-12);
    }

    @Test
    void latencyStartupAndMemoryAreBestOverOwn() {
        CellResult a = Cells.valid("A", "mlp", "infer", 100, 1).toBuilder()
                .latency(new CellResult.Latency(1000, 1, 1, 2.0, 3, 4, 5, 3))
                .startup(new CellResult.Startup(100.0, 50, 50)).memory(new CellResult.Memory(400, 100, "fork"))
                .build();
        CellResult b = Cells.valid("B", "mlp", "infer", 100, 1).toBuilder()
                .latency(new CellResult.Latency(1000, 1, 1, 8.0, 3, 4, 5, 3))
                .startup(new CellResult.Startup(null, 100, 100)).memory(new CellResult.Memory(100, 100, "fork"))
                .build();
        Scorecard s = Scorecard.of(Fixtures.run("r", a, b));
        assertEquals(1.0, row(s, "A").dimension(Dimension.LATENCY), 1e-12);
        assertEquals(0.25, row(s, "B").dimension(Dimension.LATENCY), 1e-12);
        assertEquals(1.0, row(s, "A").dimension(Dimension.STARTUP), 1e-12, "200 ms each");
        assertEquals(0.25, row(s, "A").dimension(Dimension.MEMORY), 1e-12);
        assertEquals(1.0, row(s, "B").dimension(Dimension.MEMORY), 1e-12);
    }

    @Test
    void threadScalingIsSpeedupOverThreads() {
        assertEquals(0.75, Scorecard.scaling(100, 1, 300, 4), 1e-12);
        CellResult one = Cells.valid("A", "mlp", "infer", 100, 1);
        CellResult two = new CellResult.Builder(new CellKey("A", "mlp", "infer", 32, 2, "cpu")).score(150.0, 0.0,
                List.of(150.0)).checks(one.checks()).verdict("valid", null).build();
        Scorecard s = Scorecard.of(Fixtures.run("r", one, two, Cells.valid("B", "mlp", "infer", 90, 1)));
        assertEquals("75% at 1 -> 2 threads (1 cell group)", row(s, "A").threadScaling());
        assertEquals("not measured (one valid thread count for this engine)", row(s, "B").threadScaling());
        assertEquals(Scorecard.NO_DISTRIBUTED, row(s, "A").dataParallel());
        Scorecard single = Scorecard.of(Fixtures.run("r", one));
        assertEquals("not measured (1 thread)", row(single, "A").threadScaling());
    }

    static EngineRow row(Scorecard s, String engine) {
        return s.rows().stream().filter(r -> r.engine().equals(engine)).findFirst().orElseThrow();
    }
}
