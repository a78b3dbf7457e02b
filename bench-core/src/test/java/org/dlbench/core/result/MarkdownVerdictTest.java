package org.dlbench.core.result;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Every Markdown table that shows a number shows whether it is valid. */
class MarkdownVerdictTest {
    static CellResult cell(String mode, int batch, int threads, double score, String verdict, String why) {
        return new CellResult.Builder(new CellKey("E", "mlp", mode, batch, threads, "cpu")).engineVersion("1")
                .score(score, 1.0, List.of(score, score, score)).verdict(verdict, why)
                .checks(List.of(new Check("forward_matches_reference", true, "ok")))
                .latency(new CellResult.Latency(1000, 0.4, 0.4, 0.5, 0.6, 0.7, 0.8, 3.0)).build();
    }

    static String render(CellResult... cells) {
        return MarkdownReport.render(new RunResult(RunResult.SCHEMA_VERSION, "r", "t", "t", "h", "c", null, null,
                List.of(cells)));
    }

    @Test
    void latencyScalingAndScenarioTablesMarkWhatIsNotValid() {
        CellResult noisyBatch1 = cell("infer", 1, 1, 100, Verdicts.NOISY, "error +-14.0% above 10%");
        CellResult valid32 = cell("infer", 32, 1, 1600, Verdicts.VALID, null);
        CellResult inconsistent = cell("infer", 32, 2, 2400, Verdicts.INCONSISTENT, "JMH / bare loop 0.62");
        CellResult server = new CellResult.Builder(new CellKey("E", "mlp", "server", 1, 1, "cpu")).engineVersion("1")
                .score(900.0, null, List.of()).verdict(Verdicts.INVALID, "measured 1.0 s, minimum 3 s")
                .checks(List.of(new Check("forward_matches_reference", true, "ok")))
                .latency(new CellResult.Latency(900, 0.4, 0.4, 0.5, 0.6, 0.7, 0.8, 1.0))
                .server(new CellResult.Server(900, 900, 2, true, false, null, List.of(), null, null, List.of(new CellResult.ServerTrial(CellResult.ServerTrial.FIXED, 900, 900, 0.6, true, 1.0)))).build();
        String md = render(noisyBatch1, valid32, inconsistent, server);

        // throughput: the verdict with its reason
        assertTrue(md.contains("| **inconsistent**: JMH / bare loop 0.62 |"), md);
        // latency, start-up, memory: a short verdict column
        assertTrue(md.contains("| E | mlp | infer | 1 | 1 | **noisy** | 0.400 |"), md);
        assertTrue(md.contains("| E | mlp | infer | 32 | 1 | valid | 0.400 |"), md);
        // scaling: the number's own verdict, and a speed-up over a base that is not valid says so
        assertTrue(md.contains("| E | mlp | infer | 1 | 100 *noisy* | 1,600 (x16.00, base noisy) |"), md);
        assertTrue(md.contains("| E | mlp | infer | 32 | 1,600 | 2,400 (x1.50) *inconsistent* |"), md);
        // scenarios: each number from its own cell, each marked
        assertTrue(md.contains("| E | mlp | 1 | 0.500 *noisy* | 1,600 (batch 32) |"), md);
        assertTrue(md.contains("bound *invalid* |"), md);
        assertTrue(md.contains(MarkdownReport.NOT_VALID_NOTE), md);
        assertTrue(md.contains("inconsistent (independent measures of the same cell disagree"), "the legend: " + md);
    }

    @Test
    void aMissingVerdictIsShownAsNone() {
        CellResult old = cell("infer", 32, 1, 1600, null, null);
        CellResult old2 = cell("infer", 64, 1, 2000, null, null);
        String md = render(old, old2);
        assertTrue(md.contains("| **no verdict**: recorded without a verdict (older run); not treated as valid |"), md);
        assertTrue(md.contains("| 1,600 *no verdict* | 2,000 (x1.25, base no verdict) *no verdict* |"), md);
    }

    @Test
    void validRunsCarryNoMarks() {
        String md = render(cell("infer", 1, 1, 100, Verdicts.VALID, null), cell("infer", 32, 1, 1600, "valid", null));
        assertFalse(md.contains("*noisy*") || md.contains(MarkdownReport.NOT_VALID_NOTE.trim()), md);
        assertTrue(md.contains("| 100 | 1,600 (x16.00) |"), md);
    }
}
