package org.dlbench.core.result;

import java.util.ArrayList;
import java.util.List;

/**
 * A whole run as written to {@code results.json}. Readers check {@link #schemaVersion} first.
 */
public record RunResult(
        int schemaVersion,
        String runId,
        String startedAt,
        String finishedAt,
        String harnessVersion,
        String gitCommit,
        Host host,
        Profile profile,
        List<CellResult> results) {

    public static final int SCHEMA_VERSION = 1;

    public RunResult withResult(CellResult r) {
        List<CellResult> next = new ArrayList<>(results);
        next.removeIf(old -> old.key().equals(r.key()));
        next.add(r);
        return new RunResult(schemaVersion, runId, startedAt, finishedAt, harnessVersion, gitCommit, host, profile,
                List.copyOf(next));
    }

    public RunResult finished(String at) {
        return new RunResult(schemaVersion, runId, startedAt, at, harnessVersion, gitCommit, host, profile, results);
    }
}
