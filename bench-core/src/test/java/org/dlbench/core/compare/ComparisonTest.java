package org.dlbench.core.compare;

import static org.dlbench.core.compare.Fixtures.HOST;
import static org.dlbench.core.compare.Fixtures.ok;
import static org.dlbench.core.compare.Fixtures.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.dlbench.core.result.CellResult;
import org.dlbench.core.result.Host;
import org.dlbench.core.result.Profile;
import org.dlbench.core.result.ResultsIO;
import org.dlbench.core.result.RunResult;
import org.junit.jupiter.api.Test;

/** What is compared, what is listed apart and why, what gates, and how each format shows it. */
class ComparisonTest {
    static final CellResult BASE_INFER = Fixtures.djl(ok("PyTorch", "2.7.1", "mlp", "infer", 32, 1, 100, 101, 99, 100,
            100), "0.35.0");
    static final CellResult BASE_TRAIN = ok("PyTorch", "2.7.1", "mlp", "train", 32, 1, 50, 51, 49, 50, 50);

    static Comparison compare(RunResult a, RunResult b) {
        return Comparison.of("a", a, "b", b, Criteria.DEFAULT);
    }

    @Test
    void verdictsPerMatchingResult() {
        RunResult a = run("a", BASE_INFER, BASE_TRAIN);
        RunResult b = run("b", Fixtures.djl(ok("PyTorch", "2.7.1", "mlp", "infer", 32, 1, 110, 111, 109, 110, 110),
                "0.36.0"), ok("PyTorch", "2.7.2", "mlp", "train", 32, 1, 40, 41, 39, 40, 40));
        Comparison c = compare(a, b);
        assertEquals(2, c.compared().size());
        assertEquals(Verdict.FASTER, c.compared().get(0).test().verdict());
        assertEquals(Verdict.SLOWER, c.compared().get(1).test().verdict());
        assertEquals(List.of("djl_version 0.35.0 -> 0.36.0"), c.compared().get(0).settingChanges());
        assertEquals("2.7.1", c.compared().get(0).candidateVersion());
        assertEquals("2.7.1", c.compared().get(1).baselineVersion());
        assertEquals("2.7.2", c.compared().get(1).candidateVersion());
        assertTrue(c.hasRegression());
        assertEquals(List.of("PyTorch mlp train b32 t1 -20.0%"), c.regressions());
        assertTrue(c.notCompared().isEmpty());
        assertNull(c.nothingComparable());
    }

    @Test
    void oneSidedResultsAreListedApart() {
        CellResult extra = ok("DL4J", "1.0.0-M2.1", "lenet", "infer", 8, 1, 10, 11, 12);
        Comparison c = compare(run("a", BASE_INFER, BASE_TRAIN), run("b", BASE_INFER, extra));
        assertEquals(1, c.compared().size());
        assertEquals(List.of("only in baseline", "only in candidate"),
                c.notCompared().stream().map(Comparison.Separate::reason).toList());
        assertEquals("PyTorch mlp train b32 t1", c.notCompared().get(0).label());
        assertEquals(50.0, c.notCompared().get(0).baselineScore(), 1e-9);
        assertNull(c.notCompared().get(0).candidateScore());
        assertFalse(c.hasRegression(), "a result the candidate did not run is not a regression");
    }

