package org.dlbench.core.workload;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.dlbench.core.json.JsonErrors;

/** Finds and parses workloads: the built-in ones shipped as JSON resources, or a user's file. */
public final class Workloads {
    private static final String BUILT_IN_DIR = "/org/dlbench/core/workloads/";
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);

    private Workloads() {
    }

    /** Names of the built-in workloads, in the order of the index resource. */
    public static List<String> builtInNames() {
        try (InputStream in = Workloads.class.getResourceAsStream(BUILT_IN_DIR + "index.txt")) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return Arrays.stream(text.split("\\R")).map(String::trim)
                    .filter(s -> !s.isEmpty() && !s.startsWith("#")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Map<String, Workload> builtIn() {
        Map<String, Workload> all = new LinkedHashMap<>();
        for (String name : builtInNames()) {
            all.put(name, resolve(name));
        }
        return all;
    }

    /**
     * A built-in workload by name, or a workload file by path (anything ending in .json or naming an existing file).
     */
    public static Workload resolve(String nameOrPath) {
        if (builtInNames().contains(nameOrPath)) {
            try (InputStream in = Workloads.class.getResourceAsStream(BUILT_IN_DIR + nameOrPath + ".json")) {
                return parse(in.readAllBytes(), "built-in workload " + nameOrPath);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        Path path = Path.of(nameOrPath);
        if (nameOrPath.endsWith(".json") || Files.exists(path)) {
            return load(path);
        }
        throw new WorkloadException("unknown workload '" + nameOrPath + "' (built-in: "
                + String.join(", ", builtInNames()) + "; or give the path of a workload .json file)");
    }

    /** Reads and validates a workload file; problems are one line, {@code FILE: PATH: problem}. */
    public static Workload load(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new WorkloadException(file + ": cannot read: no such file", e);
        } catch (AccessDeniedException e) {
            throw new WorkloadException(file + ": cannot read: permission denied", e);
        } catch (IOException e) {
            throw new WorkloadException(file + ": cannot read: " + (Files.isDirectory(file) ? "it is a directory"
                    : e.getMessage()), e);
        }
        return parse(bytes, file.toString());
    }

    /**
     * Parses and validates; every problem becomes one {@link WorkloadException} line {@code SOURCE: PATH: problem},
     * e.g. {@code w.json: layers[2].units: missing}.
     */
    public static Workload parse(byte[] json, String source) {
        if (new String(json, StandardCharsets.UTF_8).isBlank()) {
            throw new WorkloadException(source + ": " + JsonErrors.TOP + ": empty file; a workload is an object with "
                    + "name, input, classes and layers");
        }
        JsonNode tree = null;
        WorkloadSpec spec;
        try {
            tree = JSON.readTree(json);
            spec = JSON.treeToValue(tree, WorkloadSpec.class);
        } catch (InvalidTypeIdException e) {
            JsonNode type = tree == null ? null : tree.at(JsonErrors.pointer(e)).get("type");
            String why = e.getTypeId() == null || type == null ? "missing"
                    : type.isTextual() ? "unknown layer type '" + e.getTypeId() + "'"
                    : "expected a layer type, got " + JsonErrors.describe(type);
            throw new WorkloadException(source + ": " + JsonErrors.path(e) + ".type: " + why + " (known: "
                    + Layer.KNOWN_TYPES + ")", e);
        } catch (JsonProcessingException e) {
            throw new WorkloadException(source + ": " + JsonErrors.describe(e, tree), e);
        } catch (IOException e) {
            throw new WorkloadException(source + ": cannot read: " + e.getMessage(), e);
        }
        if (spec == null) {
            throw new WorkloadException(source + ": " + JsonErrors.TOP + ": null; a workload is an object with name, "
                    + "input, classes and layers");
        }
        try {
            return Workload.of(spec);
        } catch (WorkloadException e) {
            throw new WorkloadException(source + ": " + e.getMessage(), e);
        }
    }
}
