package org.dlbench.core.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.dlbench.core.compare.Fixtures;
import org.dlbench.core.result.CellResult;
import org.dlbench.core.result.Check;
import org.dlbench.core.result.Profile;
import org.dlbench.core.result.ResultsIO;
import org.dlbench.core.result.RunResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.IterationResultMetaData;
import org.openjdk.jmh.results.ResultRole;
import org.openjdk.jmh.results.ThroughputResult;
import org.openjdk.jmh.results.format.ResultFormatFactory;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.IterationType;
import org.openjdk.jmh.runner.WorkloadParams;
import org.openjdk.jmh.runner.options.TimeValue;

/** The export formats: their shape, their numbers, and the registry that lists them. */
class ExportFormatsTest {
    private static final ObjectMapper PLAIN = new ObjectMapper();

    /** A real thorough run (3 forks x 8 iterations, three engines, one inconsistent), as results.json holds it. */
    static RunResult realRun() throws Exception {
        Path file = Path.of(ExportFormatsTest.class.getResource("real-run.json").toURI());
        return ResultsIO.read(file);
    }

    /** Every status, a noisy cell, latency, and a reason that needs CSV quoting. */
    static RunResult mixedRun() {
        CellResult valid = Fixtures.ok("PyTorch", "2.7.1", "mlp", "infer", 32, 1, 100, 102, 98, 101, 99);
        valid = valid.toBuilder().latency(new CellResult.Latency(5000, 0.30, 0.28, 0.35, 0.50, 0.90, 2.0, 3.0))
                .checks(List.of(new Check("forward_matches_reference", true, "max abs error 1e-7, fine"),
                        new Check("outputs_unchanged_after_timing", false, "drifted")))
                .build();
        CellResult noisy = Fixtures.verdict(Fixtures.ok("DL4J", "1.0.0-M2.1", "mlp", "train", 32, 2, 40, 60, 50),
                "noisy", "error +-40% above 10%");
        CellResult failed = Fixtures.failed("TensorFlow", "lenet", "infer", 1, 1,
                "child JVM said \"out of memory\", then\nexited");
        CellResult unsupported = Fixtures.unsupported("TensorFlow", "lenet", "train", 32, 1);
        return Fixtures.run("20261201-100000-box", Fixtures.HOST, Profile.QUICK, valid, noisy, failed, unsupported);
    }

    // ---- CSV

    @Test
    void csvHasAHeaderAndOneRowPerCellWithEveryFieldFlattened() throws Exception {
        RunResult run = mixedRun();
        String text = new String(RunFormats.CSV.bytes(run), StandardCharsets.UTF_8);
        assertTrue(text.endsWith("\r\n"), "RFC 4180 line ends");
        List<List<String>> rows = parseCsv(text);
        List<String> header = rows.get(0);
        assertEquals(List.of("engine", "workload", "mode", "batch", "threads", "device", "status", "verdict"),
                header.subList(0, 8));
        assertEquals("run_id", header.get(header.size() - 1));
        assertEquals(new HashSet<>(header).size(), header.size(), "column names are unique: " + header);
        assertEquals(1 + run.results().size(), rows.size(), "one row per cell, every status");
        for (List<String> row : rows) {
            assertEquals(header.size(), row.size(), "every row has every column: " + row);
        }
        Map<String, String> pytorch = row(header, rows.get(1));
        CellResult cell = run.results().get(0);
        assertEquals(cell.score(), Double.parseDouble(pytorch.get("score")));
        assertEquals(cell.scoreError(), Double.parseDouble(pytorch.get("score_error")));
        assertEquals(102.0, Double.parseDouble(pytorch.get("samples.1")));
        assertEquals(0.35, Double.parseDouble(pytorch.get("latency.p90_ms")));
        assertEquals("true", pytorch.get("checks.forward_matches_reference"));
        assertEquals("false", pytorch.get("checks.outputs_unchanged_after_timing"));
        assertEquals("1", pytorch.get("settings.num_threads"));
        assertEquals("20261201-100000-box", pytorch.get("run_id"));
        Map<String, String> failed = row(header, rows.get(3));
        assertEquals("failed", failed.get("status"));
        assertEquals("child JVM said \"out of memory\", then\nexited", failed.get("reason"), "quoted and unquoted");
        assertEquals("", failed.get("score"), "a field the cell does not have is empty");
        assertEquals("unsupported", row(header, rows.get(4)).get("status"));
        assertTrue(text.contains("\"child JVM said \"\"out of memory\"\", then\nexited\""), "quotes doubled");
    }

