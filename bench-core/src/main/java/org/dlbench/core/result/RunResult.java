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
        @JsonProperty(required = true) List<CellResult> results) {

    public static final int SCHEMA_VERSION = 1;

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
    }

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
