package org.dlbench.core.compare;

import static org.dlbench.core.compare.Fixtures.ok;
import static org.dlbench.core.compare.Fixtures.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.dlbench.core.result.CellResult;
import org.dlbench.core.result.Profile;
import org.dlbench.core.result.RunResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The noise floor from repeated runs, its file, and a comparison of single-fork runs against it. */
class NoiseFloorTest {
    static CellResult infer(double... samples) {
        return Fixtures.oneFork(ok("PyTorch", "2.7.1", "mlp", "infer", 32, 1, samples));
    }

    static CellResult train(double... samples) {
        return Fixtures.oneFork(ok("PyTorch", "2.7.1", "mlp", "train", 32, 1, samples));
    }

    static final List<RunResult> AA = List.of(
            run("20261120-100000-box", infer(100, 100), train(50, 50)),
            run("20261120-110000-box", infer(104, 104), train(50, 50)),
            run("20261120-120000-box", infer(96, 96), Fixtures.checkFailed(train(10, 10))));

    @Test
    void perCellSpreadOfRunMeans() {
        NoiseFloor f = NoiseFloor.of(AA);
        assertEquals(List.of("20261120-100000-box", "20261120-110000-box", "20261120-120000-box"), f.runs());
        assertEquals("quick", f.profile());
        NoiseFloor.Cell i = f.cell("PyTorch/mlp/infer/b32/t1/cpu");
        assertEquals(3, i.runs());
        assertEquals(100.0, i.mean(), 1e-12);
        assertEquals(4.0 / 100, i.cv(), 1e-12); // sd of 100, 104, 96 is 4
        // the run whose training failed its check does not count
        NoiseFloor.Cell t = f.cell("PyTorch/mlp/train/b32/t1/cpu");
        assertEquals(2, t.runs());
        assertEquals(0.0, t.cv(), 1e-12);
        assertNull(f.cell("nope"));
    }

    @Test
    void runsFromAnotherMachineOrProfileAreRefused() {
        IllegalArgumentException one = assertThrows(IllegalArgumentException.class, () -> NoiseFloor.of(AA.subList(0, 1)));
        assertTrue(one.getMessage().contains("at least two runs"), one.getMessage());
        RunResult thorough = run("t", Fixtures.HOST, Profile.THOROUGH, infer(100, 100));
        IllegalArgumentException p = assertThrows(IllegalArgumentException.class,
                () -> NoiseFloor.of(List.of(AA.get(0), thorough)));
        assertTrue(p.getMessage().contains("different profiles (quick vs thorough)"), p.getMessage());
        NoiseFloor f = NoiseFloor.of(AA);
        assertTrue(f.mismatch(Fixtures.HOST, "thorough").contains("profile quick"), f.mismatch(Fixtures.HOST, "thorough"));
        assertNull(f.mismatch(Fixtures.HOST, "quick"));
    }

    @Test
    void singleForkRunsAreUndecidedWithoutAFloorAndTestedWithOne() {
        RunResult a = run("a", infer(100, 100.5, 99.5));
        RunResult b = run("b", infer(70, 70.5, 69.5));
        Comparison without = Comparison.of("a", a, "b", b, Criteria.DEFAULT);
        assertEquals(Verdict.UNDECIDED, without.compared().get(0).test().verdict());
        assertTrue(!without.hasRegression(), "undecided is never a regression");
        assertTrue(ComparisonFormat.summary(without).contains("0 slower, 0 same, 1 undecided"),
                ComparisonFormat.summary(without));
        Comparison with = Comparison.of("a", a, "b", b, Criteria.DEFAULT, NoiseFloor.of(AA));
        assertEquals(Verdict.SLOWER, with.compared().get(0).test().verdict());
        assertEquals(SampleComparison.Level.NOISE_FLOOR, with.compared().get(0).test().level());
        assertTrue(ComparisonFormat.rules(with).contains("noise floor: runs 20261120-100000-box"),
                ComparisonFormat.rules(with));
    }

    @Test
    void manyCellsAreCorrectedTogether() {
        // four cells, each about 6% slower with p around 0.02-0.04 on its own: after Holm none is called
        CellResult[] base = new CellResult[4];
        CellResult[] cand = new CellResult[4];
        for (int k = 0; k < 4; k++) {
            base[k] = ok("E" + k, "1", "mlp", "infer", 32, 1, 100, 104, 96, 100);
            cand[k] = ok("E" + k, "1", "mlp", "infer", 32, 1, 94 - 0.1 * k, 97, 91, 94);
        }
        Comparison none = Comparison.of("a", run("a", base), "b", run("b", cand),
                new Criteria(0.05, 0.05, false, Correction.NONE));
        Comparison holm = Comparison.of("a", run("a", base), "b", run("b", cand),
                new Criteria(0.05, 0.05, false, Correction.HOLM));
        assertEquals(4, none.count(Verdict.SLOWER), ComparisonFormat.table(none));
        assertEquals(0, holm.count(Verdict.SLOWER), ComparisonFormat.table(holm));
        for (Comparison.Row r : holm.compared()) {
            assertTrue(r.test().adjustedP() >= r.test().pValue(), r.toString());
        }
        assertTrue(ComparisonFormat.rules(holm).contains("Holm (family-wise error rate)"), ComparisonFormat.rules(holm));
    }

    @Test
    void fileRoundTripsAndBadFilesSayWhereInOneLine(@TempDir Path dir) throws Exception {
        NoiseFloor f = NoiseFloor.of(AA);
        Path file = dir.resolve("noise.json");
        f.write(file);
        assertEquals(f, NoiseFloor.read(file));
        String text = Files.readString(file);
        Files.writeString(dir.resolve("bad-cv.json"), text.replaceFirst("\"cv\" : [0-9.Ee-]+", "\"cv\" : -1"));
        IllegalArgumentException cv = assertThrows(IllegalArgumentException.class,
                () -> NoiseFloor.read(dir.resolve("bad-cv.json")));
        assertTrue(cv.getMessage().matches(".*bad-cv.json: cells\\[0\\]\\.cv: expected a finite number at least 0, got -1.0"),
                cv.getMessage());
        Files.writeString(dir.resolve("runs1.json"), text.replaceFirst("\"runs\" : 3", "\"runs\" : 1"));
        IllegalArgumentException runs = assertThrows(IllegalArgumentException.class,
                () -> NoiseFloor.read(dir.resolve("runs1.json")));
        assertTrue(runs.getMessage().contains("runs1.json: cells[0].runs:"), runs.getMessage());
        Files.writeString(dir.resolve("results.json"), "{\"schema_version\": 5}");
        IllegalArgumentException foreign = assertThrows(IllegalArgumentException.class,
                () -> NoiseFloor.read(dir.resolve("results.json")));
        assertTrue(foreign.getMessage().contains("format: expected \"dlbench-noise\""), foreign.getMessage());
        for (IllegalArgumentException e : List.of(cv, runs, foreign)) {
            assertTrue(!e.getMessage().contains("\n"), e.getMessage());
        }
    }
}
