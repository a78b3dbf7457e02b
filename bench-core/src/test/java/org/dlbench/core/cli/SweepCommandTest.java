package org.dlbench.core.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.IntStream;
import org.dlbench.core.adapter.Mode;
import org.dlbench.core.result.CellKey;
import org.dlbench.core.result.CellResult;
import org.dlbench.core.result.MarkdownReport;
import org.dlbench.core.run.RunOptions;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The sweep's defaults, and the scaling tables its runs get. */
class SweepCommandTest {

    private static RunOptions parse(String... args) {
        CommandLine cli = new CommandLine(new Main());
        CommandLine.ParseResult parsed = cli.parseArgs(args);
        return ((RunCommand) parsed.subcommand().commandSpec().userObject()).options();
    }

    @Test
    void sweepsBatchesAndEveryThreadCountByDefault() {
        RunOptions o = parse("sweep");
        assertEquals(List.of(1, 8, 32, 128), o.batches());
        assertEquals(IntStream.rangeClosed(1, Runtime.getRuntime().availableProcessors()).boxed().toList(),
                o.threads());
        assertEquals(List.of(Mode.INFER), o.modes());
        RunOptions narrowed = parse("sweep", "--batch", "4", "--threads", "1", "--modes", "train");
        assertEquals(List.of(4), narrowed.batches());
        assertEquals(List.of(1), narrowed.threads());
        assertEquals(List.of(Mode.TRAIN), narrowed.modes());
    }

    @Test
    void runKeepsOneThreadAndTheWorkloadBatches() {
        RunOptions o = parse("run");
        assertEquals(List.of(), o.batches());
        assertEquals(List.of(1), o.threads());
        assertEquals(List.of(Mode.INFER, Mode.TRAIN), o.modes());
    }

    @Test
    void scalingTablesShowSpeedUpOverTheSmallestSetting() {
        List<CellResult> cells = List.of(cell(1, 1, 100), cell(32, 1, 1600), cell(1, 2, 150), cell(32, 2, 2400));
        String md = MarkdownReport.render(new org.dlbench.core.result.RunResult(1, "r", "t", "t", "h", "c", null, null,
                cells));
        assertTrue(md.contains("| E | mlp | infer | 1 | 100 | 1,600 (x16.00) |"), md);
        assertTrue(md.contains("| E | mlp | infer | 32 | 1,600 | 2,400 (x1.50) |"), md);
    }

    private static CellResult cell(int batch, int threads, double score) {
        return new CellResult.Builder(new CellKey("E", "mlp", "infer", batch, threads, "cpu"))
                .score(score, 1.0, List.of(score)).verdict("valid", null)
                .checks(List.of(new org.dlbench.core.result.Check("forward_matches_reference", true, "ok"))).build();
    }
}
