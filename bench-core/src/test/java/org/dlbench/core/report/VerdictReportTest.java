package org.dlbench.core.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.dlbench.core.compare.Comparison;
import org.dlbench.core.compare.Criteria;
import org.dlbench.core.compare.Fixtures;
import org.dlbench.core.result.CellResult;
import org.dlbench.core.result.ResultsIO;
import org.dlbench.core.result.RunResult;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.LegendItemCollection;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.title.TextTitle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** No HTML page shows a noisy, inconsistent, unjudged or invalid number as clean. */
class VerdictReportTest {
    static final Color BLUE = new Color(0x4E79A7);

    /** The sample run with PyTorch's mlp inference at batch 32 noisy and DL4J's failing its check. */
    static RunResult flaggedRun(String id, double speed) {
        List<CellResult> cells = new ArrayList<>();
        for (CellResult c : Samples.run(id, speed).results()) {
            boolean mlpInfer32 = c.workload().equals("mlp") && c.mode().equals("infer") && c.batch() == 32
                    && c.threads() == 1;
            if (mlpInfer32 && c.engine().equals("PyTorch")) {
                c = Fixtures.verdict(c, "noisy", "error +-14.0% above 10%");
            } else if (mlpInfer32 && c.engine().equals("DL4J")) {
                c = Fixtures.checkFailed(c);
            } else if (mlpInfer32 && c.engine().equals("TensorFlow")) {
                c = Fixtures.verdict(c, null, null);
            }
            cells.add(c);
        }
        return Fixtures.run(id, Fixtures.HOST, org.dlbench.core.result.Profile.QUICK, cells.toArray(new CellResult[0]));
    }

