package org.dlbench.core.output;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.dlbench.core.result.CellResult;
import org.dlbench.core.result.ResultsIO;
import org.dlbench.core.result.RunResult;
import org.dlbench.core.result.Status;
import org.dlbench.core.result.Verdicts;

/**
 * The custom JSON of github-action-benchmark ({@code benchmark-action/github-action-benchmark}): an array of
 * {@code {name, unit, value, range, extra}}.
 *
 * <p>Only cells whose verdict is {@code valid} are written: the action alerts on any drop, and a noisy,
 * inconsistent or invalid number (or an older run's unjudged one) would raise false alarms or hide real ones; the
 * cells left out are those {@code results.md} marks. {@link #throughput()} ({@code benchmark-action.json}, tool
 * {@code customBiggerIsBetter}) has one entry per valid cell: samples/s, range +- the 99.9% half-width.
 * {@link #latency()} ({@code benchmark-action-latency.json}, tool {@code customSmallerIsBetter}) has the p50, p90
 * and p99 latency in ms of each valid cell that measured latency. Names are
 * {@code ENGINE WORKLOAD MODE bBATCH tTHREADS} (plus the device when it is not {@code cpu}), the labels
 * {@code compare} and {@code history} use, so a cell keeps its series from run to run.
 */
final class BenchmarkActionFormat implements RunFormat {
    private final boolean latency;

    private BenchmarkActionFormat(boolean latency) {
        this.latency = latency;
    }

    /** {@code benchmark-action.json}: throughput, {@code tool: customBiggerIsBetter}. */
    static BenchmarkActionFormat throughput() {
        return new BenchmarkActionFormat(false);
    }

    /** {@code benchmark-action-latency.json}: latency percentiles, {@code tool: customSmallerIsBetter}. */
    static BenchmarkActionFormat latency() {
        return new BenchmarkActionFormat(true);
    }

    @Override
    public String name() {
        return latency ? "benchmark-action-latency" : "benchmark-action";
    }

    @Override
    public String fileName() {
        return latency ? "benchmark-action-latency.json" : "benchmark-action.json";
    }

    @Override
    public String description() {
        return latency
                ? "p50/p90/p99 latency of valid cells for github-action-benchmark (tool: customSmallerIsBetter)"
                : "samples/s of valid cells for github-action-benchmark (tool: customBiggerIsBetter)";
    }

    /** A cell the action may track: measured, and judged valid. */
    static boolean included(CellResult c) {
        return c.status() == Status.OK && c.score() != null && Verdicts.VALID.equals(c.verdict());
    }

    @Override
    public void write(RunResult run, OutputStream out) throws IOException {
        ArrayNode entries = JsonNodeFactory.instance.arrayNode();
        for (CellResult c : run.results()) {
            if (!included(c)) {
                continue;
            }
            if (!latency) {
                ObjectNode e = entries.addObject();
                e.put("name", c.label());
                e.put("unit", c.unit() == null ? CellResult.UNIT : c.unit());
                e.put("value", c.score());
                if (c.scoreError() != null && Double.isFinite(c.scoreError())) {
                    e.put("range", String.format(Locale.ROOT, "\u00b1 %.1f", c.scoreError()));
                }
                e.put("extra", extra(run, c, c.samples() == null || c.samples().isEmpty() ? null
                        : c.samples().size() + " iterations"));
            } else if (c.latency() != null) {
                CellResult.Latency l = c.latency();
                double[][] points = {{50, l.p50Ms()}, {90, l.p90Ms()}, {99, l.p99Ms()}};
                for (double[] p : points) {
                    ObjectNode e = entries.addObject();
                    e.put("name", c.label() + " p" + (int) p[0]);
                    e.put("unit", "ms");
                    e.put("value", p[1]);
                    e.put("extra", extra(run, c, l.count() + " timed calls of batch " + c.batch()));
                }
            }
        }
        out.write(ResultsIO.JSON.writeValueAsBytes(entries));
        out.write('\n');
    }

    /** What the action shows beside the value: verdict, how much was measured, engine version and run. */
    private static String extra(RunResult run, CellResult c, String measured) {
        List<String> parts = new ArrayList<>();
        parts.add("verdict " + c.verdict());
        if (measured != null) {
            parts.add(measured);
        }
        if (c.engineVersion() != null) {
            parts.add(c.engine() + " " + c.engineVersion());
        }
        if (run.runId() != null) {
            parts.add("run " + run.runId());
        }
        return String.join("; ", parts);
    }
}
