package org.dlbench.core.compare;

import static org.dlbench.core.json.FieldError.at;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.dlbench.core.json.FieldError;
import org.dlbench.core.json.JsonErrors;
import org.dlbench.core.result.CellResult;
import org.dlbench.core.result.Check;
import org.dlbench.core.result.Host;
import org.dlbench.core.result.ResultsIO;
import org.dlbench.core.result.RunResult;
import org.dlbench.core.result.Status;

/**
 * The run-to-run spread of every cell on one machine, from repeated runs of the same cells (A/A runs: the same
 * harness, engines and settings, made at different times): per cell, the coefficient of variation of the runs'
 * mean throughputs. {@code dlbench noise} makes it and writes {@code noise.json}; {@code dlbench compare --noise}
 * tests each cell against it ({@link SampleComparison.Level#NOISE_FLOOR}) and reports the minimum detectable effect
 * it allows. It holds every source of variance between two runs that forks within one run do not show (the JVM,
 * the engine's own start-up, other tenants of the machine), so it is the honest yardstick for a comparison of runs.
 *
 * @param format identifies the file ({@code dlbench-noise})
 * @param formatVersion version of its layout
 * @param cpu the machine's CPU model, as the runs recorded it
 * @param cores its physical cores
 * @param profile the profile every run used (a floor holds only for runs of the same profile)
 * @param runs the run ids it was made from, oldest first
 * @param cells per cell measured in at least two of the runs, the spread
 */