    static int count(BufferedImage img, Color c) {
        int n = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                n += img.getRGB(x, y) == c.getRGB() ? 1 : 0;
            }
        }
        return n;
    }

    static Color pale(Color c) {
        return new Color((c.getRed() + 3 * 255) / 4, (c.getGreen() + 3 * 255) / 4, (c.getBlue() + 3 * 255) / 4);
    }

    static String legendText(LegendItemCollection items) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < items.getItemCount(); i++) {
            sb.append(items.get(i).getLabel()).append('\n');
        }
        return sb.toString();
    }

    static String subtitles(JFreeChart chart) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < chart.getSubtitleCount(); i++) {
            if (chart.getSubtitle(i) instanceof TextTitle t) {
                sb.append(t.getText()).append('\n');
            }
        }
        return sb.toString();
    }

    @Test
    void flaggedBarsAreHatchedLabelledAndExplainedInTheLegend() throws Exception {
        Charts.Palette palette = new Charts.Palette(List.of("A"));
        BufferedImage clean = ReportTest.charts(Html.chart(Charts.bars("t", null, "samples/s",
                List.of(new Charts.Bar("A", "batch 32", 100, 5)), palette, false), 400, 300, "x")).get(0).image();
        JFreeChart flaggedChart = Charts.bars("t", null, "samples/s", List.of(new Charts.Bar("A", "batch 32", 100, 5,
                "noisy")), palette, false);
        BufferedImage flagged = ReportTest.charts(Html.chart(flaggedChart, 400, 300, "x")).get(0).image();
        assertEquals(0, count(clean, pale(BLUE)), "a clean bar is solid");
        assertTrue(count(flagged, pale(BLUE)) > 100, "a flagged bar is hatched: stripes on a pale ground");
        assertTrue(count(flagged, BLUE) < 0.7 * count(clean, BLUE), "a hatched bar is not solid colour");
        String legend = legendText(((CategoryPlot) flaggedChart.getPlot()).getLegendItems());
        assertTrue(legend.contains("hatched: not valid (noisy)"), legend);
        assertEquals("100 noisy", ((CategoryPlot) flaggedChart.getPlot()).getRenderer().getDefaultItemLabelGenerator()
                .generateLabel(((CategoryPlot) flaggedChart.getPlot()).getDataset(), 0, 0));
    }

    @Test
    void flaggedPointsAreHollowAndInvalidOnesLeaveAGap() throws Exception {
        JFreeChart chart = Charts.lines("t", "batch size", "samples/s", List.of(new Charts.Point("A", 1, 10),
                new Charts.Point("A", 32, 100, "inconsistent"), new Charts.Point("A", 128, Double.NaN)), true,
                new Charts.Palette(List.of("A")));
        XYPlot plot = (XYPlot) chart.getPlot();
        var lr = (org.jfree.chart.renderer.xy.XYLineAndShapeRenderer) plot.getRenderer();
        assertTrue(lr.getItemShapeFilled(0, 0));
        assertFalse(lr.getItemShapeFilled(0, 1), "the inconsistent point is hollow");
        assertTrue(plot.getRenderer().isItemLabelVisible(0, 1));
        assertEquals("inconsistent", plot.getRenderer().getDefaultItemLabelGenerator().generateLabel(plot.getDataset(),
                0, 1));
        assertTrue(Double.isNaN(plot.getDataset().getYValue(0, 2)), "the invalid point is not drawn");
        assertTrue(legendText(plot.getLegendItems()).contains("hollow point: not valid (inconsistent)"));
        ReportTest.notBlank(ReportTest.charts(Html.chart(chart, 500, 300, "x")).get(0));

        JFreeChart trend = Charts.trend("t", List.of("r1", "r2"), List.of(new Charts.Bar("A", "r1", 10, 1),
                new Charts.Bar("A", "r2", 12, 1, "no verdict")), new Charts.Palette(List.of("A")));
        CategoryPlot tp = (CategoryPlot) trend.getPlot();
        var tr = (org.jfree.chart.renderer.category.LineAndShapeRenderer) tp.getRenderer();
        assertFalse(tr.getItemShapeFilled(0, 1));
        assertTrue(tr.getItemShapeFilled(0, 0));
        assertTrue(legendText(tp.getLegendItems()).contains("hollow point: not valid (no verdict)"));
    }

    @Test
    void runReportHasAVerdictColumnAndDrawsNoInvalidCell() throws Exception {
        RunResult run = flaggedRun("20261126-100000-box", 1.0);
        String html = RunReport.render(run);
        Files.writeString(ReportTest.samplesDir().resolve("run-verdicts.html"), html);
        ReportTest.selfContained(html);
        assertTrue(html.contains("<th>Busy cores</th><th>Verdict</th>"), "a verdict column");
        assertTrue(html.contains("<th>Bare loop samples/s</th><th>Latency phase samples/s</th>"), "the three measures");
        assertTrue(html.contains("<td><span class=\"warn\"><b>noisy</b>: error +-14.0% above 10%</span></td>"), html);
        assertTrue(html.contains("<td><span class=\"bad\"><b>invalid</b>: correctness check failed: "
                + "forward_matches_reference</span></td>"));
        assertTrue(html.contains("<b>no verdict</b>: recorded without a verdict (older run); not treated as valid"));
        assertTrue(html.contains("<td>valid</td>"));
        assertTrue(html.contains("40 measured (37 valid, 3 not valid)"), html);

        List<ReportTest.Chart> charts = ReportTest.charts(html);
        charts.forEach(ReportTest::notBlank);
        // same number of charts as before: the invalid cell is left out of its charts, not the charts themselves
        // (besides the scorecard's: its dimensions and the cnn heat map)
        assertEquals(16, charts.stream().filter(c -> !c.alt().startsWith("Scorecard")).count());
        assertEquals(2, charts.stream().filter(c -> c.alt().startsWith("Scorecard")).count());
        List<String> alts = charts.stream().map(ReportTest.Chart::alt).toList();
        assertTrue(alts.stream().anyMatch(a -> a.startsWith("mlp infer: samples/s (error bars")
                && a.endsWith("not drawn (invalid): DL4J batch 32 t1")), alts.toString());
        assertTrue(alts.stream().anyMatch(a -> a.startsWith("mlp infer threads 1: samples/s over batch size")
                && a.endsWith("not drawn (invalid): DL4J batch 32")), alts.toString());
        assertTrue(html.contains("Not drawn, invalid (not measured as it should be): DL4J batch 32 t1 (correctness "
                + "check failed: forward_matches_reference)."), html);
        assertTrue(html.contains("Charts hatch bars and hollow points that are not valid and do not draw invalid"));

        // the throughput chart of mlp infer has hatched bars (PyTorch's colour, pale) and says what it left out
        BufferedImage mlpInfer = charts.stream().filter(c -> c.alt().startsWith("mlp infer: samples/s")).findFirst()
                .orElseThrow().image();
        Color pytorch = RunReport.palette(run.results()).color("PyTorch");
        assertTrue(count(mlpInfer, pale(pytorch)) > 50, "PyTorch's noisy bar is hatched");
    }

    @Test
    void aChartWhoseCellsAreAllInvalidIsReplacedByItsList() throws Exception {
        RunResult run = Fixtures.run("one", Fixtures.checkFailed(Fixtures.ok("PyTorch", "2.7.1", "mlp", "infer", 32, 1,
                10, 11, 12)));
        String html = RunReport.render(run);
        assertEquals(0, ReportTest.charts(html).size());
        assertTrue(html.contains("mlp infer: samples/s (error bars: 99.9% interval), one bar per engine and "
                + "configuration: nothing drawn. Not drawn, invalid"), html);
    }

    @Test
    void comparisonReportListsNonValidResultsApartAndTheRatioChartSaysSo() throws Exception {
        Comparison c = Comparison.of("a", Samples.run("a", 1.0), "b", flaggedRun("b", 0.9), Criteria.DEFAULT);
        String html = ComparisonReport.render(c);
        Files.writeString(ReportTest.samplesDir().resolve("compare-verdicts.html"), html);
        assertEquals(2, c.notValidCount(), "noisy PyTorch and unjudged TensorFlow");
        assertTrue(c.regressions().stream().anyMatch(r -> r.startsWith("DL4J mlp infer b32 t1 (candidate failed checks")),
                c.regressions().toString());
        assertTrue(html.contains("<h2 id=\"not-valid\">Not comparable: verdict not valid</h2>"));
        assertTrue(html.contains("<td>PyTorch mlp infer b32 t1</td><td class=\"n\">150,000</td><td>valid</td>"
                + "<td class=\"n\">135,000</td><td><span class=\"warn\">noisy</span></td><td>candidate noisy: "
                + "error +-14.0% above 10%</td>"), html);
        assertTrue(html.contains("<span class=\"warn\">no verdict</span>"), html);
        assertTrue(html.contains("Not drawn: 2 results not valid in baseline or candidate"), html);
        List<ReportTest.Chart> charts = ReportTest.charts(html);
        assertTrue(charts.get(0).alt().endsWith("; not drawn: 2 results not valid in baseline or candidate"), charts.get(0).alt());
        charts.forEach(ReportTest::notBlank);
        assertTrue(html.contains("2 of them left out for their verdicts"), html);
    }

    @Test
    void historyFlagsPointsInTheTableAndLeavesInvalidOnesOutOfCharts(@TempDir Path dir) throws Exception {
        ResultsIO.write(Samples.run("20261120-100000-box", 1.0), dir.resolve("20261120-100000-box/results.json"));
        ResultsIO.write(Samples.run("20261121-100000-box", 1.1), dir.resolve("20261121-100000-box/results.json"));
        ResultsIO.write(flaggedRun("20261122-100000-box", 1.2), dir.resolve("20261122-100000-box/results.json"));
        History.Scan scan = History.scan(dir);
        String index = History.indexMarkdown(scan);
        // the noisy point is marked and Change skips it: last valid (165,000) against the first
        assertTrue(index.contains("| PyTorch mlp infer b32 t1 | 150,000 | 165,000 | 180,000 *noisy* | +10.0% |"), index);
        assertTrue(index.contains("| DL4J mlp infer b32 t1 | 82,500 | 82,500 | 82,500 *invalid* | +0.0% |"), index);
        assertTrue(index.contains("| TensorFlow mlp infer b32 t1 | 120,000 | 120,000 | 120,000 *no verdict* |"), index);
        assertTrue(index.contains("| PyTorch mlp infer b1 t1 | 22,500 | 24,750 | 27,000 | +20.0% |"), index);
        assertTrue(index.contains(History.NOT_VALID), index);

        String html = History.html(scan);
        Files.writeString(ReportTest.samplesDir().resolve("history-verdicts.html"), html);
        List<ReportTest.Chart> charts = ReportTest.charts(html);
        assertEquals(16, charts.size());
        charts.forEach(ReportTest::notBlank);
        assertTrue(charts.stream().anyMatch(ch -> ch.alt().startsWith("mlp infer batch 32 threads 1: samples/s per run")
                && ch.alt().contains("not drawn (invalid): DL4J in 20261122-100000-box (correctness check failed")),
                charts.stream().map(ReportTest.Chart::alt).toList().toString());
        assertTrue(html.contains("Not drawn, invalid: DL4J in 20261122-100000-box (correctness check failed: "
                + "forward_matches_reference)."), html);
    }
}