    @Test
    void differentHostsAreNotComparedUnlessAsked() {
        Host other = new Host("ci-runner-7", "Other CPU 9000", List.of("avx2", "avx512f", "fma"), 4, 1L << 35,
                "Debian 12", "6.1", "OpenJDK 17.0.15", List.of(), List.of());
        RunResult a = run("a", BASE_INFER);
        RunResult b = run("b", other, Profile.QUICK, Fixtures.djl(ok("PyTorch", "2.7.1", "mlp", "infer", 32, 1, 50, 50.5,
                49.5), "0.35.0"));
        Comparison c = compare(a, b);
        assertTrue(c.compared().isEmpty());
        String why = c.notCompared().get(0).reason();
        assertTrue(why.startsWith("different host: Test CPU 3000 vs Other CPU 9000, 2 vs 4 cores, CPU flags"), why);
        assertFalse(c.hasRegression(), "a slower machine is not a regression");
        assertTrue(c.nothingComparable().contains("different host (1)")
                && c.nothingComparable().contains("--allow-host-mismatch"), c.nothingComparable());

        Comparison anyway = Comparison.of("a", a, "b", b, new Criteria(0.05, 0.05, true));
        assertEquals(1, anyway.compared().size());
        assertEquals(Verdict.SLOWER, anyway.compared().get(0).test().verdict());
        assertTrue(anyway.compared().get(0).test().note().contains("different host, compared as asked"));
        assertTrue(anyway.environmentNotes().get(0).startsWith("Different machines"), anyway.environmentNotes().toString());
    }

    @Test
    void sameMachineUnderAnotherNameIsAlike() {
        Host renamed = new Host("other-name", HOST.cpuModel(), List.of("fma", "avx2"), HOST.cores(), 1L << 33,
                "Debian 12", "6.2", "OpenJDK 17.0.16", List.of(), List.of());
        Comparison c = compare(run("a", BASE_INFER), run("b", renamed, Profile.QUICK, BASE_INFER));
        assertEquals(1, c.compared().size());
        assertTrue(c.environmentNotes().contains("Host name: box -> other-name"), c.environmentNotes().toString());
        assertTrue(c.environmentNotes().contains("JVM: OpenJDK 17.0.15 -> OpenJDK 17.0.16"));
        assertTrue(c.environmentNotes().contains("Kernel: 6.1 -> 6.2"));
    }

    @Test
    void differentProfilesAreNotCompared() {
        Comparison c = compare(run("a", BASE_INFER), run("b", HOST, Profile.THOROUGH, BASE_INFER));
        assertEquals("different profile: quick vs thorough", c.notCompared().get(0).reason());
        Profile longer = new Profile("quick", 1, 3, 1.0, 20, 0.5, 3.0, 300);
        Comparison d = compare(run("a", BASE_INFER), run("b", HOST, longer, BASE_INFER));
        assertEquals("different profile: quick with different iterations", d.notCompared().get(0).reason());
        Profile laterTimeout = new Profile("quick", 1, 3, 1.0, 10, 0.5, 3.0, 900);
        assertEquals(1, compare(run("a", BASE_INFER), run("b", HOST, laterTimeout, BASE_INFER)).compared().size(),
                "the cell time limit does not change a number");
    }

    @Test
    void differentThreadSettingsAreNotCompared() {
        CellResult moreOmp = Fixtures.withSettings(BASE_INFER, Map.of("num_threads", "1", "omp_num_threads", "2",
                "djl_version", "0.35.0"));
        Comparison c = compare(run("a", BASE_INFER), run("b", moreOmp));
        assertEquals("different thread settings: omp_num_threads unset vs 2", c.notCompared().get(0).reason());
        CellResult otherSwitch = Fixtures.withSettings(BASE_INFER, Map.of("num_threads", "1", "ir_optim", "false",
                "djl_version", "0.35.0"));
        Comparison d = compare(run("a", BASE_INFER), run("b", otherSwitch));
        assertEquals(List.of("ir_optim unset -> false"), d.compared().get(0).settingChanges());
    }

    @Test
    void brokenCandidateGatesLikeASlowdown() {
        RunResult a = run("a", BASE_INFER, BASE_TRAIN);
        RunResult b = run("b", Fixtures.failed("PyTorch", "mlp", "infer", 32, 1, "child JVM crashed (exit 134)"),
                Fixtures.checkFailed(BASE_TRAIN));
        Comparison c = compare(a, b);
        assertTrue(c.compared().isEmpty());
        assertEquals("candidate failed: child JVM crashed (exit 134)", c.notCompared().get(0).reason());
        assertTrue(c.notCompared().get(0).regression());
        assertEquals("candidate failed checks: forward_matches_reference", c.notCompared().get(1).reason());
        assertTrue(c.notCompared().get(1).regression());
        assertEquals(2, c.regressions().size());
    }

