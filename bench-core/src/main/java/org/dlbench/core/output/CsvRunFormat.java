package org.dlbench.core.output;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.dlbench.core.result.CellResult;
import org.dlbench.core.result.ResultsIO;
import org.dlbench.core.result.RunResult;

/**
 * {@code results.csv}: one row per cell (every status), for notebooks and spreadsheets. RFC 4180: a header row,
 * CRLF line ends, a field quoted when it holds a comma, a quote or a line break, quotes doubled inside it; UTF-8.
 *
 * <p>Columns: {@link #KEY_COLUMNS} first, then every field of the cell as {@code results.json} names it, in the
 * order of {@link CellResult}'s fields, and {@code run_id} last. Nested records become dotted names
 * ({@code latency.p50_ms}, {@code cross_check.bare_loop}, {@code settings.KEY}); lists become one column per element,
 * numbered from 0 in their recorded order ({@code samples.0} ... {@code samples.N-1}: every measured iteration, fork
 * after fork; {@code server.trials.0.target_rate}); {@code checks} become one column per check name holding whether
 * it passed ({@code checks.forward_matches_reference}), their detail text is left in {@code results.json}. A field a
 * cell does not have is an empty field (an unsupported cell has no score). Numbers are written as Java prints a
 * double ({@code 606280.2980968185}, {@code 1.2E7}, {@code NaN}).
 */
final class CsvRunFormat implements RunFormat {
    /** The columns every row starts with: the cell's identity, its outcome and its verdict. */
    static final List<String> KEY_COLUMNS = List.of("engine", "workload", "mode", "batch", "threads", "device",
            "status", "verdict");

    @Override
    public String name() {
        return "csv";
    }

    @Override
    public String fileName() {
        return "results.csv";
    }

    @Override
    public String description() {
        return "one row per cell, every field flattened to a column (pandas.read_csv, spreadsheets)";
    }

    @Override
    public void write(RunResult run, OutputStream out) throws IOException {
        List<Map<String, String>> rows = new ArrayList<>();
        // columns grouped by the top-level field they come from, so rows with and without a field line up
        Map<String, Set<String>> groups = new LinkedHashMap<>();
        for (String k : KEY_COLUMNS) {
            groups.put(k, new LinkedHashSet<>(List.of(k)));
        }
        PropertyNamingStrategies.NamingBase snake = (PropertyNamingStrategies.NamingBase)
                PropertyNamingStrategies.SNAKE_CASE;
        for (RecordComponent c : CellResult.class.getRecordComponents()) {
            groups.putIfAbsent(snake.translate(c.getName()), new LinkedHashSet<>());
        }
        for (CellResult cell : run.results()) {
            Map<String, String> row = flatten(ResultsIO.JSON.valueToTree(cell));
            rows.add(row);
            for (String column : row.keySet()) {
                int dot = column.indexOf('.');
                groups.computeIfAbsent(dot < 0 ? column : column.substring(0, dot), k -> new LinkedHashSet<>())
                        .add(column);
            }
        }
        List<String> header = new ArrayList<>();
        groups.values().forEach(header::addAll);
        header.add("run_id");

        StringBuilder sb = new StringBuilder();
        line(sb, header);
        for (Map<String, String> row : rows) {
            List<String> fields = new ArrayList<>(header.size());
            for (String column : header.subList(0, header.size() - 1)) {
                fields.add(row.getOrDefault(column, ""));
            }
            fields.add(run.runId() == null ? "" : run.runId());
            line(sb, fields);
        }
        out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** The cell's fields as column name to text, in {@code results.json}'s order. */
    static Map<String, String> flatten(JsonNode cell) {
        Map<String, String> row = new LinkedHashMap<>();
        cell.fields().forEachRemaining(e -> {
            if (e.getKey().equals("checks") && e.getValue().isArray()) {
                for (JsonNode check : e.getValue()) {
                    String column = "checks." + check.path("name").asText();
                    boolean passed = check.path("passed").asBoolean(false);
                    // the same check from several benchmark processes: it passed only if it passed in all
                    row.merge(column, String.valueOf(passed), (a, b) -> String.valueOf(a.equals("true") && passed));
                }
            } else {
                flatten(e.getValue(), e.getKey(), row);
            }
        });
        return row;
    }

    private static void flatten(JsonNode node, String column, Map<String, String> row) {
        if (node.isObject()) {
            node.fields().forEachRemaining(e -> flatten(e.getValue(), column + "." + e.getKey(), row));
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                flatten(node.get(i), column + "." + i, row);
            }
        } else if (!node.isNull()) {
            row.put(column, node.asText());
        }
    }

    private static void line(StringBuilder sb, List<String> fields) {
        for (int i = 0; i < fields.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(quote(fields.get(i)));
        }
        sb.append("\r\n");
    }

    /** RFC 4180: quoted when it holds a comma, a double quote or a line break; quotes inside are doubled. */
    static String quote(String field) {
        if (field.indexOf(',') < 0 && field.indexOf('"') < 0 && field.indexOf('\n') < 0 && field.indexOf('\r') < 0) {
            return field;
        }
        return '"' + field.replace("\"", "\"\"") + '"';
    }
}
