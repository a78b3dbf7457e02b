package org.dlbench.core.workload;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.dlbench.core.json.JsonErrors;
import org.dlbench.core.workload.layer.Layer;

/**
 * Reads a workload file's JSON tree into a {@link WorkloadSpec}: the chain format ({@code "layers": [...]}) or the
 * graph format ({@code "nodes": [...]}, with reusable {@code "blocks"}), expanding every block use into plain nodes.
 *
 * <p>A graph node is either a layer ({@code {"name": "c1", "type": "conv2d", "inputs": ["input"], ...}}) or a block
 * use ({@code {"name": "stage1", "block": "basic", "args": {"filters": 16}, "repeat": 3}}). {@code name} defaults to
 * {@code layer<i>}; {@code inputs} defaults to the node before (the model input, {@code "input"}, for the first). A
 * block definition ({@code "blocks": {"basic": {"args": {"filters": null, "stride": 1}, "nodes": [...]}}}) lists its
 * arguments (null = required, else the default) and its nodes; inside it, {@code "$input"} is the block's input and a
 * string value {@code "$filters"} is replaced by that argument. A block's output is its last node (or the node named by
 * its {@code "output"}). Block nodes are named {@code <use>.<node>}, with {@code .<repeat>} after the use's name when
 * it repeats: {@code stage1.0.c1}.
 */
final class GraphFile {
    private static final Set<String> TOP_FIELDS = Set.of("name", "description", "input", "inputType", "classes",
            "layers", "nodes", "blocks", "batchSizes", "training", "inputs", "family");
    private static final Set<String> NODE_FIELDS = Set.of("name", "inputs", "block", "args", "repeat");
    private static final int MAX_DEPTH = 8;
    private static final int MAX_NODES = 100_000;

    private final ObjectMapper json;
    private final Map<String, JsonNode> blocks = new LinkedHashMap<>();
    private final List<Node> nodes = new ArrayList<>();
    private final Set<String> names = new HashSet<>();
    /** The model inputs' names, which top-level nodes read like node names. */
    private final Set<String> modelInputs = new HashSet<>();

    private GraphFile(ObjectMapper json) {
        this.json = json;
    }

