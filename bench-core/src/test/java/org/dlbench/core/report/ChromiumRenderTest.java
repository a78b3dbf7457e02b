package org.dlbench.core.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.dlbench.core.compare.Comparison;
import org.dlbench.core.compare.Criteria;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reports as a browser shows them: scripts/check-html-report opens each in headless Chromium, checks every
 * chart decoded and takes a screenshot. Skipped where Debian's chromium package is not installed.
 */
class ChromiumRenderTest {
    static final Path SCRIPT = Path.of("..", "scripts", "check-html-report").toAbsolutePath().normalize();

    static boolean chromium() {
        return Files.isExecutable(Path.of("/usr/bin/chromium")) || Files.isExecutable(Path.of("/usr/bin/chromium-browser"));
    }

    static String check(Path html, Path png) throws Exception {
        Process p = new ProcessBuilder("bash", SCRIPT.toString(), html.toString(), png.toString())
                .redirectErrorStream(true).start();
        // the script limits Chromium to 2 x 120 s itself; this is a backstop
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "check-html-report hung");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    @Test
    void runAndComparisonReportsRenderWithTheirCharts(@TempDir Path dir) throws Exception {
        assumeTrue(chromium(), "Debian's chromium is not installed (apt-get install -y chromium)");
        Path run = dir.resolve("run.html");
        Files.writeString(run, RunReport.render(Samples.run("20261126-100000-box", 1.0)));
        Path cmp = dir.resolve("compare.html");
        Files.writeString(cmp, ComparisonReport.render(Comparison.of("a", Samples.run("a", 1.0), "b",
                Samples.run("b", 0.9), Criteria.DEFAULT)));
        // verdicts: hatched bars, hollow points, "not drawn" notes and the not-comparable table render too
        Path flagged = dir.resolve("run-verdicts.html");
        Files.writeString(flagged, RunReport.render(VerdictReportTest.flaggedRun("20261126-100000-box", 1.0)));
        Path flaggedCmp = dir.resolve("compare-verdicts.html");
        Files.writeString(flaggedCmp, ComparisonReport.render(Comparison.of("a", Samples.run("a", 1.0), "b",
                VerdictReportTest.flaggedRun("b", 0.9), Criteria.DEFAULT)));
        // the scorecard page of dlbench scorecard --html: its tables, dimensions chart and heat map
        Path card = dir.resolve("scorecard.html");
        Files.writeString(card, ScorecardHtml.page(org.dlbench.core.scorecard.Scorecard.of(
                VerdictReportTest.flaggedRun("20261126-100000-box", 1.0))));
        assertEquals(2, ReportTest.charts(Files.readString(card)).size());
        for (Path html : List.of(run, cmp, flagged, flaggedCmp, card)) {
            int expected = ReportTest.charts(Files.readString(html)).size();
            Path png = dir.resolve(html.getFileName() + ".png");
            String out = check(html, png);
            assertTrue(out.contains(expected + " of " + expected + " charts rendered in Chromium"), out);
            BufferedImage shot = ImageIO.read(png.toFile());
            assertEquals(1200, shot.getWidth());
            ReportTest.notBlank(new ReportTest.Chart(html + " screenshot", shot));
        }
    }

    @Test
    void brokenChartIsReported(@TempDir Path dir) throws Exception {
        assumeTrue(chromium(), "Debian's chromium is not installed (apt-get install -y chromium)");
        Path html = dir.resolve("broken.html");
        Files.writeString(html, Html.page("broken", "<img class=\"chart\" width=\"10\" height=\"10\" alt=\"x\" "
                + "src=\"data:image/png;base64,AAAA\">"));
        Process p = new ProcessBuilder("bash", SCRIPT.toString(), html.toString(), dir.resolve("b.png").toString())
                .redirectErrorStream(true).start();
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "check-html-report hung");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(1, p.exitValue(), out);
        assertTrue(out.contains("only 0 of 1 charts rendered"), out);
    }
}
