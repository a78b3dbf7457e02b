package org.dlbench.core.result;

import static org.dlbench.core.json.FieldError.required;
import static org.dlbench.core.json.FieldError.requiredText;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.List;
import org.dlbench.core.json.FieldError;

/**
 * A whole run as written to {@code results.json}. Readers check {@link #schemaVersion} first. Fields marked required
 * must be present in the file; {@link #validate()} checks the rest of what readers rely on.
 *
 * @param driftReference the engine-free reference workload measured before the cells, to tell machine drift between
 *     two runs from changes in the engines; null in runs made without it (and in results written before it existed)
 */
public record RunResult(
        @JsonProperty(required = true) int schemaVersion,
        @JsonProperty(required = true) String runId,
        @JsonProperty(required = true) String startedAt,
        String finishedAt,
        String harnessVersion,
        String gitCommit,
        @JsonProperty(required = true) Host host,
        @JsonProperty(required = true) Profile profile,
        @JsonProperty(required = true) List<CellResult> results,
        DriftReference driftReference) {

    public static final int SCHEMA_VERSION = 1;

    /** A run without a drift reference. */
    public RunResult(int schemaVersion, String runId, String startedAt, String finishedAt, String harnessVersion,
                     String gitCommit, Host host, Profile profile, List<CellResult> results) {
        this(schemaVersion, runId, startedAt, finishedAt, harnessVersion, gitCommit, host, profile, results, null);
    }

    /**
     * Checks, after binding, every field that reports, comparisons, the history and {@code --resume} rely on: present,
     * not null, in range. Fails with the JSON path of the first bad field, e.g. {@code results[3].status: missing}.
     */
    public void validate() {
        requiredText(runId, "run_id");
        requiredText(startedAt, "started_at");
        required(host, "host").validate("host");
        required(profile, "profile").validate("profile");
        FieldError.each(required(results, "results"), "results", CellResult::validate);
        if (driftReference != null) {
            driftReference.validate("drift_reference");
        }
    }

    public RunResult withResult(CellResult r) {
        List<CellResult> next = new ArrayList<>(results);
        next.removeIf(old -> old.key().equals(r.key()));
        next.add(r);
        return new RunResult(schemaVersion, runId, startedAt, finishedAt, harnessVersion, gitCommit, host, profile,
                List.copyOf(next), driftReference);
    }

    public RunResult finished(String at) {
        return new RunResult(schemaVersion, runId, startedAt, at, harnessVersion, gitCommit, host, profile, results,
                driftReference);
    }

    /** The same run on a host with other facts (e.g. its calibration added). */
    public RunResult withHost(Host h) {
        return new RunResult(schemaVersion, runId, startedAt, finishedAt, harnessVersion, gitCommit, h, profile, results,
                driftReference);
    }

    /** The same run with its drift reference. */
    public RunResult withDriftReference(DriftReference d) {
        return new RunResult(schemaVersion, runId, startedAt, finishedAt, harnessVersion, gitCommit, host, profile,
                results, d);
    }

    /** A run id that sorts by time and says where it ran: {@code 20261126-193000-hostname}. */
    public static String newRunId(String hostname) {
        String stamp = java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
                .withZone(java.time.ZoneOffset.UTC).format(java.time.Instant.now());
        return stamp + "-" + hostname.replaceAll("[^A-Za-z0-9_.-]", "_");
    }
}
