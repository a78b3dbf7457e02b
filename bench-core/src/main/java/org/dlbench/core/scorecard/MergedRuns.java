package org.dlbench.core.scorecard;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.dlbench.core.result.CellResult;
import org.dlbench.core.result.Host;
import org.dlbench.core.result.Judged;
import org.dlbench.core.result.Profile;
import org.dlbench.core.result.RunResult;

/**
 * The cells of one or several runs made on the same machine (host name, CPU model, cores) with the same profile
 * (name and measuring settings), as one set. A cell measured in several runs is taken from the last run given,
 * unless that one is not valid and an earlier one is. Runs of different machines or profiles are refused: their
 * numbers do not belong on one scorecard.
 *
 * @param runIds the runs merged, in the order given
 * @param host the machine (of the first run)
 * @param profile the profile (of the first run)
 * @param cells every cell, one per {@link CellResult#key()}
 * @param replaced how many cells were measured in more than one run (one of each kept)
 */
public record MergedRuns(List<String> runIds, Host host, Profile profile, List<CellResult> cells, int replaced) {
    public MergedRuns {
        runIds = List.copyOf(runIds);
        cells = List.copyOf(cells);
    }

    /** One run as is. */
    public static MergedRuns of(RunResult run) {
        return of(List.of(run));
    }

    /**
     * Merges runs, or throws a one-line {@link ScorecardException} naming the first two that differ and how.
     */
    public static MergedRuns of(List<RunResult> runs) {
        if (runs.isEmpty()) {
            throw new ScorecardException("no run to score");
        }
        RunResult first = runs.get(0);
        for (RunResult r : runs.subList(1, runs.size())) {
            String host = hostDifference(first.host(), r.host());
            if (host != null) {
                throw new ScorecardException("runs " + first.runId() + " and " + r.runId()
                        + " cannot be merged: different machines (" + host + ")");
            }
            String profile = profileDifference(first.profile(), r.profile());
            if (profile != null) {
                throw new ScorecardException("runs " + first.runId() + " and " + r.runId()
                        + " cannot be merged: different profiles (" + profile + ")");
            }
        }
        Map<String, CellResult> cells = new LinkedHashMap<>();
        int replaced = 0;
        for (RunResult run : runs) {
            for (CellResult c : run.results()) {
                CellResult old = cells.get(c.key());
                if (old != null) {
                    replaced++;
                    if (Judged.clean(old) && !Judged.clean(c)) {
                        continue;
                    }
                }
                cells.put(c.key(), c);
            }
        }
        return new MergedRuns(runs.stream().map(RunResult::runId).toList(), first.host(), first.profile(),
                new ArrayList<>(cells.values()), replaced);
    }

    /** What makes two hosts different machines, or null when they are the same one. */
    static String hostDifference(Host a, Host b) {
        if (a == null || b == null) {
            return a == b ? null : "one run does not record its host";
        }
        List<String> d = new ArrayList<>();
        if (!Objects.equals(a.hostname(), b.hostname())) {
            d.add("host " + a.hostname() + " vs " + b.hostname());
        }
        if (!Objects.equals(a.cpuModel(), b.cpuModel())) {
            d.add("CPU " + a.cpuModel() + " vs " + b.cpuModel());
        }
        if (a.cores() != b.cores()) {
            d.add(a.cores() + " vs " + b.cores() + " cores");
        }
        return d.isEmpty() ? null : String.join(", ", d);
    }

    /** How two profiles measure differently, or null when they measure alike (the cell time limit aside). */
    static String profileDifference(Profile a, Profile b) {
        if (a == null || b == null) {
            return a == b ? null : "one run does not record its profile";
        }
        if (!a.name().equals(b.name())) {
            return a.name() + " vs " + b.name();
        }
        boolean same = a.forks() == b.forks() && a.warmupIterations() == b.warmupIterations()
                && a.warmupSeconds() == b.warmupSeconds() && a.measurementIterations() == b.measurementIterations()
                && a.measurementSeconds() == b.measurementSeconds() && a.latencySeconds() == b.latencySeconds();
        return same ? null : a.name() + " with different forks or iterations";
    }
}
