package org.dlbench.core.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.dlbench.core.workload.Workloads;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Generated bad input: a valid workload file and a valid results.json, mutated in hundreds of ways (fields removed or
 * null, types changed, values out of range, list elements null, lists replaced by objects, truncated bytes, empty and
 * foreign files), fed to every command that reads them. A file that must be rejected gets exit code 2 and exactly one
 * line naming the file and the field, never a stack trace; {@code history} skips it with one warning and indexes the
 * rest; {@code run} and {@code sweep} reject a bad workload before any engine starts. A mutation that leaves a valid
 * file (an optional field removed) must still be read and rendered without error. Mutations are drawn from a fixed
 * seed, so every run of the test feeds the same files.
 */
class MutatedFilesTest {
    private static final long SEED = 11;
    private static final ObjectMapper PLAIN = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    @TempDir
    static Path dir;

    static byte[] validResults;
    static byte[] validWorkload;
    static Path good;
    static Path history;
    static Path empty;

    /** A generated file and whether it must be rejected (by construction) or stays valid. */
    record Mutation(String label, byte[] bytes, boolean invalid) {
    }

    record Result(int code, String out, String err) {
    }

    @BeforeAll
    static void files() throws Exception {
        validResults = resource("results.json");
        validWorkload = resource("workload.json");
        good = dir.resolve("good.json");
        Files.write(good, validResults);
        // a results directory with two good runs beside the bad one
        history = dir.resolve("history");
        for (String id : List.of("good-1", "good-2")) {
            ObjectNode run = (ObjectNode) PLAIN.readTree(validResults);
            run.put("run_id", id);
            run.put("started_at", "2026-11-2" + id.charAt(id.length() - 1) + "T00:00:00Z");
            Files.createDirectories(history.resolve(id));
            Files.write(history.resolve(id).resolve("results.json"), PLAIN.writeValueAsBytes(run));
        }
        // a project directory without engine modules: if a run got past its input checks, it would stop there
        empty = Files.createDirectories(dir.resolve("no-engines"));
    }

    private static byte[] resource(String name) throws Exception {
        try (InputStream in = MutatedFilesTest.class.getResourceAsStream("/org/dlbench/core/cli/mutated/" + name)) {
            return in.readAllBytes();
        }
    }

