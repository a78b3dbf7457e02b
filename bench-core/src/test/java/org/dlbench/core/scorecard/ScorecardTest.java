package org.dlbench.core.scorecard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.dlbench.core.compare.Fixtures;
import org.dlbench.core.output.RunFormats;
import org.dlbench.core.result.CellResult;
import org.dlbench.core.result.RunResult;
import org.dlbench.core.result.Verdicts;
import org.dlbench.core.variant.VariantRecord;
import org.junit.jupiter.api.Test;

/** The scorecard's rules on fixed inputs: ties, weighting, what is left out, coverage, frameworks without a JVM. */
class ScorecardTest {

    private static EngineRow row(String engine, Estimate overall) {
        return new EngineRow(engine, engine, null, null, null, null, null, Map.of(), null, null, null, 1, overall, null);
    }

    @Test
    void overlappingIntervalsAreATieNotARank() {
        // A 1.00 (0.95-1.05), B 0.97 (0.91-1.03): overlap; C 0.50 (0.45-0.55) apart; D without an index
        Estimate a = new Estimate(0, 0.025, 2, 1);
        Estimate b = new Estimate(Math.log(0.97), 0.03, 2, 1);
        Estimate c = new Estimate(Math.log(0.5), 0.05, 2, 1);
        List<EngineRow> ranked = Ranking.rank(List.of(row("C", c), row("D", null), row("B", b), row("A", a)));
        assertEquals(List.of("A", "B", "C", "D"), ranked.stream().map(EngineRow::engine).toList());
        assertEquals(List.of("tie (1-2)", "tie (1-2)", "3", "-"), ranked.stream().map(EngineRow::rank).toList());
        assertTrue(a.overlaps(b) && b.overlaps(a) && !a.overlaps(c));
    }

    @Test
    void tiesChainThroughOverlappingNeighboursAndExactIndicesRank() {
        // 1.0 (0.9-1.1) overlaps 0.85 (0.78-0.93), which overlaps 0.72 (0.66-0.79); the first and last do not
        Estimate x = new Estimate(0, Math.log(1.1) / 2, 2, 1);
        Estimate y = new Estimate(Math.log(0.85), 0.04, 2, 1);
        Estimate z = new Estimate(Math.log(0.72), 0.045, 2, 1);
        assertFalse(x.overlaps(z));
        List<EngineRow> ranked = Ranking.rank(List.of(row("X", x), row("Y", y), row("Z", z)));
        assertEquals(List.of("tie (1-3)", "tie (1-3)", "tie (1-3)"), ranked.stream().map(EngineRow::rank).toList());
        List<EngineRow> exact = Ranking.rank(List.of(row("P", Estimate.exact(0.5)), row("Q", Estimate.exact(0.9))));
        assertEquals(List.of("1", "2"), exact.stream().map(EngineRow::rank).toList());
        assertEquals("Q", exact.get(0).engine());
    }

    @Test
    void twoClearlyDifferentEnginesAreRankedAndCloseOnesTie() {
        // A is 10x faster with 1% errors: ranked; B and C differ by 2% with 5% errors: a tie
        Scorecard s = Scorecard.of(Fixtures.run("r", Cells.valid("A", "mlp", "infer", 1000, 10),
                Cells.valid("B", "mlp", "infer", 100, 5), Cells.valid("C", "mlp", "infer", 98, 4.9)));
        assertEquals(List.of("A", "B", "C"), s.rows().stream().map(EngineRow::engine).toList());
        assertEquals(List.of("1", "tie (2-3)", "tie (2-3)"), s.rows().stream().map(EngineRow::rank).toList());
    }

