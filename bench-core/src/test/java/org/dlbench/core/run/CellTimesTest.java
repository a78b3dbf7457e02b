package org.dlbench.core.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.dlbench.core.compare.Fixtures;
import org.dlbench.core.result.CellKey;
import org.dlbench.core.result.CellResult;
import org.dlbench.core.result.Host;
import org.dlbench.core.result.Profile;
import org.dlbench.core.result.ResultsIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The run's time estimate: earlier runs on this host and profile, the profile's phases for the rest. */
class CellTimesTest {
    @TempDir
    Path results;

    static final CellKey MLP = new CellKey("PyTorch", "mlp", "infer", 32, 1, "cpu");
    static final CellKey LSTM = new CellKey("PyTorch", "lstm", "train", 32, 1, "cpu");
    static final CellKey NEW = new CellKey("MXNet", "dlrm", "infer", 32, 1, "cpu");

    CellResult took(CellKey k, double seconds) {
        return Fixtures.ok(k.engine(), "1", k.workload(), k.mode(), k.batch(), k.threads(), 100, 101, 99).toBuilder()
                .seconds(seconds).build();
    }

    void write(String id, Host host, Profile profile, CellResult... cells) throws Exception {
        Files.createDirectories(results.resolve(id));
        ResultsIO.write(Fixtures.run(id, host, profile, cells), results.resolve(id).resolve(ResultsIO.FILE));
    }

    @Test
    void cellsTakeAsLongAsTheirLatestRunOnThisHostAndProfile() throws Exception {
        write("20261120-100000-box", Fixtures.HOST, Profile.QUICK, took(MLP, 30), took(LSTM, 200));
        write("20261121-100000-box", Fixtures.HOST, Profile.QUICK, took(MLP, 20));
        // another profile, another machine and a broken run say nothing about this one
        write("20261122-100000-box", Fixtures.HOST, Profile.SMOKE, took(MLP, 2));
        Host other = new Host("other", "Other CPU", List.of(), 64, 1L << 36, "Debian 12", "6.1", "OpenJDK 17", List.of(),
                List.of());
        write("20261123-100000-other", other, Profile.QUICK, took(LSTM, 5));
        Files.createDirectories(results.resolve("broken"));
        Files.writeString(results.resolve("broken").resolve(ResultsIO.FILE), "{");

        CellTimes t = CellTimes.of(results, "20261130-100000-box", Fixtures.HOST, Profile.QUICK, false);
        double around = CellTimes.OVERHEAD_SECONDS;
        assertEquals(20 + around, t.seconds(MLP), 1e-9);
        assertEquals(200 + around, t.seconds(LSTM), 1e-9);
        assertFalse(t.known(NEW));
        double fallback = Orchestrator.estimateSeconds(Profile.QUICK);
        assertEquals(fallback, t.seconds(NEW), 1e-9);
        String line = t.describe(List.of(MLP, LSTM, NEW));
        assertEquals(String.format(java.util.Locale.ROOT, "about %d min: 2 cells as long as they took in earlier runs"
                + " on this host, 1 at the profile's %.0f s per cell",
                (long) Math.ceil((220 + 2 * around + fallback) / 60), fallback), line);
    }

    @Test
    void withoutEarlierRunsEveryCellTakesTheProfilesPhases() {
        CellTimes t = CellTimes.of(results.resolve("missing"), "x", Fixtures.HOST, Profile.QUICK, true);
        double fallback = Orchestrator.estimateSeconds(Profile.QUICK);
        assertTrue(t.describe(List.of(MLP, NEW)).endsWith("at the profile's " + Math.round(fallback)
                + " s per cell"), t.describe(List.of(MLP, NEW)));
    }

    @Test
    void theTimeLeftFollowsHowLongTheCellsSoFarTook() throws Exception {
        write("20261120-100000-box", Fixtures.HOST, Profile.QUICK, took(MLP, 60 - CellTimes.OVERHEAD_SECONDS),
                took(LSTM, 120 - CellTimes.OVERHEAD_SECONDS));
        CellTimes t = CellTimes.of(results, "now", Fixtures.HOST, Profile.QUICK, false);
        assertEquals(2, t.minutesLeft(List.of(LSTM)));
        // the first cell took twice its estimate: the rest will too
        t.done(MLP, 120);
        assertEquals(4, t.minutesLeft(List.of(LSTM)));
    }
}