    @Test
    void unsupportedOrAlreadyBrokenIsNotARegression() {
        RunResult a = run("a", BASE_INFER, Fixtures.failed("PyTorch", "mlp", "train", 32, 1, "old crash"),
                Fixtures.checkFailed(ok("X", "1", "mlp", "infer", 1, 1, 5, 5, 5)));
        RunResult b = run("b", Fixtures.unsupported("PyTorch", "mlp", "infer", 32, 1),
                Fixtures.failed("PyTorch", "mlp", "train", 32, 1, "new crash"),
                Fixtures.checkFailed(ok("X", "1", "mlp", "infer", 1, 1, 5, 5, 5)));
        Comparison c = compare(a, b);
        assertEquals(List.of("candidate unsupported: training is not supported by this engine",
                        "baseline failed: old crash; candidate failed: new crash",
                        "candidate failed checks: forward_matches_reference; baseline failed checks: "
                                + "forward_matches_reference"),
                c.notCompared().stream().map(Comparison.Separate::reason).toList());
        assertFalse(c.hasRegression());
        assertTrue(c.nothingComparable().startsWith("no result could be compared: candidate unsupported (1)"),
                c.nothingComparable());
    }

    @Test
    void formatsShowTheSameVerdicts() throws Exception {
        RunResult a = run("base-run", BASE_INFER, BASE_TRAIN);
        RunResult b = run("cand-run", ok("PyTorch", "2.8.0", "mlp", "infer", 32, 1, 110, 111, 109, 110, 110),
                ok("PyTorch", "2.8.0", "mlp", "train", 32, 1, 40, 41, 39, 40, 40));
        Comparison c = Comparison.of("results/base-run", a, "results/cand-run", b, Criteria.DEFAULT);

        String table = ComparisonFormat.table(c);
        assertTrue(table.contains("FASTER") && table.contains("SLOWER"), table);
        assertTrue(table.contains("2.7.1 -> 2.8.0"), table);
        assertTrue(table.contains("1.100 (+10.0%)"), table);
        assertTrue(table.contains("2 compared: 1 faster, 1 slower, 0 same, 0 undecided; 0 not compared. REGRESSION: "
                + "PyTorch mlp train b32 t1 -20.0%."), table);

        String md = ComparisonFormat.markdown(c);
        assertTrue(md.startsWith("## dlbench comparison: cand-run vs baseline base-run\n"), md);
        assertTrue(md.contains("| PyTorch | mlp | train | 32 | 1 | cpu | 2.7.1 -> 2.8.0 | 50 | 40 | 0.800 (-20.0%) | "),
                md);
        assertTrue(md.contains("| **slower** |"), md);
        assertTrue(md.contains("Threshold 5%, significance level 0.05"), md);

        JsonNode json = ResultsIO.JSON.readTree(ComparisonFormat.json(c));
        assertEquals("dlbench-compare", json.get("format").asText());
        assertEquals(2, json.get("format_version").asInt());
        assertEquals("cand-run", json.get("candidate").get("run_id").asText());
        assertEquals(0.05, json.get("criteria").get("threshold").asDouble(), 1e-12);
        JsonNode row = json.get("compared").get(1);
        assertEquals("train", row.get("mode").asText());
        assertEquals("slower", row.get("test").get("verdict").asText());
        assertEquals(0.8, row.get("test").get("ratio").asDouble(), 1e-12);
        assertTrue(row.get("test").get("p_value").asDouble() < 1e-6);
        assertTrue(row.get("test").has("ci_low") && row.get("test").has("ci_high"));
        assertEquals("PyTorch mlp train b32 t1 -20.0%", json.get("regressions").get(0).asText());
        assertEquals(1, json.get("regressions").size());
    }