    @Test
    void weightsFromACustomFileShapeTheIndex() {
        String json = """
                {"format": "dlbench-scorecard-weights",
                 "dimensions": {"throughput": 1, "coverage": 1, "correctness": 0, "latency": 0, "startup": 0,
                                "memory": 0, "efficiency": 0, "scale": 0},
                 "modes": {"infer": 1, "train": 0},
                 "families": {"cnn": 3, "sequence": 1, "sparse": 1},
                 "confidence": 0.9}
                """;
        ScoreWeights w = ScoreWeights.parse(json.getBytes(StandardCharsets.UTF_8), "mine.json");
        assertEquals(1.6448536269514729, w.z(), 1e-8);
        // B: mlp (cnn, weight 3) at 0.5 of A, lstm (sequence, weight 1) the fastest; lenet train unsupported
        RunResult run = Fixtures.run("r", Cells.valid("A", "mlp", "infer", 100, 0),
                Cells.valid("B", "mlp", "infer", 50, 0), Cells.valid("A", "lstm", "infer", 10, 0),
                Cells.valid("B", "lstm", "infer", 20, 0), Cells.valid("A", "mlp", "train", 10, 0),
                Cells.unsupported("B", "mlp", "train", "training is not supported"));
        Scorecard s = Scorecard.of(MergedRuns.of(run), w);
        EngineRow b = ScorecardMathTest.row(s, "B");
        assertEquals(Math.pow(0.5, 0.75), b.infer().value(), 1e-12);
        // train weighs 0: throughput is inference alone
        assertEquals(b.infer().value(), b.throughput().value(), 1e-12);
        // coverage: zoo cells mlp infer/train (cnn, 3 each), lstm infer/train (sequence, 1 each); train weighs 0
        assertEquals(1.0, b.coverage().share(), 1e-12);
        assertEquals(new EngineRow.Count(2, 3), b.coverage().all());
        // overall: geometric mean of throughput and coverage, weights 1 and 1
        assertEquals(Math.sqrt(Math.pow(0.5, 0.75) * 1.0), b.overall().value(), 1e-12);
        EngineRow a = ScorecardMathTest.row(s, "A");
        // A: mlp fastest, lstm at 0.5 (weight 1 of 4): 0.5^0.25
        assertEquals(Math.pow(0.5, 0.25), a.infer().value(), 1e-12);
        assertTrue(ScorecardMarkdown.section(s).contains("Weights: mine.json."));
        assertTrue(ScorecardMarkdown.section(Scorecard.of(run)).contains("Weights: built-in scorecard.json"));
    }

    @Test
    void onlyValidCellsCountAndTheLeftOutAreCountedPerVerdict() {
        List<CellResult> cells = new ArrayList<>();
        cells.add(Cells.valid("A", "mlp", "infer", 100, 1));
        cells.add(Cells.valid("D", "mlp", "infer", 50, 1));
        // B's noisy 1000 and C's invalid 5000 would be the best; they are left out, so A is the fastest
        cells.add(Cells.withVerdict(Cells.valid("B", "mlp", "infer", 1000, 1), Verdicts.NOISY, "error +-14%"));
        cells.add(Cells.checkFailed(Cells.valid("C", "mlp", "infer", 5000, 1)));
        cells.add(Cells.valid("B", "lenet", "infer", 10, 0.1));
        cells.add(Cells.withVerdict(Cells.valid("A", "lenet", "infer", 20, 0.1), null, null));
        Scorecard s = Scorecard.of(Fixtures.run("r", cells.toArray(CellResult[]::new)));
        assertEquals(6, s.measured());
        assertEquals(Map.of("invalid", 1, "noisy", 1, "no verdict", 1), s.leftOut());
        EngineRow a = ScorecardMathTest.row(s, "A");
        assertEquals(1.0, a.infer().value(), 1e-12);
        assertEquals(1, a.infer().terms());
        assertEquals(0.5, ScorecardMathTest.row(s, "D").infer().value(), 1e-12);
        // B's lenet cell is valid but A's beside it is not: nothing to set it against
        assertEquals(1, s.uncontested());
        assertNull(ScorecardMathTest.row(s, "B").infer());
        assertEquals(1, ScorecardMathTest.row(s, "B").validCells());
        assertNull(ScorecardMathTest.row(s, "C").overall(), "no valid cell, no index");
        assertEquals("-", ScorecardMathTest.row(s, "C").rank());
        String md = ScorecardMarkdown.section(s);
        assertTrue(md.contains("Left out of every number: 3 of 6 measured cells (1 invalid, 1 no verdict, 1 noisy); "
                + "only valid cells count."), md);
        // the failed check comes first, marked
        int failure = md.indexOf("- **FAILED** C mlp infer b32 t1: forward_matches_reference (max abs error 3)");
        assertTrue(failure > 0 && failure < md.indexOf("| Rank |"), md);
        assertTrue(md.contains("| 1 FAILED; 0/1 passed |"), md);
        assertTrue(md.contains("| - | B | no valid cell beside another engine's |"), md);
        assertTrue(md.contains("1 valid cell has no other engine's valid cell beside it: in coverage, not in the "
                + "relative indices."), md);
    }

