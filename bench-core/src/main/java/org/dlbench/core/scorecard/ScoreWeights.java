package org.dlbench.core.scorecard;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.dlbench.core.json.JsonErrors;

/**
 * The weights and the confidence level of the scorecard, read from a documented JSON file: the built-in
 * {@value #RESOURCE} (beside the workloads) or the user's own ({@code --weights FILE}). Every field but
 * {@code about} is required; a bad file is one {@link ScorecardException} line {@code FILE: field: problem}.
 *
 * @param source where the weights were read from, as the scorecard prints it
 * @param dimensions weight of each {@link Dimension} in the overall index (at least one above 0)
 * @param modes weight of {@code infer} and {@code train} in the throughput dimension and in coverage
 * @param families weight of each workload family ({@code cnn}, {@code sequence}, {@code sparse})
 * @param confidence two-sided confidence level of every interval, between 0 and 1
 */
public record ScoreWeights(String source, Map<Dimension, Double> dimensions, Map<String, Double> modes,
                           Map<String, Double> families, double confidence) {
    /** The built-in file, a class-path resource. */
    public static final String RESOURCE = "/org/dlbench/core/workloads/scorecard.json";
    /** The value of the {@code format} field that identifies a weights file. */
    public static final String FORMAT = "dlbench-scorecard-weights";
    static final List<String> MODES = List.of("infer", "train");
    static final List<String> FAMILIES = List.of("cnn", "sequence", "sparse");
    private static final List<String> TOP = List.of("format", "about", "dimensions", "modes", "families", "confidence");
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static volatile ScoreWeights builtIn;

    public ScoreWeights {
        dimensions = Map.copyOf(dimensions);
        modes = Map.copyOf(modes);
        families = Map.copyOf(families);
    }

    /** The built-in weights (read once). */
    public static ScoreWeights builtIn() {
        ScoreWeights w = builtIn;
        if (w == null) {
            try (InputStream in = ScoreWeights.class.getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException("built-in " + RESOURCE + " is missing from the class path");
                }
                w = parse(in.readAllBytes(), "built-in scorecard.json (bench-core/src/main/resources" + RESOURCE + ")");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            builtIn = w;
        }
        return w;
    }

    /** A user's weights file. */
    public static ScoreWeights load(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ScorecardException(file + ": cannot read: " + (Files.isDirectory(file) ? "it is a directory"
                    : "no such file"));
        }
        try {
            return parse(Files.readAllBytes(file), file.toString());
        } catch (IOException e) {
            throw new ScorecardException(file + ": cannot read: " + e.getMessage());
        }
    }

    /** Parses and checks a weights file; {@code source} names it in errors and in the scorecard. */
    public static ScoreWeights parse(byte[] json, String source) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new ScorecardException(source + ": " + JsonErrors.describe(e, null));
        } catch (IOException e) {
            throw new ScorecardException(source + ": cannot read: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw bad(source, JsonErrors.TOP, "expected an object, got " + JsonErrors.describe(root)
                    + "; not a scorecard weights file");
        }
        JsonNode format = root.get("format");
        if (format == null || !FORMAT.equals(format.asText())) {
            throw bad(source, "format", "expected \"" + FORMAT + "\", got " + JsonErrors.describe(format)
                    + "; not a scorecard weights file");
        }
        unknown(root, TOP, "", source);
        JsonNode about = root.get("about");
        if (about != null && !about.isObject()) {
            throw bad(source, "about", "expected an object, got " + JsonErrors.describe(about));
        }
        Map<Dimension, Double> dims = new LinkedHashMap<>();
        Map<String, Double> byName = weights(root, "dimensions", Dimension.names(), source);
        byName.forEach((k, v) -> dims.put(Dimension.of(k), v));
        Map<String, Double> modes = weights(root, "modes", MODES, source);
        Map<String, Double> families = weights(root, "families", FAMILIES, source);
        JsonNode c = root.get("confidence");
        if (c == null) {
            throw bad(source, "confidence", "missing");
        }
        if (!c.isNumber() || !(c.asDouble() > 0 && c.asDouble() < 1)) {
            throw bad(source, "confidence", "expected a number between 0 and 1 (e.g. 0.95), got "
                    + JsonErrors.describe(c));
        }
        return new ScoreWeights(source, dims, modes, families, c.asDouble());
    }

    /** A section of named weights: every name required, no other, each a finite number at least 0, not all 0. */
    private static Map<String, Double> weights(JsonNode root, String field, List<String> names, String source) {
        JsonNode n = root.get(field);
        if (n == null) {
            throw bad(source, field, "missing");
        }
        if (!n.isObject()) {
            throw bad(source, field, "expected an object of weights, got " + JsonErrors.describe(n));
        }
        unknown(n, names, field + ".", source);
        Map<String, Double> out = new LinkedHashMap<>();
        for (String name : names) {
            JsonNode v = n.get(name);
            if (v == null) {
                throw bad(source, field + "." + name, "missing");
            }
            if (!v.isNumber() || !Double.isFinite(v.asDouble()) || v.asDouble() < 0) {
                throw bad(source, field + "." + name, "expected a number at least 0, got " + JsonErrors.describe(v));
            }
            out.put(name, v.asDouble());
        }
        if (out.values().stream().allMatch(w -> w == 0)) {
            throw bad(source, field, "every weight is 0; at least one must be above 0");
        }
        return out;
    }

    private static void unknown(JsonNode n, List<String> known, String prefix, String source) {
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!known.contains(f)) {
                throw bad(source, prefix + f, "unknown field (known: " + String.join(", ", known) + ")");
            }
        }
    }

    private static ScorecardException bad(String source, String field, String problem) {
        return new ScorecardException(source + ": " + field + ": " + problem);
    }

    /** The weight of a dimension. */
    public double weight(Dimension d) {
        return dimensions.get(d);
    }

    /** The weight of a mode; 0 for a mode the file does not weigh (server). */
    public double mode(String mode) {
        return modes.getOrDefault(mode, 0.0);
    }

    /** The weight of a family by its name; 1 for a workload outside the built-in families (null). */
    public double family(String family) {
        return family == null ? 1.0 : families.getOrDefault(family, 1.0);
    }

    /** The two-sided normal quantile of the confidence level: 1.96 for 0.95. */
    public double z() {
        return IndexMath.normalQuantile(0.5 + confidence / 2);
    }

    /** "95%". */
    public String confidenceLabel() {
        double pct = 100 * confidence;
        return (pct == Math.rint(pct) ? String.valueOf((long) pct) : String.valueOf(pct)) + "%";
    }
}
