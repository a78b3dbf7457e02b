package org.dlbench.core.output;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import org.dlbench.core.result.CellResult;
import org.dlbench.core.result.Host;
import org.dlbench.core.result.Profile;
import org.dlbench.core.result.ResultsIO;
import org.dlbench.core.result.RunResult;
import org.dlbench.core.result.Status;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.util.ListStatistics;
import org.openjdk.jmh.util.Version;

/**
 * {@code jmh-result.json}: the cells in JMH's own JSON result format (as {@code -rf json} writes it, JMH 1.37
 * field names and order), for jmh-visualizer and other JMH tooling.
 *
 * <p>One entry per {@code ok} cell measured by JMH (the server scenario is not, and has no iterations: it is left
 * out). The benchmark name is {@code dlbench.WORKLOAD_MODE.ENGINE} (characters other than letters, digits,
 * {@code _} and {@code -} become {@code _}), so jmh-visualizer, which groups by the part before the last dot as the
 * benchmark class, draws one chart per workload and mode with a bar per engine; {@code params} holds
 * {@code batch}, {@code threads} (the engine's threads) and {@code device}, which split the bars further. Mode is
 * {@code thrpt}, {@code threads} is 1 (JMH's benchmark threads, always one here), {@code forks}, iterations and
 * times are the profile's. The primary metric is the cell's own numbers: {@code score} and {@code scoreError} (the
 * 99.9% half-width; {@code "NaN"} when there were fewer than two iterations, as JMH writes it), the interval
 * score +- error, percentiles over the iterations (JMH's own statistics), unit {@code samples/s}, and
 * {@code rawData} the per-iteration samples/s split into one list per fork. {@code jvm} is the runner's VM
 * description (dlbench records no java path); {@code jvmArgs} the runner's arguments; {@code jmhVersion} the JMH on
 * the class path. No secondary metrics.
 */
final class JmhRunFormat implements RunFormat {
    /** The percentiles JMH writes, as it names them. */
    private static final double[] PERCENTILES = {0.0, 50.0, 90.0, 95.0, 99.0, 99.9, 99.99, 99.999, 99.9999, 100.0};

    @Override
    public String name() {
        return "jmh";
    }

    @Override
    public String fileName() {
        return "jmh-result.json";
    }

    @Override
    public String description() {
        return "JMH's JSON result format, one entry per measured cell (jmh-visualizer, JMH tooling)";
    }

    @Override
    public void write(RunResult run, OutputStream out) throws IOException {
        ArrayNode entries = JsonNodeFactory.instance.arrayNode();
        for (CellResult c : run.results()) {
            if (included(c)) {
                entries.add(entry(run, c));
            }
        }
        out.write(ResultsIO.JSON.writeValueAsBytes(entries));
        out.write('\n');
    }

    /** An ok cell with JMH's per-iteration samples. */
    static boolean included(CellResult c) {
        return c.status() == Status.OK && c.score() != null && c.samples() != null && !c.samples().isEmpty();
    }

    /** {@code dlbench.WORKLOAD_MODE.ENGINE}, with {@code _VARIANT} when the cell has a shown variant. */
    static String benchmarkName(CellResult c) {
        String variant = c.cellKey().shownVariant().isEmpty() ? "" : "_" + safe(c.variantName());
        return "dlbench." + safe(c.workload()) + "_" + safe(c.mode()) + "." + safe(c.engine()) + variant;
    }

    private static String safe(String s) {
        return s == null ? "unknown" : s.replaceAll("[^A-Za-z0-9_-]", "_");
    }