    static final CellResult SLOW_INFER = Fixtures.djl(ok("PyTorch", "2.7.1", "mlp", "infer", 32, 1, 80, 81, 79, 80, 80),
            "0.35.0");

    @Test
    void aNoisyOrInconsistentSideIsNeitherFasterNorSlower() {
        RunResult a = run("a", BASE_INFER, Fixtures.verdict(BASE_TRAIN, "inconsistent", "JMH / bare loop 0.70"));
        RunResult b = run("b", Fixtures.verdict(SLOW_INFER, "noisy", "error +-14.0% above 10%"),
                ok("PyTorch", "2.7.1", "mlp", "train", 32, 1, 40, 41, 39, 40, 40));
        Comparison c = compare(a, b);
        assertTrue(c.compared().isEmpty(), "20% slower, but noisy: not compared");
        assertFalse(c.hasRegression(), "a noisy candidate does not fire the gate");
        assertEquals(2, c.notValidCount());
        Comparison.Separate infer = c.notCompared().get(0);
        assertEquals("candidate noisy: error +-14.0% above 10%", infer.reason());
        assertTrue(infer.notValid());
        assertFalse(infer.regression());
        assertEquals("valid", infer.baselineVerdict());
        assertEquals("noisy", infer.candidateVerdict());
        assertEquals("baseline inconsistent: JMH / bare loop 0.70", c.notCompared().get(1).reason());
        assertTrue(ComparisonFormat.summary(c).startsWith("0 compared: 0 faster, 0 slower, 0 same, 0 undecided; 2 not compared, 2 of"
                + " them left out for their verdicts (not valid in baseline or candidate). No regression"), ComparisonFormat.summary(c));
        assertTrue(c.nothingComparable().startsWith("no result could be compared: candidate noisy (1), baseline "
                + "inconsistent (1); a result not valid in baseline or candidate is never compared"), c.nothingComparable());
    }

    @Test
    void aNonValidCellDoesNotSilenceTheGate() {
        // noisy baseline, candidate crashed or failed its check: still regressions
        CellResult noisyInfer = Fixtures.verdict(BASE_INFER, "noisy", "3 iterations, minimum 3");
        CellResult noisyTrain = Fixtures.verdict(BASE_TRAIN, "noisy", "error +-11.0% above 10%");
        RunResult a = run("a", noisyInfer, noisyTrain);
        RunResult b = run("b", Fixtures.failed("PyTorch", "mlp", "infer", 32, 1, "child JVM crashed (exit 134)"),
                Fixtures.checkFailed(BASE_TRAIN));
        Comparison c = compare(a, b);
        assertEquals(2, c.regressions().size(), c.regressions().toString());
        assertEquals(0, c.notValidCount());

        // valid baseline, candidate invalid for another reason (too short, no checks): a regression
        CellResult tooShort = Fixtures.verdict(BASE_INFER, "invalid", "measured 1.0 s, minimum 3 s");
        CellResult unchecked = BASE_TRAIN.toBuilder().checks(List.of()).build();
        Comparison d = compare(run("a", BASE_INFER, BASE_TRAIN), run("b", tooShort, unchecked));
        assertEquals(List.of("PyTorch mlp infer b32 t1 (candidate invalid: measured 1.0 s, minimum 3 s)",
                "PyTorch mlp train b32 t1 (candidate invalid: no correctness check ran)"), d.regressions());

        // a valid slowdown next to a noisy cell still fires
        Comparison e = compare(run("a", BASE_INFER, BASE_TRAIN), run("b", Fixtures.verdict(BASE_INFER, "noisy", "x"),
                ok("PyTorch", "2.7.1", "mlp", "train", 32, 1, 40, 41, 39, 40, 40)));
        assertEquals(List.of("PyTorch mlp train b32 t1 -20.0%"), e.regressions());
        assertEquals(1, e.notValidCount());
    }