    /** The spec of a parsed file; a {@link WorkloadException} names the field (a JSON path) and the reason. */
    static WorkloadSpec read(ObjectMapper json, JsonNode root) {
        if (root == null || root.isNull() || root.isMissingNode()) {
            throw new WorkloadException(JsonErrors.TOP + ": null; a workload is an object with name, input, classes "
                    + "and layers (or nodes)");
        }
        if (!root.isObject()) {
            throw new WorkloadException(JsonErrors.TOP + ": expected a workload object, got " + JsonErrors.describe(root));
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!TOP_FIELDS.contains(f)) {
                throw new WorkloadException(f + ": unknown field (known: "
                        + TOP_FIELDS.stream().sorted().collect(Collectors.joining(", ")) + ")");
            }
        }
        GraphFile g = new GraphFile(json);
        List<InputDef> inputs = bind(json, root, "inputs",
                new com.fasterxml.jackson.core.type.TypeReference<List<InputDef>>() { });
        String first = Workload.INPUT;
        if (inputs != null) {
            if (present(root, "input") || present(root, "inputType")) {
                throw new WorkloadException("inputs: give 'inputs' or 'input' (with 'inputType'), not both");
            }
            for (InputDef d : inputs) {
                if (d != null && d.name() != null) {
                    g.modelInputs.add(d.name());
                }
            }
            first = inputs.isEmpty() || inputs.get(0) == null ? Workload.INPUT : inputs.get(0).name();
        }
        boolean hasLayers = present(root, "layers");
        boolean hasNodes = present(root, "nodes");
        if (hasLayers && hasNodes) {
            throw new WorkloadException("nodes: give 'layers' (a chain) or 'nodes' (a graph), not both");
        }
        if (present(root, "blocks")) {
            if (!hasNodes) {
                throw new WorkloadException("blocks: blocks need the graph format: use 'nodes' instead of 'layers'");
            }
            JsonNode b = root.get("blocks");
            if (!b.isObject()) {
                throw new WorkloadException("blocks: expected an object of block definitions, got " + JsonErrors.describe(b));
            }
            b.fields().forEachRemaining(e -> g.blocks.put(e.getKey(), e.getValue()));
        }
        if (hasLayers) {
            g.chain(root.get("layers"), first);
        } else if (hasNodes) {
            JsonNode n = root.get("nodes");
            if (!n.isArray()) {
                throw new WorkloadException("nodes: expected an array of nodes, got " + JsonErrors.describe(n));
            }
            g.expand(n, "nodes", "", first, Map.of(), new HashMap<>(), 0, true, "");
        }
        return new WorkloadSpec(
                text(root, "name"),
                text(root, "description"),
                bind(json, root, "input", new com.fasterxml.jackson.core.type.TypeReference<List<Integer>>() { }),
                text(root, "inputType"),
                bind(json, root, "classes", new com.fasterxml.jackson.core.type.TypeReference<Integer>() { }),
                List.copyOf(g.nodes),
                bind(json, root, "batchSizes", new com.fasterxml.jackson.core.type.TypeReference<List<Integer>>() { }),
                bind(json, root, "training", new com.fasterxml.jackson.core.type.TypeReference<Training>() { }),
                inputs,
                text(root, "family"));
    }

    private void chain(JsonNode layers, String first) {
        if (!layers.isArray()) {
            throw new WorkloadException("layers: expected an array of layers, got " + JsonErrors.describe(layers));
        }
        String previous = first;
        for (int i = 0; i < layers.size(); i++) {
            JsonNode l = layers.get(i);
            String at = "layers[" + i + "]";
            if (!l.isObject()) {
                throw new WorkloadException(at + ": expected a layer object, got " + JsonErrors.describe(l));
            }
            for (String f : NODE_FIELDS) {
                if (l.has(f)) {
                    throw new WorkloadException(at + ": field '" + f + "' belongs to the graph format: write the "
                            + "workload with 'nodes' instead of 'layers'");
                }
            }
            String name = "layer" + i;
            nodes.add(new Node(name, List.of(previous), layer(l, at, ""), at, ""));
            names.add(name);
            previous = name;
        }
    }

    /**
     * Expands one list of nodes (the top level or a block's body) and returns the full name of its output.
     *
     * @param prefix prepended to local names ({@code ""} at top level, {@code "stage1.0."} in a block)
     * @param input the full name the list's {@code "$input"} stands for (and the first node's default input)
     * @param args the block's arguments, by name
     * @param local local name to full name, for this list
     */
    private String expand(JsonNode list, String path, String prefix, String input, Map<String, JsonNode> args,
                          Map<String, String> local, int depth, boolean topLevel, String context) {
        String ctx = context.isEmpty() ? "" : " (" + context + ")";
        String previous = input;
        for (int i = 0; i < list.size(); i++) {
            String at = path + "[" + i + "]";
            JsonNode raw = list.get(i);
            if (raw == null || !raw.isObject()) {
                throw new WorkloadException(at + ": expected a node object, got " + JsonErrors.describe(raw) + ctx);
            }
            ObjectNode node = (ObjectNode) substitute(raw, args, at, ctx);
            String name = node.has("name") ? node.get("name").asText(null) : "layer" + i;
            if (node.has("name") && !node.get("name").isTextual()) {
                throw new WorkloadException(at + ".name: expected a string, got " + JsonErrors.describe(node.get("name")) + ctx);
            }
            List<String> inputs = inputs(node, at, ctx, input, previous, local, topLevel);
            if (node.has("block")) {
                if (node.has("type")) {
                    throw new WorkloadException(at + ".block: give 'type' (a layer) or 'block' (a block use), not both"
                            + ctx);
                }
                String use = (context.isEmpty() ? "" : context + " > ") + "in " + at + " '" + name + "'";
                previous = useBlock(node, at, ctx, use, prefix + name, inputs, depth);
                local.put(name, previous);
                continue;
            }
            for (String f : List.of("args", "repeat")) {
                if (node.has(f)) {
                    throw new WorkloadException(at + "." + f + ": only a block use ('block') takes '" + f + "'" + ctx);
                }
            }
            String full = prefix + name;
            if (!names.add(full)) {
                throw new WorkloadException(at + ".name: another node is already called '" + full + "'" + ctx);
            }
            if (names.size() > MAX_NODES) {
                throw new WorkloadException(at + ": the graph expands to more than " + MAX_NODES + " nodes" + ctx);
            }
            ObjectNode layerJson = node.deepCopy();
            layerJson.remove(List.of("name", "inputs"));
            nodes.add(new Node(full, inputs, layer(layerJson, at, ctx), at, context));
            local.put(name, full);
            previous = full;
        }
        return previous;
    }

    private List<String> inputs(ObjectNode node, String at, String ctx, String input, String previous,
                                Map<String, String> local, boolean topLevel) {
        if (!node.has("inputs")) {
            return List.of(previous);
        }
        JsonNode in = node.get("inputs");
        if (!in.isArray() || in.isEmpty()) {
            throw new WorkloadException(at + ".inputs: expected a non-empty array of node names, got " + JsonErrors.describe(in)
                    + ctx);
        }
        List<String> out = new ArrayList<>();
        for (int j = 0; j < in.size(); j++) {
            JsonNode v = in.get(j);
            if (!v.isTextual()) {
                throw new WorkloadException(at + ".inputs[" + j + "]: expected a node name, got " + JsonErrors.describe(v) + ctx);
            }
            String ref = v.asText();
            if (ref.equals("$input") || (topLevel && modelInputs.isEmpty() && ref.equals(Workload.INPUT))) {
                out.add(input);
            } else if (topLevel && modelInputs.contains(ref)) {
                out.add(ref);
            } else if (local.containsKey(ref)) {
                out.add(local.get(ref));
            } else if (topLevel && names.contains(ref)) {
                out.add(ref); // a node inside an earlier block use, by its full name
            } else {
                throw new WorkloadException(at + ".inputs[" + j + "]: '" + ref + "' is not "
                        + (topLevel ? (modelInputs.isEmpty() ? "'input'" : "a model input " + new java.util.TreeSet<>(modelInputs))
                        + " or an earlier node" : "'$input' or an earlier node of the block") + ctx);
            }
        }
        return out;
    }

    private String useBlock(ObjectNode node, String at, String ctx, String use, String fullName, List<String> inputs,
                            int depth) {
        String blockName = node.get("block").asText("");
        JsonNode def = blocks.get(blockName);
        if (def == null) {
            throw new WorkloadException(at + ".block: unknown block '" + blockName + "' (defined: "
                    + (blocks.isEmpty() ? "none" : String.join(", ", blocks.keySet())) + ")" + ctx);
        }
        if (depth >= MAX_DEPTH) {
            throw new WorkloadException(at + ".block: blocks nest deeper than " + MAX_DEPTH + " (a block that uses "
                    + "itself?)" + ctx);
        }
        if (inputs.size() != 1) {
            throw new WorkloadException(at + ".inputs: a block takes one input, got " + inputs.size() + ctx);
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!NODE_FIELDS.contains(f)) {
                throw new WorkloadException(at + "." + f + ": unknown field for a block use (known: "
                        + NODE_FIELDS.stream().sorted().collect(Collectors.joining(", ")) + ")" + ctx);
            }
        }
        String defAt = "blocks." + blockName;
        if (!def.isObject() || !def.has("nodes") || !def.get("nodes").isArray() || def.get("nodes").isEmpty()) {
            throw new WorkloadException(defAt + ".nodes: a block needs a non-empty array of nodes");
        }
        for (Iterator<String> it = def.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!Set.of("args", "nodes", "output", "description").contains(f)) {
                throw new WorkloadException(defAt + "." + f + ": unknown field (known: args, description, nodes, "
                        + "output)");
            }
        }
        Map<String, JsonNode> args = arguments(def, defAt, node, at, ctx);
        int repeat = 1;
        if (node.has("repeat")) {
            JsonNode r = node.get("repeat");
            if (!r.isInt() || r.asInt() < 1 || r.asInt() > 1000) {
                throw new WorkloadException(at + ".repeat: expected an integer from 1 to 1000, got " + r + ctx);
            }
            repeat = r.asInt();
        }
        String in = inputs.get(0);
        for (int r = 0; r < repeat; r++) {
            String instance = repeat == 1 ? fullName : fullName + "." + r;
            Map<String, String> inner = new HashMap<>();
            String out = expand(def.get("nodes"), defAt + ".nodes", instance + ".", in, args, inner, depth + 1, false,
                    use + (repeat == 1 ? "" : " #" + r));
            if (def.has("output")) {
                String o = def.get("output").asText("");
                if (!inner.containsKey(o)) {
                    throw new WorkloadException(defAt + ".output: '" + o + "' is not a node of the block (" + use + ")");
                }
                out = inner.get(o);
            }
            in = out;
        }
        return in;
    }

    private static Map<String, JsonNode> arguments(JsonNode def, String defAt, ObjectNode use, String at, String ctx) {
        Map<String, JsonNode> declared = new LinkedHashMap<>();
        if (def.has("args")) {
            JsonNode a = def.get("args");
            if (a.isArray()) {
                a.forEach(n -> declared.put(n.asText(), null));
            } else if (a.isObject()) {
                a.fields().forEachRemaining(e -> declared.put(e.getKey(), e.getValue().isNull() ? null : e.getValue()));
            } else {
                throw new WorkloadException(defAt + ".args: expected an array of names or an object of defaults");
            }
        }
        Map<String, JsonNode> given = new LinkedHashMap<>();
        if (use.has("args")) {
            JsonNode a = use.get("args");
            if (!a.isObject()) {
                throw new WorkloadException(at + ".args: expected an object of argument values, got " + JsonErrors.describe(a) + ctx);
            }
            a.fields().forEachRemaining(e -> given.put(e.getKey(), e.getValue()));
        }
        Map<String, JsonNode> out = new LinkedHashMap<>();
        for (String k : given.keySet()) {
            if (!declared.containsKey(k)) {
                throw new WorkloadException(at + ".args." + k + ": block '" + use.get("block").asText()
                        + "' has no argument '" + k + "' (declared: "
                        + (declared.isEmpty() ? "none" : String.join(", ", declared.keySet())) + ")" + ctx);
            }
        }
        for (Map.Entry<String, JsonNode> d : declared.entrySet()) {
            JsonNode v = given.containsKey(d.getKey()) ? given.get(d.getKey()) : d.getValue();
            if (v == null || v.isNull()) {
                throw new WorkloadException(at + ".args." + d.getKey() + ": missing (block '"
                        + use.get("block").asText() + "' needs it)" + ctx);
            }
            out.put(d.getKey(), v);
        }
        return out;
    }

    /** A copy with every string value {@code "$name"} (other than {@code "$input"}) replaced by its argument. */
    private static JsonNode substitute(JsonNode node, Map<String, JsonNode> args, String at, String ctx) {
        if (node.isTextual()) {
            String t = node.asText();
            if (t.startsWith("$") && !t.equals("$input")) {
                JsonNode v = args.get(t.substring(1));
                if (v == null) {
                    throw new WorkloadException(at + ": '" + t + "' names no argument of the enclosing block"
                            + (args.isEmpty() ? " (there is none)" : " (arguments: " + String.join(", ", args.keySet()) + ")")
                            + ctx);
                }
                return v.deepCopy();
            }
            return node;
        }
        if (node.isObject()) {
            ObjectNode copy = ((ObjectNode) node).objectNode();
            node.fields().forEachRemaining(e -> copy.set(e.getKey(), substitute(e.getValue(), args, at, ctx)));
            return copy;
        }
        if (node.isArray()) {
            ArrayNode copy = ((ArrayNode) node).arrayNode();
            node.forEach(e -> copy.add(substitute(e, args, at, ctx)));
            return copy;
        }
        return node;
    }

    private Layer layer(JsonNode l, String at, String ctx) {
        if (!l.has("type")) {
            throw new WorkloadException(at + ".type: missing (known: " + Layer.KNOWN_TYPES + ")" + ctx);
        }
        try {
            Layer layer = json.treeToValue(l, Layer.class);
            if (layer == null) {
                throw new WorkloadException(at + ": empty layer" + ctx);
            }
            return layer;
        } catch (InvalidTypeIdException e) {
            throw new WorkloadException(at + ".type: unknown layer type '" + e.getTypeId() + "' (known: "
                    + Layer.KNOWN_TYPES + ")" + ctx, e);
        } catch (UnrecognizedPropertyException e) {
            throw new WorkloadException(at + "." + e.getPropertyName() + ": unknown field for a "
                    + l.get("type").asText() + " layer (known: " + e.getKnownPropertyIds().stream()
                    .map(String::valueOf).filter(s -> !s.equals("type")).sorted()
                    .collect(Collectors.joining(", ")) + ")" + ctx, e);
        } catch (JsonProcessingException e) {
            throw new WorkloadException(under(at, JsonErrors.describe(e, l)) + ctx, e);
        }
    }

    private static <T> T bind(ObjectMapper json, JsonNode root, String field,
                              com.fasterxml.jackson.core.type.TypeReference<T> type) {
        if (!present(root, field)) {
            return null;
        }
        try {
            return json.treeToValue(root.get(field), json.getTypeFactory().constructType(type));
        } catch (JsonProcessingException e) {
            throw new WorkloadException(under(field, JsonErrors.describe(e, root.get(field))), e);
        }
    }

    private static String text(JsonNode root, String field) {
        if (!present(root, field)) {
            return null;
        }
        JsonNode v = root.get(field);
        if (!v.isTextual()) {
            throw new WorkloadException(field + ": expected a string, got " + JsonErrors.describe(v));
        }
        return v.asText();
    }

    private static boolean present(JsonNode root, String field) {
        return root.has(field) && !root.get(field).isNull();
    }

    /**
     * {@link JsonErrors#describe}'s {@code path: problem}, where the path is relative to the value at {@code at}, as a
     * line whose path starts at {@code at}.
     */
    private static String under(String at, String described) {
        if (described.startsWith(JsonErrors.TOP + ": ")) {
            return at + described.substring(JsonErrors.TOP.length());
        }
        return at + (described.startsWith("[") ? "" : ".") + described;
    }
}
