package org.dlbench.core.report;

import static org.dlbench.core.report.Html.esc;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.dlbench.core.scorecard.EngineRow;
import org.dlbench.core.scorecard.Scorecard;
import org.dlbench.core.scorecard.ScorecardText;
import org.jfree.chart.JFreeChart;

/**
 * The scorecard as HTML: a section for the top of report.html, or a page of its own ({@code dlbench scorecard
 * --html}). Failed checks come first, in red ({@code bad}); charts (dimensions per engine, heat maps per family)
 * are drawn when at least two engines have valid cells.
 */
public final class ScorecardHtml {
    private ScorecardHtml() {
    }

    /** A self-contained page. */
    public static String page(Scorecard s) {
        return Html.page("dlbench scorecard", "<h1>dlbench scorecard</h1>\n" + section(s, palette(s)));
    }

    /** The section, starting with its {@code <h2>}. */
    public static String section(Scorecard s, Charts.Palette palette) {
        StringBuilder b = new StringBuilder("<h2 id=\"scorecard\">Scorecard</h2>\n");
        b.append("<p class=\"muted\">").append(esc(ScorecardText.source(s))).append("</p>\n");
        List<String> failures = ScorecardText.failures(s);
        if (!failures.isEmpty()) {
            b.append("<p class=\"bad\"><b>Correctness failures</b> (listed first):</p>\n<ul>\n");
            failures.forEach(f -> b.append("<li class=\"bad\"><b>FAILED</b> ").append(esc(f)).append("</li>\n"));
            b.append("</ul>\n");
        }
        if (s.rows().isEmpty()) {
            b.append("<p>No engine measured.</p>\n");
        } else {
            List<List<String>> main = s.rows().stream().map(r -> {
                List<String> cells = new java.util.ArrayList<>(ScorecardText.main(r).stream().map(Html::esc).toList());
                if (!r.correctness().failures().isEmpty()) {
                    int last = cells.size() - 1;
                    cells.set(last, "<span class=\"bad\">" + cells.get(last) + "</span>");
                }
                return (List<String>) cells;
            }).toList();
            b.append(Html.table(ScorecardText.MAIN_HEADERS, main, Set.of(2, 3, 4, 5, 6, 7)));
            b.append(Html.table(ScorecardText.DETAIL_HEADERS, s.rows().stream()
                    .map(r -> ScorecardText.detail(r).stream().map(Html::esc).toList()).toList(), Set.of()));
        }
        if (!s.noJvm().isEmpty()) {
            b.append("<p>Frameworks without a JVM runtime (kept, not measured):</p>\n");
            b.append(Html.table(ScorecardText.NO_JVM_HEADERS, s.noJvm().stream()
                    .map(n -> ScorecardText.noJvm(n).stream().map(Html::esc).toList()).toList(), Set.of()));
        }
        long ranked = s.rows().stream().filter(r -> r.overall() != null).count();
        if (ranked >= 2) {
            JFreeChart dims = ScorecardCharts.dimensions(s, palette);
            if (dims != null) {
                b.append(Html.chart(dims, Charts.WIDTH, 420, "Scorecard: dimension indices per engine (1 = best), "
                        + "one bar per engine and dimension"));
            }
            for (Map.Entry<String, Map<String, Map<String, Double>>> f : s.heat().entrySet()) {
                if (f.getValue().size() < 2) {
                    continue;
                }
                b.append(Html.chart(ScorecardCharts.heatMap(f.getKey(), f.getValue()), Charts.WIDTH,
                        ScorecardCharts.heatHeight(f.getValue().size()), "Scorecard " + f.getKey()
                                + ": heat map of throughput relative to the fastest engine, engine x workload"));
            }
        }
        String left = ScorecardText.leftOut(s);
        if (!left.isEmpty()) {
            b.append("<p>").append(esc(left)).append("</p>\n");
        }
        b.append("<p class=\"muted\">").append(esc(ScorecardText.legend(s))).append("</p>\n");
        return b.toString();
    }

    static Charts.Palette palette(Scorecard s) {
        return new Charts.Palette(s.rows().stream().map(EngineRow::label).sorted().toList());
    }
}
