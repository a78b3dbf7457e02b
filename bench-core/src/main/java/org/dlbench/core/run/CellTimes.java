package org.dlbench.core.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.dlbench.core.host.DriftProbe;
import org.dlbench.core.result.CellKey;
import org.dlbench.core.result.CellResult;
import org.dlbench.core.result.Host;
import org.dlbench.core.result.Profile;
import org.dlbench.core.result.ResultsIO;
import org.dlbench.core.result.RunResult;
import org.dlbench.core.result.Status;

/**
 * How long the cells of a run will take, for the plan line and the time left after each cell. A cell that an earlier
 * run in the same results directory measured on this host with this profile takes as long as it took then (the most
 * recent such run counts); any other cell takes the profile's fixed phases ({@link Orchestrator#estimateSeconds}).
 * The time left after each cell scales the estimate of the cells still to come by how much longer or shorter the
 * cells so far took than estimated. An estimate, never a measurement: nothing here reaches a result.
 */
final class CellTimes {
    /** Around each cell and outside its recorded seconds: its JVM start and exit, the drift samples around it. */
    static final double OVERHEAD_SECONDS = 1.0;
    static final double DRIFT_SECONDS = 2 * (DriftProbe.CELL_WARMUP_SECONDS
            + DriftProbe.CELL_SAMPLES * DriftProbe.CELL_SAMPLE_SECONDS);
    /** How far the cells measured so far may rescale the estimate of the rest. */
    private static final double MIN_SCALE = 0.5;
    private static final double MAX_SCALE = 3;

    private final Map<CellKey, Double> earlier;
    private final double fallback;
    private final double around;
    private double doneWall;
    private double doneEstimate;

    CellTimes(Map<CellKey, Double> earlier, double fallback, double around) {
        this.earlier = Map.copyOf(earlier);
        this.fallback = fallback;
        this.around = around;
    }

    /**
     * Reads the cell times of the earlier runs under {@code resultsRoot} (every directory with a results.json but
     * {@code skipRunId}) made on {@code host} with {@code profile}; unreadable runs are passed over.
     */
    static CellTimes of(Path resultsRoot, String skipRunId, Host host, Profile profile, boolean driftAroundCells) {
        Map<CellKey, Double> earlier = new HashMap<>();
        Map<CellKey, String> from = new HashMap<>();
        List<Path> dirs;
        try (Stream<Path> s = Files.isDirectory(resultsRoot) ? Files.list(resultsRoot) : Stream.empty()) {
            dirs = s.filter(d -> !d.getFileName().toString().equals(skipRunId))
                    .filter(d -> Files.isRegularFile(d.resolve(ResultsIO.FILE))).sorted(Comparator.naturalOrder())
                    .toList();
        } catch (IOException | RuntimeException e) {
            dirs = List.of();
        }
        for (Path d : dirs) {
            RunResult run;
            try {
                run = ResultsIO.read(d);
            } catch (RuntimeException e) {
                continue;
            }
            if (!sameMachine(run.host(), host) || !profile.equals(run.profile())) {
                continue;
            }
            for (CellResult r : run.results()) {
                CellKey k = r.cellKey();
                // a failed cell may have stopped early or hit the time limit: neither says how long it takes
                if (r.status() != Status.OK || r.seconds() == null || r.seconds() <= 0) {
                    continue;
                }
                String seen = from.get(k);
                if (seen == null || seen.compareTo(run.startedAt()) <= 0) {
                    earlier.put(k, r.seconds());
                    from.put(k, run.startedAt());
                }
            }
        }
        return new CellTimes(earlier, Orchestrator.estimateSeconds(profile),
                OVERHEAD_SECONDS + (driftAroundCells ? DRIFT_SECONDS : 0));
    }

    /** The same machine as far as a time estimate goes: its name, CPU model and CPU count. */
    static boolean sameMachine(Host a, Host b) {
        return a.hostname().equals(b.hostname()) && a.cpuModel().equals(b.cpuModel()) && a.cores() == b.cores();
    }

    /** The wall time {@code key} is expected to take, everything around it included. */
    double seconds(CellKey key) {
        Double s = earlier.get(key);
        return s == null ? fallback : s + around;
    }

    boolean known(CellKey key) {
        return earlier.containsKey(key);
    }

    /** The plan line's part: "about 62 min: 80 cells as long as in earlier runs on this host, 4 at 29 s each". */
    String describe(List<CellKey> cells) {
        double total = cells.stream().mapToDouble(this::seconds).sum();
        long known = cells.stream().filter(this::known).count();
        String minutes = "about " + Math.round(Math.ceil(total / 60)) + " min";
        if (known == 0) {
            return String.format(Locale.ROOT, "%s at the profile's %.0f s per cell", minutes, fallback);
        }
        if (known == cells.size()) {
            return minutes + ", every cell as long as it took in the latest earlier run on this host";
        }
        return String.format(Locale.ROOT, "%s: %d cells as long as they took in earlier runs on this host, %d at the"
                + " profile's %.0f s per cell", minutes, known, cells.size() - known, fallback);
    }

    /** Records that {@code key} took {@code wallSeconds}, for the estimate of the rest. */
    void done(CellKey key, double wallSeconds) {
        doneWall += wallSeconds;
        doneEstimate += seconds(key);
    }

    /** Minutes the cells {@code left} should take, rescaled by how the cells so far compared with their estimate. */
    long minutesLeft(List<CellKey> left) {
        double scale = doneEstimate > 0 ? Math.max(MIN_SCALE, Math.min(MAX_SCALE, doneWall / doneEstimate)) : 1;
        return Math.round(Math.ceil(scale * left.stream().mapToDouble(this::seconds).sum() / 60));
    }
}