    private static ObjectNode entry(RunResult run, CellResult c) {
        Profile p = run.profile();
        Host h = run.host();
        ObjectNode e = JsonNodeFactory.instance.objectNode();
        e.put("jmhVersion", Version.getPlainVersion());
        e.put("benchmark", benchmarkName(c));
        e.put("mode", "thrpt");
        e.put("threads", 1);
        e.put("forks", p == null ? 0 : p.forks());
        String vm = h == null || h.jvm() == null ? "" : h.jvm();
        e.put("jvm", vm);
        ArrayNode args = e.putArray("jvmArgs");
        if (h != null && h.jvmArgs() != null) {
            h.jvmArgs().forEach(args::add);
        }
        int space = vm.lastIndexOf(' ');
        String vmVersion = space < 0 ? vm : vm.substring(space + 1);
        e.put("jdkVersion", jdkVersion(vmVersion));
        e.put("vmName", space < 0 ? vm : vm.substring(0, space));
        e.put("vmVersion", vmVersion);
        e.put("warmupIterations", p == null ? 0 : p.warmupIterations());
        e.put("warmupTime", time(p == null ? 0 : p.warmupSeconds()));
        e.put("warmupBatchSize", 1);
        int iterations = p == null ? 0 : p.measurementIterations();
        e.put("measurementIterations", iterations);
        e.put("measurementTime", time(p == null ? 0 : p.measurementSeconds()));
        e.put("measurementBatchSize", 1);
        // JMH lists parameters by name
        ObjectNode params = e.putObject("params");
        params.put("batch", Integer.toString(c.batch()));
        params.put("device", c.device());
        params.put("threads", Integer.toString(c.threads()));

        ObjectNode primary = e.putObject("primaryMetric");
        double score = c.score();
        Double error = c.scoreError();
        primary.put("score", score);
        number(primary, "scoreError", error == null ? Double.NaN : error);
        ArrayNode confidence = primary.putArray("scoreConfidence");
        number(confidence, error == null ? Double.NaN : score - error);
        number(confidence, error == null ? Double.NaN : score + error);
        ListStatistics stats = new ListStatistics(c.samples().stream().mapToDouble(Double::doubleValue).toArray());
        ObjectNode percentiles = primary.putObject("scorePercentiles");
        for (double q : PERCENTILES) {
            number(percentiles, String.valueOf(q), stats.getPercentile(q));
        }
        primary.put("scoreUnit", c.unit() == null ? CellResult.UNIT : c.unit());
        ArrayNode raw = primary.putArray("rawData");
        for (List<Double> fork : forks(c.samples(), iterations)) {
            ArrayNode f = raw.addArray();
            fork.forEach(v -> number(f, v));
        }
        e.putObject("secondaryMetrics");
        return e;
    }

    /** The samples split into one list per fork of {@code iterations} each; one list when they do not divide. */
    static List<List<Double>> forks(List<Double> samples, int iterations) {
        if (iterations <= 0 || samples.size() % iterations != 0) {
            return List.of(samples);
        }
        List<List<Double>> forks = new java.util.ArrayList<>();
        for (int i = 0; i < samples.size(); i += iterations) {
            forks.add(samples.subList(i, i + iterations));
        }
        return forks;
    }

    /** How JMH prints an iteration time given in milliseconds, as dlbench gives it: {@code 500 ms}. */
    private static String time(double seconds) {
        return TimeValue.milliseconds(Math.round(seconds * 1000)).toString();
    }

    /** {@code 17.0.15} from {@code 17.0.15+6-Debian-1deb12u1}; the text itself when it is no Java version. */
    static String jdkVersion(String runtimeVersion) {
        try {
            return Runtime.Version.parse(runtimeVersion).version().stream().map(String::valueOf)
                    .reduce((a, b) -> a + "." + b).orElse(runtimeVersion);
        } catch (IllegalArgumentException e) {
            return runtimeVersion;
        }
    }

    /** A number as JMH writes it: NaN and infinities as the strings {@code "NaN"}, {@code "+INF"}, {@code "-INF"}. */
    private static void number(ObjectNode o, String field, double v) {
        if (Double.isFinite(v)) {
            o.put(field, v);
        } else {
            o.put(field, special(v));
        }
    }

    private static void number(ArrayNode a, double v) {
        if (Double.isFinite(v)) {
            a.add(v);
        } else {
            a.add(special(v));
        }
    }

    private static String special(double v) {
        return Double.isNaN(v) ? "NaN" : v > 0 ? "+INF" : "-INF";
    }
}