    @Test
    void csvOfARealRunKeepsEveryIterationInOrder() throws Exception {
        RunResult run = realRun();
        List<List<String>> rows = parseCsv(new String(RunFormats.CSV.bytes(run), StandardCharsets.UTF_8));
        List<String> header = rows.get(0);
        assertEquals(4, rows.size());
        for (int i = 0; i < run.results().size(); i++) {
            CellResult c = run.results().get(i);
            Map<String, String> r = row(header, rows.get(i + 1));
            assertEquals(c.engine(), r.get("engine"));
            assertEquals(c.verdict(), r.get("verdict"));
            for (int k = 0; k < c.samples().size(); k++) {
                assertEquals(c.samples().get(k), Double.parseDouble(r.get("samples." + k)));
            }
            assertEquals(c.crossCheck().bareLoopBefore().get(2),
                    Double.parseDouble(r.get("cross_check.bare_loop_before.2")));
            assertEquals(c.memory().peakRssBytes(), Long.parseLong(r.get("memory.peak_rss_bytes")));
        }
    }

    // ---- JMH

    @Test
    void jmhResultIsJmhsJsonWithTheCellsOwnNumbersAndIterations() throws Exception {
        RunResult run = realRun();
        JsonNode entries = PLAIN.readTree(RunFormats.JMH.bytes(run));
        assertTrue(entries.isArray());
        assertEquals(3, entries.size());
        for (int i = 0; i < 3; i++) {
            CellResult c = run.results().get(i);
            JsonNode e = entries.get(i);
            assertEquals("dlbench.mlp_infer." + c.engine(), e.get("benchmark").asText());
            assertEquals("thrpt", e.get("mode").asText());
            assertEquals(1, e.get("threads").asInt());
            assertEquals(3, e.get("forks").asInt());
            assertEquals(8, e.get("measurementIterations").asInt());
            assertEquals("3000 ms", e.get("measurementTime").asText());
            assertEquals("17.0.15", e.get("jdkVersion").asText());
            assertEquals("OpenJDK 64-Bit Server VM", e.get("vmName").asText());
            assertEquals("32", e.get("params").get("batch").asText());
            assertEquals("1", e.get("params").get("threads").asText());
            assertEquals("cpu", e.get("params").get("device").asText());
            JsonNode m = e.get("primaryMetric");
            assertEquals(c.score(), m.get("score").asDouble());
            assertEquals(c.scoreError(), m.get("scoreError").asDouble());
            assertEquals(c.score() - c.scoreError(), m.get("scoreConfidence").get(0).asDouble());
            assertEquals("samples/s", m.get("scoreUnit").asText());
            JsonNode raw = m.get("rawData");
            assertEquals(3, raw.size(), "one list per fork");
            List<Double> flat = new ArrayList<>();
            raw.forEach(fork -> {
                assertEquals(8, fork.size());
                fork.forEach(v -> flat.add(v.asDouble()));
            });
            assertEquals(c.samples(), flat);
            double min = c.samples().stream().mapToDouble(Double::doubleValue).min().orElseThrow();
            assertEquals(min, m.get("scorePercentiles").get("0.0").asDouble());
        }
    }

    @Test
    void jmhResultLeavesOutCellsWithoutIterationsAndWritesNaNAsJmhDoes() throws Exception {
        CellResult one = Fixtures.ok("PyTorch", "2.7.1", "mlp", "infer", 32, 1, 100).toBuilder()
                .score(100.0, null, List.of(100.0)).build();
        CellResult server = Fixtures.ok("PyTorch", "2.7.1", "mlp", "server", 1, 1, 100).toBuilder()
                .score(900.0, null, List.of()).build();
        RunResult run = Fixtures.run("r", one, server, Fixtures.failed("DL4J", "mlp", "infer", 1, 1, "x"));
        JsonNode entries = PLAIN.readTree(RunFormats.JMH.bytes(run));
        assertEquals(1, entries.size());
        JsonNode m = entries.get(0).get("primaryMetric");
        assertEquals("NaN", m.get("scoreError").asText());
        assertTrue(m.get("scoreError").isTextual());
        assertEquals("[[100.0]]", m.get("rawData").toString());
    }