public record NoiseFloor(String format, int formatVersion, String cpu, int cores, String profile,
                         List<String> runs, List<Cell> cells) {
    public static final String FORMAT = "dlbench-noise";
    public static final int FORMAT_VERSION = 1;
    public static final String FILE = "noise.json";

    /**
     * One cell's spread.
     *
     * @param key the cell ({@link CellResult#key()})
     * @param runs how many runs measured it (the floor has {@code runs - 1} degrees of freedom)
     * @param mean mean of the runs' mean throughputs, samples/s
     * @param cv sample standard deviation of the runs' means over their mean
     * @param means each run's mean throughput, in the order of {@link NoiseFloor#runs} that measured it
     */
    public record Cell(@JsonProperty(required = true) String key, @JsonProperty(required = true) int runs,
                       @JsonProperty(required = true) double mean, @JsonProperty(required = true) double cv,
                       List<Double> means) {
    }

    /** The floor's entry for a cell, or null. */
    public Cell cell(String key) {
        for (Cell c : cells) {
            if (c.key().equals(key)) {
                return c;
            }
        }
        return null;
    }

    /**
     * The floor of repeated runs: they must come from one machine (CPU model and cores) and one profile, or the
     * one-line reason is thrown as an {@link IllegalArgumentException}. A cell counts from a run when it was measured
     * there and passed every check it ran (its verdict does not matter: the spread is the machine's); cells measured
     * in fewer than two runs are left out.
     */
    public static NoiseFloor of(List<RunResult> repeated) {
        if (repeated.size() < 2) {
            throw new IllegalArgumentException("a noise floor needs at least two runs of the same cells, got "
                    + repeated.size());
        }
        RunResult first = repeated.get(0);
        for (RunResult r : repeated) {
            String diff = Comparison.hostDifference(first.host(), r.host());
            if (diff != null) {
                throw new IllegalArgumentException("runs " + first.runId() + " and " + r.runId()
                        + " come from different machines (" + diff + "); a noise floor is one machine's");
            }
            String pdiff = Comparison.profileDifference(first.profile(), r.profile());
            if (pdiff != null) {
                throw new IllegalArgumentException("runs " + first.runId() + " and " + r.runId()
                        + " used different profiles (" + pdiff + "); a noise floor holds for one profile");
            }
        }
        Map<String, List<Double>> means = new LinkedHashMap<>();
        for (RunResult r : repeated) {
            for (CellResult c : r.results()) {
                if (c.status() == Status.OK && c.score() != null && c.score() > 0
                        && (c.checks() == null || c.checks().stream().allMatch(Check::passed))) {
                    means.computeIfAbsent(c.key(), k -> new ArrayList<>()).add(c.score());
                }
            }
        }
        List<Cell> cells = new ArrayList<>();
        for (Map.Entry<String, List<Double>> e : means.entrySet()) {
            List<Double> m = e.getValue();
            if (m.size() >= 2) {
                double mean = Stats.mean(m);
                cells.add(new Cell(e.getKey(), m.size(), mean, Math.sqrt(Stats.variance(m)) / mean, List.copyOf(m)));
            }
        }
        Host h = first.host();
        return new NoiseFloor(FORMAT, FORMAT_VERSION, h == null ? null : h.cpuModel(), h == null ? 0 : h.cores(),
                first.profile() == null ? null : first.profile().name(),
                repeated.stream().map(RunResult::runId).toList(), List.copyOf(cells));
    }

    /**
     * Why this floor does not hold for a comparison of runs made on {@code host} with {@code profile}, or null when
     * it does.
     */
    public String mismatch(Host host, String profileName) {
        if (host != null && (!Objects.equals(cpu, host.cpuModel()) || cores != host.cores())) {
            return "it was measured on " + cpu + " with " + cores + " cores, the runs on " + host.cpuModel() + " with "
                    + host.cores();
        }
        if (!Objects.equals(profile, profileName)) {
            return "it was measured with profile " + profile + ", the runs with " + profileName;
        }
        return null;
    }

    public void write(Path file) throws IOException {
        ResultsIO.writeAtomically(file, ResultsIO.JSON.writeValueAsBytes(this));
    }

    /** Reads and checks a noise.json; every problem is one {@link IllegalArgumentException} line FILE: PATH: problem. */
    public static NoiseFloor read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no noise floor file at " + file);
        }
        JsonNode tree;
        try {
            tree = ResultsIO.JSON.readTree(Files.readAllBytes(file));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(file + ": " + JsonErrors.describe(e, null), e);
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read: " + e.getMessage(), e);
        }
        if (tree == null || !tree.isObject()) {
            throw new IllegalArgumentException(file + ": " + JsonErrors.TOP + ": expected an object, got "
                    + JsonErrors.describe(tree) + "; not a dlbench noise floor");
        }
        JsonNode format = tree.get("format");
        if (format == null || !FORMAT.equals(format.asText())) {
            throw new IllegalArgumentException(file + ": format: expected \"" + FORMAT + "\", got "
                    + JsonErrors.describe(format) + "; not a dlbench noise floor (make one with dlbench noise)");
        }
        NoiseFloor floor;
        try {
            floor = ResultsIO.JSON.treeToValue(tree, NoiseFloor.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(file + ": " + JsonErrors.describe(e, tree), e);
        }
        try {
            floor.validate();
        } catch (FieldError e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
        return floor;
    }

    void validate() {
        if (formatVersion != FORMAT_VERSION) {
            throw new FieldError("format_version", formatVersion + "; this dlbench reads " + FORMAT_VERSION);
        }
        FieldError.requiredText(profile, "profile");
        FieldError.required(runs, "runs");
        FieldError.required(cells, "cells");
        FieldError.noNulls(cells, "cells");
        for (int i = 0; i < cells.size(); i++) {
            Cell c = cells.get(i);
            String p = at("cells", i);
            FieldError.requiredText(c.key(), at(p, "key"));
            FieldError.atLeast(c.runs(), 2, at(p, "runs"));
            FieldError.positive(c.mean(), at(p, "mean"));
            if (!(c.cv() >= 0) || Double.isInfinite(c.cv())) {
                throw new FieldError(at(p, "cv"), "expected a finite number at least 0, got " + c.cv());
            }
        }
    }
}