    static Result cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(code, out.toString(), err.toString());
    }

    // ---------------------------------------------------------------------------------------------------------------
    // results.json

    /** Fields every reader relies on; {@code score} is required of measured (ok) cells only. */
    static final Set<String> REQUIRED_RESULTS = Set.of(
            "schema_version", "run_id", "started_at", "host", "profile", "results",
            "host.hostname", "host.cpu_model", "host.cores", "host.memory_bytes",
            "host.calibration[*].engine", "host.calibration[*].threads", "host.calibration[*].n",
            "host.calibration[*].gflops",
            "profile.name", "profile.forks", "profile.warmup_iterations", "profile.warmup_seconds",
            "profile.measurement_iterations", "profile.measurement_seconds", "profile.latency_seconds",
            "profile.cell_timeout_seconds",
            "results[*].engine", "results[*].workload", "results[*].mode", "results[*].batch", "results[*].threads",
            "results[*].device", "results[*].status",
            "results[*].checks[*].name", "results[*].checks[*].passed",
            "results[*].latency.count", "results[*].latency.mean_ms", "results[*].latency.p50_ms",
            "results[*].latency.p90_ms", "results[*].latency.p99_ms", "results[*].latency.p999_ms",
            "results[*].latency.max_ms", "results[*].latency.seconds",
            "results[*].server.target_rate", "results[*].server.achieved_rate", "results[*].server.bound_ms",
            "results[*].server.bound_met", "results[*].server.searched",
            "results[*].server.trials[*].kind", "results[*].server.trials[*].target_rate",
            "results[*].server.trials[*].achieved_rate", "results[*].server.trials[*].p99_ms",
            "results[*].server.trials[*].met", "results[*].server.trials[*].seconds",
            "results[*].peak.engine", "results[*].peak.gflops", "results[*].peak.basis", "results[*].peak.best_engine",
            "results[*].peak.best_gflops",
            "results[*].startup.model_build_ms", "results[*].startup.first_inference_ms",
            "results[*].memory.peak_rss_bytes", "results[*].memory.peak_heap_bytes");

    static List<Mutation> resultsMutations() throws Exception {
        JsonNode valid = PLAIN.readTree(validResults);
        List<Integer> okCells = new ArrayList<>();
        for (int i = 0; i < valid.get("results").size(); i++) {
            if (valid.get("results").get(i).get("status").asText().equals("ok")) {
                okCells.add(i);
            }
        }
        Predicate<String> required = path -> REQUIRED_RESULTS.contains(path.replaceAll("\\[\\d+]", "[*]"))
                || okCells.stream().anyMatch(i -> path.equals("results[" + i + "].score"));
        List<Mutation> all = new ArrayList<>(structural(validResults));
        // a setting's value is text: a null there is as bad as a null list element
        all.addAll(treeMutations(valid, required, path -> path.matches("results\\[\\d+]\\.settings\\..+"),
                90, 30, 30));
        // values out of range and values no reader can use
        all.add(edit(valid, "batch 0 of a measured cell", n -> cell(n, 0).put("batch", 0), true));
        all.add(edit(valid, "negative batch", n -> cell(n, 2).put("batch", -1), true));
        all.add(edit(valid, "threads 0 of a measured cell", n -> cell(n, 1).put("threads", 0), true));
        all.add(edit(valid, "negative score", n -> cell(n, 0).put("score", -5.0), true));
        all.add(edit(valid, "score as a word", n -> cell(n, 0).put("score", "fast"), true));
        all.add(edit(valid, "batch as a fraction", n -> cell(n, 0).put("batch", "eight"), true));
        all.add(edit(valid, "unknown status", n -> cell(n, 0).put("status", "great"), true));
        all.add(edit(valid, "status as a number", n -> cell(n, 3).put("status", 1), true));
        all.add(edit(valid, "empty engine name", n -> cell(n, 1).put("engine", ""), true));
        all.add(edit(valid, "no cores", n -> ((ObjectNode) n.get("host")).put("cores", 0), true));
        all.add(edit(valid, "negative memory", n -> ((ObjectNode) n.get("host")).put("memory_bytes", -1), true));
        all.add(edit(valid, "no measured iterations",
                n -> ((ObjectNode) n.get("profile")).put("measurement_iterations", 0), true));
        all.add(edit(valid, "no measured seconds",
                n -> ((ObjectNode) n.get("profile")).put("measurement_seconds", 0.0), true));
        all.add(edit(valid, "negative forks", n -> ((ObjectNode) n.get("profile")).put("forks", -1), true));
        all.add(edit(valid, "no cell timeout", n -> ((ObjectNode) n.get("profile")).put("cell_timeout_seconds", 0),
                true));
        all.add(edit(valid, "calibration at 0 threads",
                n -> ((ObjectNode) n.get("host").get("calibration").get(0)).put("threads", 0), true));
        all.add(edit(valid, "negative calibration", 
                n -> ((ObjectNode) n.get("host").get("calibration").get(1)).put("gflops", -3.0), true));
        all.add(edit(valid, "newer schema", n -> ((ObjectNode) n).put("schema_version", 2), true));
        all.add(edit(valid, "schema version as text", n -> ((ObjectNode) n).put("schema_version", "1"), true));
        all.add(edit(valid, "schema version fraction", n -> ((ObjectNode) n).put("schema_version", 1.5), true));
        all.add(edit(valid, "run id empty", n -> ((ObjectNode) n).put("run_id", " "), true));
        all.add(edit(valid, "only a schema version", n -> ((ObjectNode) n).retain("schema_version"), true));
        all.add(edit(valid, "results empty object", n -> ((ObjectNode) n).set("results", NODES.objectNode()), true));
        all.add(edit(valid, "null setting", n -> ((ObjectNode) cell(n, 0).get("settings")).putNull("x"), true));
        all.add(edit(valid, "setting as object",
                n -> ((ObjectNode) cell(n, 0).get("settings")).set("x", NODES.objectNode()), true));
        all.add(edit(valid, "no cells at all", n -> ((ObjectNode) n).set("results", NODES.arrayNode()), false));
        all.add(edit(valid, "unknown extra field", n -> ((ObjectNode) n).put("comment", "from a newer writer"), false));
        return all;
    }

    private static ObjectNode cell(JsonNode run, int i) {
        return (ObjectNode) run.get("results").get(i);
    }

    @Test
    void everyCommandAnswersABadResultsFileWithOneLineAndExitCode2() throws Exception {
        List<Mutation> mutations = resultsMutations();
        long invalid = mutations.stream().filter(Mutation::invalid).count();
        assertTrue(invalid >= 100, "at least 100 invalid results files, got " + invalid);
        Path out = dir.resolve("runs");
        Path runDir = out.resolve("resumed");
        Path html = dir.resolve("report.html");
        Path bad = dir.resolve("mutated-results.json");
        Path resumed = runDir.resolve("results.json");
        Files.createDirectories(runDir);

        // the unmutated file passes every command
        assertEquals(0, cli("report", good.toString()).code());
        assertEquals(0, cli("compare", good.toString(), good.toString()).code());

        int validSeen = 0;
        // history reads a whole directory: each call gets a batch of mutated runs beside the two good ones
        for (int from = 0; from < mutations.size(); from += HISTORY_BATCH) {
            List<Mutation> batch = mutations.subList(from, Math.min(from + HISTORY_BATCH, mutations.size()));
            List<Path> badRuns = new ArrayList<>();
            for (int k = 0; k < batch.size(); k++) {
                Mutation m = batch.get(k);
                String what = m.label() + " [" + (from + k) + "]";
                Path badRun = history.resolve("bad-" + k).resolve("results.json");
                Files.createDirectories(badRun.getParent());
                Files.write(badRun, m.bytes());
                badRuns.add(badRun);
                Files.write(bad, m.bytes());
                Files.write(resumed, m.bytes());
                Result report = cli("report", bad.toString());
                Result compare = k % 2 == 0 ? cli("compare", bad.toString(), good.toString())
                        : cli("compare", good.toString(), bad.toString());
                Result resume = cli("run", "--resume", "--run-id", "resumed", "--out", out.toString(), "--home",
                        empty.toString(), "--no-calibration", "--profile", "quick");
                if (m.invalid()) {
                    oneLineNaming(report, bad, what + ", report");
                    oneLineNaming(compare, bad, what + ", compare");
                    oneLineNaming(resume, resumed, what + ", run --resume");
                } else {
                    assertEquals(0, report.code(), what + ", report: " + report.err());
                    if (validSeen++ % 8 == 0) { // the HTML report takes a while to draw: a sample of them
                        Result r = cli("report", bad.toString(), "--html", html.toString());
                        assertEquals(0, r.code(), what + ", report --html: " + r.err());
                    }
                    assertTrue(Set.of(0, 1, 2).contains(compare.code()), what + ", compare: " + compare.err());
                    noTrace(compare, what + ", compare");
                    // a valid partial run is taken up, rendered, and stops only for want of engine modules
                    assertEquals(2, resume.code(), what + ", run --resume: " + resume.err());
                    assertTrue(resume.err().contains("no engine modules are built"), what + ": " + resume.err());
                    noTrace(resume, what + ", run --resume");
                }
            }
            Result hist = cli("history", history.toString());
            String batchWhat = "history of mutations " + from + " to " + (from + batch.size() - 1);
            assertEquals(0, hist.code(), batchWhat + ": " + hist.err());
            noTrace(hist, batchWhat);
            List<String> warnings = hist.err().lines().toList();
            long bads = batch.stream().filter(Mutation::invalid).count();
            assertEquals(bads, warnings.size(), batchWhat + ": one warning per bad run: " + hist.err());
            for (int k = 0; k < batch.size(); k++) {
                String what = batch.get(k).label() + " [" + (from + k) + "], history";
                String named = badRuns.get(k) + ": ";
                List<String> mine = warnings.stream().filter(w -> w.contains(named)).toList();
                if (batch.get(k).invalid()) {
                    assertEquals(1, mine.size(), what + ": " + hist.err());
                    assertTrue(mine.get(0).startsWith("dlbench: warning: skipped bad-" + k + ": "), what + ": " + mine);
                    namesAField(mine.get(0), badRuns.get(k), what);
                } else {
                    assertEquals(List.of(), mine, what);
                }
            }
            assertTrue(hist.out().contains("Indexed " + (2 + batch.size() - bads) + " run(s)"), batchWhat + ": "
                    + hist.out());
            String index = Files.readString(history.resolve("index.md"));
            assertTrue(index.contains("good-1") && index.contains("good-2"), batchWhat + ": " + index);
            for (Path p : badRuns) {
                Files.delete(p);
            }
        }
    }

    /** Mutated runs per {@code history} call. */
    private static final int HISTORY_BATCH = 20;

    // ---------------------------------------------------------------------------------------------------------------
    // workload files

    /** Fields a workload cannot do without, for the sample file's layers. */
    static final Set<String> REQUIRED_WORKLOAD = Set.of("name", "input", "classes", "layers", "layers[*].type",
            "layers[0].filters", "layers[0].kernel", "layers[1].kernel", "layers[2].kernel", "layers[4].units",
            "layers[5].units");

    static List<Mutation> workloadMutations() throws Exception {
        JsonNode valid = PLAIN.readTree(validWorkload);
        Predicate<String> required = path -> REQUIRED_WORKLOAD.contains(path.replaceAll("\\[\\d+]", "[*]"))
                || REQUIRED_WORKLOAD.contains(path);
        List<Mutation> all = new ArrayList<>(structural(validWorkload));
        all.addAll(treeMutations(valid, required, path -> false, Integer.MAX_VALUE, Integer.MAX_VALUE, 25));
        all.add(edit(valid, "units 0", n -> layer(n, 4).put("units", 0), true));
        all.add(edit(valid, "negative units", n -> layer(n, 5).put("units", -1), true));
        all.add(edit(valid, "fractional units", n -> layer(n, 4).put("units", 2.5), true));
        all.add(edit(valid, "units as a word", n -> layer(n, 4).put("units", "many"), true));
        all.add(edit(valid, "filters 0", n -> layer(n, 0).put("filters", 0), true));
        all.add(edit(valid, "kernel 0", n -> layer(n, 0).put("kernel", 0), true));
        all.add(edit(valid, "kernel larger than the image", n -> layer(n, 0).put("kernel", 100), true));
        all.add(edit(valid, "pool larger than its input", n -> layer(n, 1).put("kernel", 50), true));
        all.add(edit(valid, "stride 0", n -> layer(n, 0).put("stride", 0), true));
        all.add(edit(valid, "pool stride 0", n -> layer(n, 2).put("stride", 0), true));
        all.add(edit(valid, "negative padding", n -> layer(n, 0).put("padding", -1), true));
        all.add(edit(valid, "huge padding", n -> layer(n, 0).put("padding", Integer.MAX_VALUE), true));
        all.add(edit(valid, "input of zero", n -> ((ArrayNode) n.get("input")).set(1, IntNode.valueOf(0)), true));
        all.add(edit(valid, "input of two dimensions", n -> ((ArrayNode) n.get("input")).remove(2), true));
        all.add(edit(valid, "input as a number", n -> ((ObjectNode) n).put("input", 12), true));
        all.add(edit(valid, "huge input", n -> ((ObjectNode) n).set("input",
                NODES.arrayNode().add(65536).add(65536).add(65536)), true));
        all.add(edit(valid, "weights beyond an int", n -> layer(n, 4).put("units", Integer.MAX_VALUE), true));
        all.add(edit(valid, "integer overflow", n -> layer(n, 4).put("units", 99999999999L), true));
        all.add(edit(valid, "one class", n -> ((ObjectNode) n).put("classes", 1), true));
        all.add(edit(valid, "classes beside the last layer", n -> ((ObjectNode) n).put("classes", 5), true));
        all.add(edit(valid, "batch 0", n -> ((ObjectNode) n).set("batchSizes", NODES.arrayNode().add(0)), true));
        all.add(edit(valid, "negative batch", n -> ((ObjectNode) n).set("batchSizes", NODES.arrayNode().add(-4)),
                true));
        all.add(edit(valid, "batch too large", n -> ((ObjectNode) n).set("batchSizes",
                NODES.arrayNode().add(100000)), true));
        all.add(edit(valid, "learning rate 0", n -> ((ObjectNode) n.get("training")).put("learningRate", 0.0), true));
        all.add(edit(valid, "negative learning rate",
                n -> ((ObjectNode) n.get("training")).put("learningRate", -0.1), true));
        all.add(edit(valid, "unknown optimizer", n -> ((ObjectNode) n.get("training")).put("optimizer", "adam"),
                true));
        all.add(edit(valid, "unknown loss", n -> ((ObjectNode) n.get("training")).put("loss", "mse"), true));
        all.add(edit(valid, "unknown activation", n -> layer(n, 4).put("activation", "gelu"), true));
        all.add(edit(valid, "unknown layer type", n -> layer(n, 3).put("type", "lstm"), true));
        all.add(edit(valid, "unknown field", n -> layer(n, 4).put("unit", 8), true));
        all.add(edit(valid, "unknown top-level field", n -> ((ObjectNode) n).put("epochs", 3), true));
        all.add(edit(valid, "dense before flatten", n -> {
            ArrayNode layers = (ArrayNode) n.get("layers");
            JsonNode flatten = layers.remove(3);
            layers.add(flatten);
        }, true));
        all.add(edit(valid, "conv after flatten", n -> ((ArrayNode) n.get("layers")).insert(4, layer(n, 0).deepCopy()),
                true));
        all.add(edit(valid, "no layers", n -> ((ObjectNode) n).set("layers", NODES.arrayNode()), true));
        all.add(edit(valid, "name with spaces", n -> ((ObjectNode) n).put("name", "tiny cnn!"), true));
        all.add(edit(valid, "empty name", n -> ((ObjectNode) n).put("name", ""), true));
        all.add(edit(valid, "default stride and padding", n -> layer(n, 0).remove(List.of("stride", "padding")),
                false));
        return all;
    }

    private static ObjectNode layer(JsonNode workload, int i) {
        return (ObjectNode) workload.get("layers").get(i);
    }

    @Test
    void runAndSweepRejectABadWorkloadFileBeforeAnyEngineStarts() throws Exception {
        List<Mutation> mutations = workloadMutations();
        long invalid = mutations.stream().filter(Mutation::invalid).count();
        assertTrue(invalid >= 100, "at least 100 invalid workload files, got " + invalid);
        Path out = dir.resolve("workload-runs");
        Path file = dir.resolve("mutated-workload.json");
        Workloads.parse(validWorkload, "the sample");
        int i = 0;
        for (Mutation m : mutations) {
            String what = m.label() + " [" + i++ + "]";
            Files.write(file, m.bytes());
            if (!m.invalid()) {
                Workloads.parse(m.bytes(), what); // still valid: parses (run would go on to measure it)
                continue;
            }
            String command = i % 2 == 0 ? "run" : "sweep";
            Result r = cli(command, "--workloads", i % 3 == 0 ? "mlp," + file : file.toString(), "--out",
                    out.toString(), "--home", empty.toString(), "--no-calibration", "--profile", "smoke");
            oneLineNaming(r, file, what + ", " + command);
            assertFalse(Files.exists(out), what + ": a run directory was made");
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // generation

    /** Empty, blank, null, foreign, trailing garbage, broken encoding and the file cut at many offsets. */
    static List<Mutation> structural(byte[] valid) {
        List<Mutation> all = new ArrayList<>();
        for (String s : List.of("", "   \n", "null", "[]", "\"text\"", "42", "true", "{}", "[{}]")) {
            all.add(new Mutation("whole file " + s.strip(), s.getBytes(StandardCharsets.UTF_8), true));
        }
        all.add(new Mutation("trailing garbage", concat(valid, " }x".getBytes(StandardCharsets.UTF_8)), true));
        all.add(new Mutation("two documents", concat(valid, valid), true));
        byte[] latin = valid.clone();
        latin[new String(valid, StandardCharsets.UTF_8).indexOf('"', 10) + 1] = (byte) 0xff;
        all.add(new Mutation("broken UTF-8", latin, true));
        int end = new String(valid, StandardCharsets.UTF_8).lastIndexOf('}');
        Random rnd = new Random(SEED);
        List<Integer> offsets = new ArrayList<>(List.of(1, 2, 10, end / 2, end - 1, end));
        for (int k = 1; k <= 24; k++) {
            offsets.add(k % 2 == 0 ? k * end / 25 : 1 + rnd.nextInt(end - 1));
        }
        for (int offset : offsets) {
            byte[] cut = new byte[offset];
            System.arraycopy(valid, 0, cut, 0, offset);
            all.add(new Mutation("truncated at byte " + offset, cut, true));
        }
        return all;
    }

    /**
     * Object members removed and set to null (invalid exactly when {@code required} says so, or for a null when
     * {@code nullInvalid} does) and list elements set to null (always invalid): at most {@code invalidKept} of the
     * invalid ones and {@code optionalKept} of the valid ones, drawn at random; and {@code typeChanges} nodes drawn at
     * random given a value of another type (always invalid).
     */
    static List<Mutation> treeMutations(JsonNode valid, Predicate<String> required, Predicate<String> nullInvalid,
                                        int invalidKept, int optionalKept, int typeChanges) {
        List<String[]> members = new ArrayList<>(); // {path, parent path, key}
        List<String> elements = new ArrayList<>();
        List<String> nodes = new ArrayList<>();
        walk(valid, "", members, elements, nodes);
        List<Mutation> invalid = new ArrayList<>();
        List<Mutation> optional = new ArrayList<>();
        for (String[] m : members) {
            boolean req = required.test(m[0]);
            (req ? invalid : optional).add(edit(valid, m[0] + " removed",
                    n -> ((ObjectNode) at(n, m[1])).remove(m[2]), req));
            boolean nullReq = req || nullInvalid.test(m[0]);
            (nullReq ? invalid : optional).add(edit(valid, m[0] + " null",
                    n -> ((ObjectNode) at(n, m[1])).putNull(m[2]), nullReq));
        }
        for (String e : elements) {
            invalid.add(edit(valid, e + " null", n -> set(n, e, NODES.nullNode()), true));
        }
        Random rnd = new Random(SEED);
        Collections.shuffle(invalid, rnd);
        Collections.shuffle(optional, rnd);
        List<Mutation> all = new ArrayList<>(invalid.subList(0, Math.min(invalidKept, invalid.size())));
        all.addAll(optional.subList(0, Math.min(optionalKept, optional.size())));
        Collections.shuffle(nodes, rnd);
        for (String p : nodes.subList(0, Math.min(typeChanges, nodes.size()))) {
            JsonNode old = at(valid, p);
            JsonNode other = old.isObject() ? NODES.arrayNode().add(1) : NODES.objectNode().put("x", 1);
            String what = old.isArray() ? " list replaced by an object" : old.isObject() ? " object replaced by a list"
                    : " scalar replaced by an object";
            all.add(edit(valid, p + what, n -> set(n, p, other), true));
        }
        return all;
    }

    private static void walk(JsonNode node, String path, List<String[]> members, List<String> elements,
                             List<String> nodes) {
        if (node.isObject()) {
            for (var it = node.fields(); it.hasNext(); ) {
                var f = it.next();
                String p = path.isEmpty() ? f.getKey() : path + "." + f.getKey();
                members.add(new String[] {p, path, f.getKey()});
                nodes.add(p);
                walk(f.getValue(), p, members, elements, nodes);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                String p = path + "[" + i + "]";
                elements.add(p);
                nodes.add(p);
                walk(node.get(i), p, members, elements, nodes);
            }
        }
    }

    /** The node at a path like {@code results[3].latency} ({@code ""} is the root). */
    private static JsonNode at(JsonNode root, String path) {
        return at(root, steps(path));
    }

    private static JsonNode at(JsonNode root, List<String> steps) {
        JsonNode n = root;
        for (String step : steps) {
            n = step.startsWith("[") ? n.get(index(step)) : n.get(step);
        }
        return n;
    }

    private static void set(JsonNode root, String path, JsonNode value) {
        List<String> steps = steps(path);
        String last = steps.get(steps.size() - 1);
        JsonNode parent = at(root, steps.subList(0, steps.size() - 1));
        if (last.startsWith("[")) {
            ((ArrayNode) parent).set(index(last), value);
        } else {
            ((ObjectNode) parent).set(last, value);
        }
    }

    private static int index(String step) {
        return Integer.parseInt(step.substring(1, step.length() - 1));
    }

    private static List<String> steps(String path) {
        List<String> steps = new ArrayList<>();
        for (String part : path.split("\\.")) {
            if (part.isEmpty()) {
                continue;
            }
            int bracket = part.indexOf('[');
            String name = bracket < 0 ? part : part.substring(0, bracket);
            if (!name.isEmpty()) {
                steps.add(name);
            }
            if (bracket >= 0) {
                Stream.of(part.substring(bracket).split("(?=\\[)")).forEach(steps::add);
            }
        }
        return steps;
    }

    private static Mutation edit(JsonNode valid, String label, Consumer<JsonNode> change, boolean invalid) {
        JsonNode copy = valid.deepCopy();
        change.accept(copy);
        try {
            return new Mutation(label, PLAIN.writerWithDefaultPrettyPrinter().writeValueAsBytes(copy), invalid);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = new byte[a.length + b.length];
        System.arraycopy(a, 0, both, 0, a.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // assertions

    /** Exit code 2 and one line: {@code dlbench: ... FILE: FIELD: problem}. */
    static void oneLineNaming(Result r, Path file, String what) {
        assertEquals(Main.USAGE, r.code(), what + ": " + r.err() + r.out());
        oneLine(r, file, what);
    }

    static void oneLine(Result r, Path file, String what) {
        noTrace(r, what);
        List<String> lines = r.err().lines().toList();
        assertEquals(1, lines.size(), what + ": one line on stderr, got " + r.err());
        assertTrue(lines.get(0).startsWith("dlbench: "), what + ": " + lines.get(0));
        namesAField(lines.get(0), file, what);
    }

    /** The line names the file, then a field (a JSON path, or the top level) and the problem. */
    static void namesAField(String line, Path file, String what) {
        String named = file + ": ";
        int at = line.indexOf(named);
        assertTrue(at >= 0, what + ": the line names " + file + ": " + line);
        String rest = line.substring(at + named.length());
        assertTrue(rest.matches("(top level|[A-Za-z_][\\w.\\[\\]]*): \\S.*"), what + ": names a field: " + line);
    }

    static void noTrace(Result r, String what) {
        String all = r.err() + r.out();
        assertFalse(all.contains("Exception") || all.contains("at org.") || all.contains("\tat ")
                || all.contains("internal error"), what + ": " + all);
    }
}