    /** Same field names, order and value kinds as JMH's own JSON writer for an equivalent result. */
    @Test
    void jmhResultHasTheShapeOfJmhsOwnWriter() throws Exception {
        RunResult run = realRun();
        JsonNode ours = PLAIN.readTree(RunFormats.JMH.bytes(run)).get(0);
        JsonNode theirs = PLAIN.readTree(jmhsOwn(run.results().get(0), run.profile()));
        assertTrue(theirs.isArray() && theirs.size() == 1, theirs.toString());
        assertSameShape("", theirs.get(0), ours);
        assertEquals(theirs.get(0).get("jmhVersion"), ours.get("jmhVersion"));
        assertEquals(theirs.get(0).get("warmupTime"), ours.get("warmupTime"));
        assertEquals(theirs.get(0).get("measurementTime"), ours.get("measurementTime"));
    }

    /** What JMH's JSONResultFormat writes for a throughput benchmark with the cell's iterations and settings. */
    private static byte[] jmhsOwn(CellResult c, Profile p) {
        WorkloadParams params = new WorkloadParams();
        params.put("batch", "32", 0);
        params.put("threads", "1", 1);
        params.put("device", "cpu", 2);
        IterationParams warmup = new IterationParams(IterationType.WARMUP, p.warmupIterations(),
                TimeValue.milliseconds(Math.round(p.warmupSeconds() * 1000)), 1);
        IterationParams measurement = new IterationParams(IterationType.MEASUREMENT, p.measurementIterations(),
                TimeValue.milliseconds(Math.round(p.measurementSeconds() * 1000)), 1);
        BenchmarkParams bp = new BenchmarkParams("dlbench.mlp_infer.X", "generated", false, 1, new int[] {1},
                List.of(), p.forks(), 0, warmup, measurement, org.openjdk.jmh.annotations.Mode.Throughput, params,
                TimeUnit.SECONDS, 1, "/usr/bin/java", List.of("-Xmx1g"), "17.0.15", "OpenJDK 64-Bit Server VM",
                "17.0.15+6", org.openjdk.jmh.util.Version.getPlainVersion(), TimeValue.minutes(10));
        List<BenchmarkResult> forks = new ArrayList<>();
        for (List<Double> fork : JmhRunFormat.forks(c.samples(), p.measurementIterations())) {
            List<IterationResult> iterations = new ArrayList<>();
            for (double v : fork) {
                IterationResult it = new IterationResult(bp, measurement, new IterationResultMetaData(1, 1));
                it.addResult(new ThroughputResult(ResultRole.PRIMARY, "x", v, 1_000_000_000L, TimeUnit.SECONDS));
                iterations.add(it);
            }
            forks.add(new BenchmarkResult(bp, iterations));
        }
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8)) {
            ResultFormatFactory.getInstance(ResultFormatType.JSON, out)
                    .writeOut(List.of(new org.openjdk.jmh.results.RunResult(bp, forks)));
        }
        return buffer.toByteArray();
    }

    private static void assertSameShape(String path, JsonNode expected, JsonNode actual) {
        assertEquals(expected.getNodeType(), actual.getNodeType(), path + ": " + expected + " vs " + actual);
        if (expected.isObject()) {
            assertEquals(names(expected), names(actual), path + " fields");
            expected.fields().forEachRemaining(e -> assertSameShape(path + "." + e.getKey(), e.getValue(),
                    actual.get(e.getKey())));
        } else if (expected.isArray()) {
            assertEquals(expected.size(), actual.size(), path + " length");
            for (int i = 0; i < expected.size(); i++) {
                assertSameShape(path + "[" + i + "]", expected.get(i), actual.get(i));
            }
        }
    }

    private static List<String> names(JsonNode o) {
        List<String> names = new ArrayList<>();
        o.fieldNames().forEachRemaining(names::add);
        return names;
    }

    // ---- github-action-benchmark

    @Test
    void benchmarkActionHoldsOnlyValidCells() throws Exception {
        RunResult run = mixedRun();
        JsonNode entries = PLAIN.readTree(RunFormats.BENCHMARK_ACTION.bytes(run));
        assertEquals(1, entries.size(), "the noisy, failed and unsupported cells are left out: " + entries);
        JsonNode e = entries.get(0);
        assertEquals(List.of("name", "unit", "value", "range", "extra"), names(e));
        assertEquals("PyTorch mlp infer b32 t1", e.get("name").asText());
        assertEquals("samples/s", e.get("unit").asText());
        assertEquals(run.results().get(0).score(), e.get("value").asDouble());
        assertTrue(e.get("range").asText().startsWith("\u00b1 "), e.toString());
        assertTrue(e.get("extra").asText().contains("verdict valid"), e.toString());

        JsonNode real = PLAIN.readTree(RunFormats.BENCHMARK_ACTION.bytes(realRun()));
        assertEquals(2, real.size(), "PaddlePaddle is inconsistent: left out");
        assertFalse(real.toString().contains("PaddlePaddle"));
    }

    @Test
    void benchmarkActionLatencyHoldsThePercentilesOfValidCells() throws Exception {
        JsonNode entries = PLAIN.readTree(RunFormats.BENCHMARK_ACTION_LATENCY.bytes(mixedRun()));
        assertEquals(3, entries.size(), entries.toString());
        assertEquals("PyTorch mlp infer b32 t1 p50", entries.get(0).get("name").asText());
        assertEquals("ms", entries.get(0).get("unit").asText());
        assertEquals(0.28, entries.get(0).get("value").asDouble());
        assertEquals(0.35, entries.get(1).get("value").asDouble());
        assertEquals(0.50, entries.get(2).get("value").asDouble());
    }

    // ---- registry

    @Test
    void registryListsEveryFormatOnceWithDistinctFiles() {
        List<RunFormat> all = RunFormats.REGISTRY.all();
        assertEquals(List.of("json", "markdown", "csv", "jmh", "benchmark-action", "benchmark-action-latency", "html"),
                RunFormats.REGISTRY.names());
        assertEquals(all.size(), all.stream().map(RunFormat::fileName).distinct().count());
        assertEquals(List.of("table", "markdown", "json", "html"), ComparisonOutputs.REGISTRY.names());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RunFormats.REGISTRY.get("xml"));
        assertTrue(e.getMessage().startsWith("unknown format 'xml' (known: json, markdown, csv, jmh"), e.getMessage());
    }

    @Test
    void everyCellWritesEveryFormatButTheHtmlReport(@TempDir Path dir) throws Exception {
        RunResult run = mixedRun();
        assertTrue(RunFormats.writeEveryCell(run, dir).isEmpty());
        for (RunFormat f : RunFormats.REGISTRY.all()) {
            assertEquals(f.everyCell(), Files.exists(dir.resolve(f.fileName())), f.name());
        }
        assertEquals(run, ResultsIO.read(dir));
        try (var files = Files.list(dir)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")), "no temporary files left");
        }
    }

    // ---- helpers

    private static Map<String, String> row(List<String> header, List<String> fields) {
        Map<String, String> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < header.size(); i++) {
            m.put(header.get(i), fields.get(i));
        }
        return m;
    }

    /** An RFC 4180 reader: quoted fields may hold commas, doubled quotes and line breaks; records end in CRLF. */
    static List<List<String>> parseCsv(String text) {
        List<List<String>> rows = new ArrayList<>();
        List<String> row = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            if (quoted) {
                if (ch == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (ch == '"') {
                    quoted = false;
                } else {
                    field.append(ch);
                }
            } else if (ch == '"') {
                quoted = true;
            } else if (ch == ',') {
                row.add(field.toString());
                field.setLength(0);
            } else if (ch == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                row.add(field.toString());
                field.setLength(0);
                rows.add(row);
                row = new ArrayList<>();
                i++;
            } else {
                assertFalse(ch == '\n' || ch == '\r', "a bare line break outside quotes at " + i);
                field.append(ch);
            }
        }
        assertFalse(quoted, "unterminated quote");
        assertTrue(row.isEmpty() && field.length() == 0, "the last record ends in CRLF");
        return rows;
    }
}