    @Test
    void anInvalidBaselineIsNotComparedAndNotARegression() {
        CellResult tooShort = Fixtures.verdict(BASE_INFER, "invalid", "measured 1.0 s, minimum 3 s");
        Comparison c = compare(run("a", tooShort), run("b", SLOW_INFER));
        assertFalse(c.hasRegression());
        assertEquals("baseline invalid: measured 1.0 s, minimum 3 s", c.notCompared().get(0).reason());
        assertTrue(c.notCompared().get(0).notValid());
        // baseline and candidate both invalid (failed checks): left out for their verdicts, no regression
        Comparison d = compare(run("a", Fixtures.checkFailed(BASE_INFER)), run("b", Fixtures.checkFailed(BASE_INFER)));
        assertFalse(d.hasRegression());
        assertEquals(1, d.notValidCount());
    }

    @Test
    void resultsWithoutAVerdictAreNotTreatedAsValid() {
        CellResult old = Fixtures.verdict(BASE_INFER, null, null);
        Comparison c = compare(run("a", old), run("b", SLOW_INFER));
        assertTrue(c.compared().isEmpty());
        assertFalse(c.hasRegression());
        Comparison.Separate s = c.notCompared().get(0);
        assertEquals("baseline no verdict: recorded without a verdict (older run); not treated as valid", s.reason());
        assertNull(s.baselineVerdict());
        assertTrue(ComparisonFormat.markdown(c).contains("| PyTorch mlp infer b32 t1 | 100 | no verdict | 80 | valid |"),
                ComparisonFormat.markdown(c));
        // an older baseline that worked still catches a candidate that broke
        Comparison d = compare(run("a", old), run("b", Fixtures.checkFailed(BASE_INFER)));
        assertTrue(d.hasRegression());
    }

    @Test
    void formatsListNonValidResultsApart() throws Exception {
        RunResult a = run("base-run", BASE_INFER, BASE_TRAIN);
        RunResult b = run("cand-run", Fixtures.verdict(SLOW_INFER, "inconsistent", "latency phase / JMH 3.10"),
                ok("PyTorch", "2.7.1", "mlp", "train", 32, 1, 50, 51, 49, 50, 50));
        Comparison c = Comparison.of("results/base-run", a, "results/cand-run", b, Criteria.DEFAULT);

        String table = ComparisonFormat.table(c);
        assertTrue(table.contains("Not comparable: verdict not valid (neither faster nor slower):\n"
                + "  PyTorch mlp infer b32 t1: candidate inconsistent: latency phase / JMH 3.10 (baseline 100, "
                + "candidate 80 samples/s)\n"), table);
        assertFalse(table.contains("Not compared:"), table);
        assertTrue(table.contains("1 compared: 0 faster, 0 slower, 1 same, 0 undecided; 1 not compared, 1 of them left out for "
                + "their verdicts"), table);

        String md = ComparisonFormat.markdown(c);
        assertTrue(md.contains("### Not comparable: verdict not valid"), md);
        assertTrue(md.contains("| PyTorch mlp infer b32 t1 | 100 | valid | 80 | inconsistent | candidate inconsistent: "
                + "latency phase / JMH 3.10 |"), md);
        assertFalse(md.contains("### Not compared"), md);

        JsonNode json = ResultsIO.JSON.readTree(ComparisonFormat.json(c));
        assertEquals(1, json.get("not_valid_count").asInt());
        JsonNode apart = json.get("not_compared").get(0);
        assertTrue(apart.get("not_valid").asBoolean());
        assertFalse(apart.get("regression").asBoolean());
        assertEquals("valid", apart.get("baseline_verdict").asText());
        assertEquals("inconsistent", apart.get("candidate_verdict").asText());
        assertEquals(0, json.get("regressions").size());
    }
}
