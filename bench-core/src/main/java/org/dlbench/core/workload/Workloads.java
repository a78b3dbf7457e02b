package org.dlbench.core.workload;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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

    /** Group names {@code --workloads} accepts besides workload names and files. */
    public static final String FAMILIES = "cnn, sequence, sparse, all";

    /**
     * The names with every group name replaced by the built-ins of that group, in index order ({@code cnn},
     * {@code sequence}, {@code sparse}: the {@link Workload.Family}; {@code all}: every built-in); other names and
     * paths are kept as given, duplicates dropped.
     */
    public static List<String> expandFamilies(List<String> names) {
        java.util.LinkedHashSet<String> out = new java.util.LinkedHashSet<>();
        for (String n : names) {
            Workload.Family family = Workload.Family.of(n);
            if (n.equals("all")) {
                out.addAll(builtInNames());
            } else if (family != null) {
                builtIn().values().stream().filter(w -> w.family() == family).map(Workload::name).forEach(out::add);
            } else {
                out.add(n);
            }
        }
        return List.copyOf(out);
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
        } catch (java.nio.file.NoSuchFileException e) {
            throw new WorkloadException(file + ": cannot read: no such file", e);
        } catch (java.nio.file.AccessDeniedException e) {
            throw new WorkloadException(file + ": cannot read: permission denied", e);
        } catch (IOException e) {
            throw new WorkloadException(file + ": cannot read: " + (Files.isDirectory(file) ? "it is a directory"
                    : e.getMessage()), e);
        }
        return parse(bytes, file.toString());
    }

    /** Parses and validates; every problem becomes one {@link WorkloadException} line naming the source. */
    public static Workload parse(byte[] json, String source) {
        if (new String(json, StandardCharsets.UTF_8).isBlank()) {
            throw new WorkloadException(source + ": " + JsonErrors.TOP + ": empty file; a workload is an object with "
                    + "name, input, classes and layers (or nodes)");
        }
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new WorkloadException(source + ": " + JsonErrors.describe(e, null), e);
        } catch (IOException e) {
            throw new WorkloadException(source + ": cannot read: " + e.getMessage(), e);
        }
        try {
            return Workload.of(GraphFile.read(JSON, root));
        } catch (WorkloadException e) {
            throw new WorkloadException(source + ": " + e.getMessage(), e);
        }
    }

    /**
     * The workload in the graph format, blocks expanded, every default written out: {@link #parse} of these bytes
     * gives the same workload (same nodes, wiring, layers and tensor names), so it can cross a process boundary.
     */
    public static byte[] toJson(Workload workload) {
        WorkloadSpec spec = workload.spec();
        com.fasterxml.jackson.databind.node.ObjectNode root = JSON.createObjectNode();
        root.put("name", spec.name());
        root.put("description", spec.description());
        if (spec.inputs() == null) {
            root.set("input", JSON.valueToTree(spec.input()));
            root.put("inputType", spec.inputType());
        } else {
            com.fasterxml.jackson.databind.node.ArrayNode inputs = root.putArray("inputs");
            for (ModelInput in : workload.inputs()) {
                com.fasterxml.jackson.databind.node.ObjectNode i = inputs.addObject();
                i.put("name", in.name());
                i.set("shape", JSON.valueToTree(in.shape()));
                i.put("type", in.type().json());
                if (in.type().ids()) {
                    i.set("vocabulary", JSON.valueToTree(in.vocabulary()));
                    i.put("signal", in.signal());
                }
            }
        }
        if (spec.family() != null) {
            root.put("family", spec.family());
        }
        root.put("classes", spec.classes());
        com.fasterxml.jackson.databind.node.ArrayNode nodes = root.putArray("nodes");
        for (Stage stage : workload.stages()) {
            com.fasterxml.jackson.databind.node.ObjectNode n = nodes.addObject();
            n.put("name", stage.name());
            com.fasterxml.jackson.databind.node.ArrayNode inputs = n.putArray("inputs");
            stage.inputs().forEach(i -> inputs.add(i < 0 ? workload.input(i).name()
                    : workload.stages().get(i).name()));
            com.fasterxml.jackson.databind.node.ObjectNode layer = JSON.valueToTree(stage.layer());
            n.put("type", stage.layer().type());
            layer.fields().forEachRemaining(e -> {
                if (!e.getKey().equals("type") && !e.getValue().isNull()) {
                    n.set(e.getKey(), e.getValue());
                }
            });
        }
        root.set("batchSizes", JSON.valueToTree(spec.batchSizes()));
        root.set("training", JSON.valueToTree(spec.training()));
        try {
            return JSON.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write workload " + workload.name() + " as JSON", e);
        }
    }
}