    @Test
    void coverageByFamilyAndModeNamesTheMissingOps() {
        RunResult run = Fixtures.run("r", Cells.valid("A", "mlp", "infer", 100, 1),
                Cells.valid("A", "dlrm", "infer", 100, 1), Cells.valid("A", "mlp", "train", 10, 1),
                Cells.valid("A", "dlrm", "train", 10, 1),
                Cells.valid("B", "mlp", "infer", 100, 1), Cells.valid("B", "mlp", "train", 10, 1),
                Cells.unsupported("B", "dlrm", "infer", "EmbeddingBag (node 'bag'): no sum-pooled embedding; "
                        + "Dot (node 'interact'): no pairwise dot"),
                Cells.unsupported("B", "dlrm", "train", "EmbeddingBag (node 'bag'): no sum-pooled embedding"));
        Scorecard s = Scorecard.of(run);
        EngineRow b = ScorecardMathTest.row(s, "B");
        assertEquals(0.5, b.coverage().share(), 1e-12);
        assertEquals(Map.of("cnn", new EngineRow.Count(2, 2), "sparse", new EngineRow.Count(0, 2)),
                b.coverage().families());
        assertEquals(Map.of("infer", new EngineRow.Count(1, 2), "train", new EngineRow.Count(1, 2)),
                b.coverage().modes());
        assertEquals(List.of("EmbeddingBag (dlrm)", "Dot (dlrm)"), b.coverage().lacks());
        assertEquals(1.0, ScorecardMathTest.row(s, "A").coverage().share(), 1e-12);
        assertTrue(s.zooNotInRuns().contains("lstm infer"), s.zooNotInRuns().toString());
        assertEquals(List.of("EmbeddingBag", "Dot"), Scorecard.ops("EmbeddingBag (node 'bag'): x; Dot (node 'd'): y"));
    }

    @Test
    void frameworksWithoutAJvmRuntimeKeepTheirRow() {
        String why = "no JVM runtime: OneFlow ships Python and C++ APIs only, nothing on Maven Central";
        RunResult run = Fixtures.run("r", Cells.valid("A", "mlp", "infer", 100, 1),
                Cells.unsupported("OneFlow", "mlp", "infer", why), Cells.unsupported("OneFlow", "lstm", "train", why));
        Scorecard s = Scorecard.of(run);
        assertEquals(List.of(new Scorecard.NoJvmRow("OneFlow", why, List.of("mlp", "lstm"))), s.noJvm());
        assertEquals(List.of("A"), s.rows().stream().map(EngineRow::engine).toList());
        assertTrue(ScorecardMarkdown.section(s).contains("| OneFlow | " + why + " | mlp, lstm |"));
    }

    @Test
    void anEngineMeasuredInSeveralVariantsIsScoredByItsBest() {
        CellResult best = variant(Cells.valid("DL4J", "mlp", "infer", 100, 1), "avx2", "best");
        CellResult shipped = variant(Cells.valid("DL4J", "mlp", "infer", 60, 1), "generic", "shipped");
        Scorecard s = Scorecard.of(Fixtures.run("r", best, shipped, Cells.valid("X", "mlp", "infer", 50, 1)));
        EngineRow d = ScorecardMathTest.row(s, "DL4J");
        assertEquals("DL4J [avx2]", d.label());
        assertEquals(1.0, d.infer().value(), 1e-12);
        assertEquals(1, s.otherVariants());
    }

    private static CellResult variant(CellResult c, String name, String pick) {
        return new CellResult.Builder(c.cellKey().withVariant(name)).score(c.score(), c.scoreError(), c.samples())
                .checks(c.checks()).verdict(c.verdict(), null)
                .variant(new VariantRecord(name, null, List.of(pick), "why", null, List.of(), Map.of())).build();
    }

    @Test
    void everyRunsMarkdownReportBeginsWithItsScorecard() throws java.io.IOException {
        RunResult run = Fixtures.run("r", Cells.valid("A", "mlp", "infer", 100, 1),
                Cells.valid("B", "mlp", "infer", 50, 1));
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        RunFormats.MARKDOWN.write(run, out);
        String md = out.toString(StandardCharsets.UTF_8);
        int card = md.indexOf("## Scorecard");
        assertTrue(card > 0 && card < md.indexOf("## Capability matrix"), md);
    }
}
