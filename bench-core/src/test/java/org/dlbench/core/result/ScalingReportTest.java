package org.dlbench.core.result;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScalingReportTest {
    static CellResult cell(String engine, int threads, double score, Map<String, String> settings) {
        return new CellResult.Builder(new CellKey(engine, "mlp", "train", 32, threads, "cpu")).engineVersion("v")
                .score(score, null, List.of(score)).gflops(1.0).settings(settings).seconds(1.0)
                .checks(List.of(new Check("forward_matches_reference", true, "ok"))).verdict(Verdicts.VALID, null)
                .build();
    }

    @Test
    void setsThroughputPerWorkerAgainstOneThreadOfTheSingleProcessEngine() {
        CellResult base = cell("DL4J", 1, 10_000, Map.of());
        CellResult twoThreads = cell("DL4J", 2, 18_000, Map.of());
        CellResult spark = cell("DL4J-Spark", 2, 8_000, Map.of("workers", "2", "averaging_frequency", "5",
                "epoch_samples", "4160", "single_process_engine", "DL4J"));
        List<CellResult> all = List.of(twoThreads, base, spark);
        assertEquals(base, ScalingReport.baseline(all, spark).orElseThrow());
        assertEquals(0.4, ScalingReport.efficiency(spark, base), 1e-12);
        String md = ScalingReport.render(all);
        assertTrue(md.contains("## Data-parallel scaling"), md);
        // per worker 4,000; 4160 samples at 8,000/s = 0.52 s an epoch; 4,000 / 10,000 = 40%
        assertTrue(md.contains("| DL4J-Spark | mlp | 32 | 2 | 5 | 8,000 | valid | 4,000 | 0.52 | DL4J | 10,000 | 40% |"),
                md);
        assertTrue(!md.contains("not valid"), "no marks when everything is valid: " + md);
        assertTrue(MarkdownReport.render(new RunResult(RunResult.SCHEMA_VERSION, "r", "t", "t", "h", "c", null, null,
                all)).contains("## Data-parallel scaling"));
    }

    @Test
    void saysSoWhenTheBaselineIsMissingAndStaysAwayWithoutSpark() {
        CellResult spark = cell("DL4J-Spark", 2, 8_000, Map.of("workers", "2", "single_process_engine", "DL4J"));
        assertTrue(ScalingReport.render(List.of(spark)).contains("| no cell |"));
        CellResult measuredItsOwn = cell("DL4J-Spark", 2, 8_000, Map.of("workers", "2",
                "baseline_samples_per_s", "16000", "single_process_engine", "DL4J"));
        assertTrue(ScalingReport.render(List.of(measuredItsOwn)).contains("| 16,000 (own) | 25% |"),
                ScalingReport.render(List.of(measuredItsOwn)));
        assertEquals("", ScalingReport.render(List.of(cell("DL4J", 1, 1, Map.of()))));
    }

    @Test
    void marksANonValidRunOrBaseline() {
        CellResult base = cell("DL4J", 1, 10_000, Map.of()).toBuilder().verdict(Verdicts.NOISY, "error +-14.0% above 10%")
                .build();
        CellResult spark = cell("DL4J-Spark", 2, 8_000, Map.of("workers", "2", "single_process_engine", "DL4J"))
                .toBuilder().verdict(Verdicts.INCONSISTENT, "JMH / bare loop 0.70").build();
        String md = ScalingReport.render(List.of(base, spark));
        assertTrue(md.contains("| 8,000 | **inconsistent** | 4,000 |"), md);
        assertTrue(md.contains("| 10,000 *noisy* | 40% (base noisy) |"), md);
        assertTrue(md.contains(MarkdownReport.NOT_VALID_NOTE), md);
    }
}
