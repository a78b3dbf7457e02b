package org.dlbench.core.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.dlbench.core.compare.Comparison;
import org.dlbench.core.compare.Criteria;
import org.dlbench.core.compare.Fixtures;
import org.dlbench.core.result.Profile;
import org.dlbench.core.result.ResultsIO;
import org.dlbench.core.result.RunResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HTML reports are single files whose charts are real PNG images of the declared size. */
class ReportTest {
    private static final Pattern IMG = Pattern.compile(
            "<img class=\"chart\" width=\"(\\d+)\" height=\"(\\d+)\" alt=\"([^\"]*)\" src=\"data:image/png;base64,([^\"]+)\">");

    record Chart(String alt, BufferedImage image) {
    }

    /** Every chart in the page, decoded; fails if a chart is not a PNG of its declared size. */
    static List<Chart> charts(String html) throws Exception {
        List<Chart> out = new ArrayList<>();
        Matcher m = IMG.matcher(html);
        while (m.find()) {
            BufferedImage img = ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(m.group(4))));
            assertEquals(Integer.parseInt(m.group(1)), img.getWidth(), m.group(3));
            assertEquals(Integer.parseInt(m.group(2)), img.getHeight(), m.group(3));
            out.add(new Chart(m.group(3), img));
        }
        assertEquals(out.size(), html.split("<img", -1).length - 1, "every <img> is an inline chart");
        return out;
    }

    static void selfContained(String html) {
        assertTrue(html.startsWith("<!DOCTYPE html>"));
        for (String external : List.of("src=\"http", "href=\"http", "<link", "<script", "url(")) {
            assertFalse(html.contains(external), "no external resource or script: " + external);
        }
    }

    /** A chart that drew something: more than two colours, not all background. */
    static void notBlank(Chart c) {
        BufferedImage img = c.image();
        java.util.Set<Integer> colours = new java.util.HashSet<>();
        for (int y = 0; y < img.getHeight(); y += 3) {
            for (int x = 0; x < img.getWidth(); x += 3) {
                colours.add(img.getRGB(x, y));
            }
        }
        assertTrue(colours.size() > 8, c.alt() + " has only " + colours.size() + " colours");
    }

    static Path samplesDir() throws Exception {
        return Files.createDirectories(Path.of("target", "report-samples"));
    }

    @Test
    void runReportShowsTablesAndCharts() throws Exception {
        RunResult run = Samples.run("20261126-100000-box", 1.0);
        String html = RunReport.render(run);
        Files.writeString(samplesDir().resolve("run.html"), html);
        selfContained(html);
        List<Chart> charts = charts(html);
        List<String> alts = charts.stream().map(Chart::alt).toList();
        // 2 workloads x 2 modes: throughput and time per batch; scaling over batch (threads 1) and threads (batch 32)
        assertEquals(4, alts.stream().filter(a -> a.contains("samples/s (error bars")).count(), alts.toString());
        assertEquals(4, alts.stream().filter(a -> a.contains("ms per batch call")).count(), alts.toString());
        assertEquals(4, alts.stream().filter(a -> a.contains("over batch size")).count(), alts.toString());
        assertEquals(4, alts.stream().filter(a -> a.contains("over threads")).count(), alts.toString());
        // the scorecard heads the page, with its dimensions chart and the cnn heat map
        assertEquals(List.of("Scorecard: dimension indices per engine (1 = best), one bar per engine and dimension",
                "Scorecard cnn: heat map of throughput relative to the fastest engine, engine x workload"),
                alts.subList(0, 2));
        assertTrue(html.indexOf("<h2 id=\"scorecard\">Scorecard</h2>") < html.indexOf("<h2>Throughput per engine"));
        charts.forEach(ReportTest::notBlank);
        assertTrue(html.contains("<td>DL4J</td><td></td><td>lenet</td><td>train</td><td class=\"n\">128</td>"
                + "<td class=\"n\">2</td><td>cpu</td><td><span class=\"bad\">failed: child JVM ran out of memory</span>"),
                "failed cells are in the table");
        assertTrue(html.contains("unsupported: training is not supported by this engine"));
        assertTrue(html.contains("Host <code>box</code>: Test CPU 3000, 2 cores"));
    }

    @Test
    void cellsOfOneAndTwoInstancesAtTheSameThreadsAreTwoLines() throws Exception {
        java.util.List<org.dlbench.core.result.CellResult> cells = new java.util.ArrayList<>();
        for (int k = 1; k <= 2; k++) {
            for (int t = 1; t <= 2; t++) {
                var key = new org.dlbench.core.result.CellKey("OnnxRuntime", "lenet", "infer", 32, t, "cpu", "opt-all",
                        k);
                cells.add(new org.dlbench.core.result.CellResult.Builder(key).engineVersion("1.21.1")
                        .score(1000.0 * k * t, 10.0, List.of(1000.0 * k * t, 1000.0 * k * t, 1000.0 * k * t))
                        .checks(List.of(new org.dlbench.core.result.Check("forward_matches_reference", true, "ok")))
                        .verdict(org.dlbench.core.result.Verdicts.VALID, null).build());
            }
        }
        RunResult run = Fixtures.run("instances", cells.toArray(org.dlbench.core.result.CellResult[]::new));
        String html = RunReport.render(run);
        assertTrue(html.contains("<h2>Instances x threads</h2>"), "the instances table");
        List<String> alts = charts(html).stream().map(Chart::alt).toList();
        assertEquals(1, alts.stream().filter(a -> a.contains("over threads")).count(), alts.toString());
    }

    @Test
    void runWithoutMeasurementsSaysSo() throws Exception {
        RunResult run = Fixtures.run("empty", Fixtures.unsupported("X", "mlp", "train", 32, 1));
        String html = RunReport.render(run);
        assertTrue(html.contains("No measured results to chart."));
        assertEquals(0, charts(html).size());
    }

    @Test
    void singleConfigurationRunExplainsMissingScaling() throws Exception {
        RunResult run = Fixtures.run("one", Fixtures.ok("PyTorch", "2.7.1", "mlp", "infer", 32, 1, 10, 11, 12));
        String html = RunReport.render(run);
        assertEquals(2, charts(html).size());
        assertTrue(html.contains("run with several <code>--batch</code> or <code>--threads</code> values"));
    }

    @Test
    void comparisonReportHasTheRatioChart() throws Exception {
        RunResult base = Samples.run("base", 1.0);
        RunResult cand = Samples.run("cand", 0.9);
        Comparison c = Comparison.of("results/base", base, "results/cand", cand, Criteria.DEFAULT);
        String html = ComparisonReport.render(c);
        Files.writeString(samplesDir().resolve("compare.html"), html);
        selfContained(html);
        List<Chart> charts = charts(html);
        assertTrue(charts.get(0).alt().startsWith("Ratio of candidate to baseline throughput"), charts.get(0).alt());
        assertEquals(1 + 4, charts.size(), "ratio chart and one baseline/candidate chart per workload and mode");
        charts.forEach(ReportTest::notBlank);
        assertTrue(html.contains("<p class=\"summary fail\">"), "a regression is shown as such");
        assertTrue(html.contains("<span class=\"slower\">slower</span>"));
        assertTrue(html.contains("<h2>Not compared</h2>"));
        // the ratio chart marks slower results in red
        BufferedImage ratio = charts.get(0).image();
        boolean red = false;
        for (int y = 0; y < ratio.getHeight() && !red; y++) {
            for (int x = 0; x < ratio.getWidth() && !red; x++) {
                red = ratio.getRGB(x, y) == Charts.SLOWER.getRGB();
            }
        }
        assertTrue(red, "slower dots are red");
    }

    @Test
    void historyIndexesRunsAndDrawsTrends(@TempDir Path dir) throws Exception {
        ResultsIO.write(Samples.run("20261120-100000-box", 1.0), dir.resolve("20261120-100000-box/results.json"));
        ResultsIO.write(Samples.run("20261121-100000-box", 1.1), dir.resolve("20261121-100000-box/results.json"));
        ResultsIO.write(Samples.run("20261122-100000-box", 1.2), dir.resolve("20261122-100000-box/results.json"));
        ResultsIO.write(Samples.run("20261123-100000-box", 1.2, Fixtures.HOST, Profile.THOROUGH),
                dir.resolve("20261123-100000-box/results.json"));
        Files.createDirectories(dir.resolve("broken"));
        Files.writeString(dir.resolve("broken/results.json"), "{\"schema_version\": 1, \"results\": [");
        Files.createDirectories(dir.resolve("notes"));
        Files.writeString(dir.resolve("stray.txt"), "not a run");
        Files.writeString(dir.resolve("20261121-100000-box/report.html"), "<html></html>");

        History.Scan scan = History.scan(dir);
        assertEquals(4, scan.runs().size());
        assertEquals(1, scan.skipped().size());
        assertTrue(scan.skipped().get(0).why().contains("broken/results.json: results: not valid JSON"), scan.skipped().get(0).why());
        History.write(scan);

        String index = Files.readString(dir.resolve(History.INDEX));
        assertTrue(index.contains("4 run(s), oldest first"), index);
        assertTrue(index.contains("| [20261121-100000-box](20261121-100000-box/results.md) "
                + "([html](20261121-100000-box/report.html)) |"), index);
        assertTrue(index.contains("| box | Test CPU 3000 | 2 | quick | DL4J 1.0.0-M2.1, PyTorch 2.7.1, TensorFlow 2.16.1; "
                + "djl 0.36.0 | 0.1.0-SNAPSHOT | 0123456789 | 40 / 1 / 2 |"), index);
        assertTrue(index.contains("Skipped broken: "), index);
        assertTrue(index.contains("## Trend: Test CPU 3000, 2 cores, profile quick"), index);
        assertTrue(index.contains("## Trend: Test CPU 3000, 2 cores, profile thorough"), index);
        assertTrue(index.contains("| Result | 20261120-100000-box | 20261121-100000-box | 20261122-100000-box | Change |"), index);
        assertTrue(index.contains("| PyTorch mlp infer b32 t1 | 150,000 | 165,000 | 180,000 | +20.0% |"), index);
        assertTrue(index.contains("| DL4J mlp infer b32 t1 | 82,500 | 82,500 | 82,500 | +0.0% |"), index);

        String html = Files.readString(dir.resolve(History.HTML));
        Files.writeString(samplesDir().resolve("history.html"), html);
        selfContained(html);
        List<Chart> charts = charts(html);
        // per environment: 2 workloads x 2 modes x (batch 1, 32, 128 at 1 thread + batch 32 at 2 threads)
        assertEquals(2 * 16, charts.size());
        charts.forEach(ReportTest::notBlank);
        assertTrue(html.contains("<a href=\"20261121-100000-box/report.html\">20261121-100000-box</a>"));
    }
}
