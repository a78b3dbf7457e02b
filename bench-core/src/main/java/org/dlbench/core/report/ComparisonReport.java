package org.dlbench.core.report;

import static org.dlbench.core.report.Html.esc;

import java.awt.Color;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.dlbench.core.compare.Comparison;
import org.dlbench.core.compare.ComparisonFormat;
import org.dlbench.core.compare.SampleComparison;
import org.dlbench.core.compare.Verdict;

/**
 * The HTML report of a comparison: verdict summary, the ratio chart, baseline vs candidate bars, the tables.
 * Results that are not valid on one side are neither charted nor called faster or slower: they have a table of
 * their own, and the ratio chart says how many it leaves out.
 */
public final class ComparisonReport {
    private ComparisonReport() {
    }

    public static String render(Comparison c) {
        StringBuilder b = new StringBuilder();
        String title = "dlbench comparison: " + c.candidate().runId() + " vs baseline " + c.baseline().runId();
        b.append("<h1>").append(esc(title)).append("</h1>\n");
        b.append("<p class=\"summary ").append(c.hasRegression() ? "fail" : "ok").append("\">")
                .append(esc(ComparisonFormat.summary(c))).append("</p>\n");
        b.append("<ul class=\"meta\">\n<li>Baseline: ").append(esc(describe(c.baseline()))).append("</li>\n")
                .append("<li>Candidate: ").append(esc(describe(c.candidate()))).append("</li>\n");
        for (String n : c.environmentNotes()) {
            b.append("<li>").append(esc(n)).append("</li>\n");
        }
        b.append("</ul>\n");
        long notValid = c.notValidCount();
        String leftOut = notValid + " result" + (notValid == 1 ? "" : "s") + " not valid in baseline or candidate";
        if (c.compared().isEmpty() && notValid > 0) {
            b.append("<p class=\"warn\">No ratio chart: nothing was compared; ").append(esc(leftOut))
                    .append(" (see <a href=\"#not-valid\">").append(esc(ComparisonFormat.NOT_VALID_HEADING))
                    .append("</a>).</p>\n");
        }
        if (!c.compared().isEmpty()) {
            List<Charts.Ratio> ratios = new ArrayList<>();
            for (Comparison.Row r : c.compared()) {
                SampleComparison t = r.test();
                Color color = switch (t.verdict()) {
                    case FASTER -> Charts.FASTER;
                    case SLOWER -> Charts.SLOWER;
                    case SAME, UNDECIDED -> Charts.SAME;
                };
                ratios.add(new Charts.Ratio(r.label(), t.ratio(), t.ciLow(), t.ciHigh(), color));
            }
            b.append("<h2>Ratio per result</h2>\n<p class=\"muted\">Dot: candidate / baseline throughput "
                    + "(green faster, red slower, grey same or undecided). Bar: its ").append(c.criteria().confidencePercent())
                    .append("% interval. Shaded band: the threshold, +-").append(esc(c.criteria().thresholdText()))
                    .append(".</p>\n");
            var ratioChart = Charts.ratios("candidate / baseline", ratios, c.criteria().threshold(),
                    c.criteria().confidencePercent());
            if (notValid > 0) {
                Charts.note(ratioChart, "not drawn: " + leftOut + " (noisy, inconsistent, invalid or no verdict)");
                b.append("<p class=\"warn\">Not drawn: ").append(esc(leftOut)).append(", listed under <a href=\"")
                        .append("#not-valid\">").append(esc(ComparisonFormat.NOT_VALID_HEADING)).append("</a>.</p>\n");
            }
            b.append(Html.chart(ratioChart, Charts.WIDTH, Charts.heightFor(ratios.size(), 34) + (notValid > 0 ? 24 : 0),
                    "Ratio of candidate to baseline throughput per result, with confidence intervals"
                            + (notValid > 0 ? "; not drawn: " + leftOut : "")));

            b.append("<h2>Baseline and candidate</h2>\n");
            String base = "baseline " + c.baseline().runId();
            String cand = "candidate " + c.candidate().runId();
            Charts.Palette palette = new Charts.Palette(List.of(base, cand));
            for (var e : RunReport.group(c.compared(), r -> r.workload() + " " + r.mode()).entrySet()) {
                List<Charts.Bar> bars = new ArrayList<>();
                for (Comparison.Row r : e.getValue()) {
                    String cat = r.engine() + " batch " + r.batch() + " t" + r.threads()
                            + ("cpu".equals(r.device()) ? "" : " " + r.device());
                    bars.add(new Charts.Bar(base, cat, r.test().baselineMean(), 0));
                    bars.add(new Charts.Bar(cand, cat, r.test().candidateMean(), 0));
                }
                String t = e.getKey() + ": mean samples/s";
                // narrower for few results, so the two bars of a pair stand together
                int width = Math.max(520, Math.min(Charts.WIDTH, 160 + 150 * e.getValue().size()));
                b.append(Html.chart(Charts.bars(t, null, "samples/s", bars, palette, false), width, 400, t));
            }

            b.append("<h2>Compared</h2>\n");
            List<List<String>> rows = new ArrayList<>();
            for (Comparison.Row r : c.compared()) {
                SampleComparison t = r.test();
                String v = t.verdict().id();
                String verdict = switch (t.verdict()) {
                    case SAME, UNDECIDED -> v;
                    case FASTER, SLOWER -> "<span class=\"" + v + "\">" + v + "</span>";
                };
                List<String> notes = new ArrayList<>(r.settingChanges());
                if (t.note() != null) {
                    notes.add(0, t.note());
                }
                rows.add(List.of(esc(r.engine()), esc(r.workload()), esc(r.mode()), String.valueOf(r.batch()),
                        String.valueOf(r.threads()), esc(r.device()),
                        esc(versions(r.baselineVersion(), r.candidateVersion())),
                        ComparisonFormat.score(t.baselineMean()) + " <span class=\"muted\">(" + unit(t, t.baselineN()) + ")</span>",
                        ComparisonFormat.score(t.candidateMean()) + " <span class=\"muted\">(" + unit(t, t.candidateN()) + ")</span>",
                        String.format(java.util.Locale.ROOT, "%.3f (%+.1f%%)", t.ratio(), t.changePercent()),
                        t.pValue() == null ? "n/a" : t.ciLow() == null ? "unbounded"
                                : String.format(java.util.Locale.ROOT, "%.3f - %.3f", t.ciLow(), t.ciHigh()),
                        esc(ComparisonFormat.level(t)), ComparisonFormat.mde(t), ComparisonFormat.p(t),
                        verdict, esc(String.join("; ", notes))));
            }
            b.append(Html.table(List.of("Engine", "Workload", "Mode", "Batch", "Threads", "Device", "Version",
                    "Baseline samples/s", "Candidate samples/s", "Ratio", c.criteria().confidencePercent() + "% CI",
                    "Tested on", "MDE", "p (corrected)", "Verdict", "Notes"), rows, Set.of(3, 4, 7, 8, 9, 12, 13)));
            b.append("<p class=\"muted\">").append(esc(ComparisonFormat.rules(c))).append("</p>\n");
        }
        List<Comparison.Separate> notValidRows = c.notCompared().stream().filter(Comparison.Separate::notValid)
                .toList();
        if (!notValidRows.isEmpty()) {
            b.append("<h2 id=\"not-valid\">").append(esc(ComparisonFormat.NOT_VALID_HEADING)).append("</h2>\n")
                    .append("<p class=\"muted\">Neither faster nor slower: a number that is not valid on one side "
                            + "says nothing about a change.</p>\n");
            List<List<String>> rows = new ArrayList<>();
            for (Comparison.Separate s : notValidRows) {
                rows.add(List.of(esc(s.label()), ComparisonFormat.score(s.baselineScore()),
                        verdict(s.baselineVerdict(), s.baselineScore()), ComparisonFormat.score(s.candidateScore()),
                        verdict(s.candidateVerdict(), s.candidateScore()), esc(s.reason())));
            }
            b.append(Html.table(List.of("Result", "Baseline samples/s", "Baseline verdict", "Candidate samples/s",
                    "Candidate verdict", "Why"), rows, Set.of(1, 3)));
        }
        List<Comparison.Separate> otherRows = c.notCompared().stream().filter(s -> !s.notValid()).toList();
        if (!otherRows.isEmpty()) {
            b.append("<h2>Not compared</h2>\n");
            List<List<String>> rows = new ArrayList<>();
            for (Comparison.Separate s : otherRows) {
                rows.add(List.of(esc(s.label()), ComparisonFormat.score(s.baselineScore()),
                        ComparisonFormat.score(s.candidateScore()),
                        (s.regression() ? "<span class=\"slower\">regression</span>: " : "") + esc(s.reason())));
            }
            b.append(Html.table(List.of("Result", "Baseline samples/s", "Candidate samples/s", "Why"), rows,
                    Set.of(1, 2)));
        }
        b.append("<p class=\"muted\">").append(esc(ComparisonFormat.METHOD)).append(" Threshold ")
                .append(esc(c.criteria().thresholdText())).append(", significance level ")
                .append(c.criteria().alpha()).append(".</p>\n");
        return Html.page(title, b.toString());
    }

    /** What a side's mean is made of: its forks, or one run (against a noise floor). */
    private static String unit(SampleComparison t, int n) {
        return switch (t.level()) {
            case NOISE_FLOOR -> "1 run";
            case FORKS, UNTESTABLE -> n + (n == 1 ? " fork" : " forks");
        };
    }

    private static String verdict(String verdict, Double score) {
        String v = ComparisonFormat.verdictText(verdict, score);
        return v.isEmpty() || org.dlbench.core.result.Verdicts.isValid(v) ? esc(v)
                : "<span class=\"" + (org.dlbench.core.result.Verdicts.INVALID.equals(v) ? "bad" : "warn") + "\">"
                        + esc(v) + "</span>";
    }

    private static String describe(Comparison.RunInfo r) {
        return r.runId() + " (" + r.source() + "), started " + r.startedAt() + ", host " + r.hostname() + ": "
                + r.cpu() + ", " + r.cores() + " cores, profile " + r.profile() + ", harness " + r.harnessVersion();
    }

    private static String versions(String a, String b) {
        if (a == null && b == null) {
            return "";
        }
        return java.util.Objects.equals(a, b) ? a : a + " -> " + b;
    }
}
