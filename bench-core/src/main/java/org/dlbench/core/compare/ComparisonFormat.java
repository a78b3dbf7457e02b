package org.dlbench.core.compare;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.dlbench.core.compare.Comparison.Row;
import org.dlbench.core.compare.Comparison.RunInfo;
import org.dlbench.core.compare.Comparison.Separate;
import org.dlbench.core.result.ResultsIO;

/**
 * Renders a comparison for a terminal, as Markdown (CI job summaries, pull requests) or as JSON; the command line
 * reaches these through {@link org.dlbench.core.output.ComparisonOutputs}.
 */
public final class ComparisonFormat {
    private ComparisonFormat() {
    }

    public static final String METHOD = "Ratio = candidate / baseline mean throughput (above 1 is faster). "
            + "Each cell is tested at the level where the variance between runs shows: against the machine's noise "
            + "floor (run-to-run spread from repeated runs, dlbench noise) when one is given, else Welch's t-test on "
            + "the JMH fork means; with one fork a side and no floor it is undecided, never same. The p-values of "
            + "all cells are corrected for their number. Verdict: faster or slower only when the corrected p is "
            + "below alpha and the change is beyond both the threshold and the minimum detectable effect (MDE); the "
            + "interval is Fieller's for the ratio. Only results "
            + "valid on both sides are compared: noisy, inconsistent, invalid or unjudged (no verdict, older "
            + "runs) ones are listed as not comparable, and one that worked in the baseline but failed or is "
            + "invalid in the candidate is a regression.";

    /** Heading of the results left out for their verdicts. */
    public static final String NOT_VALID_HEADING = "Not comparable: verdict not valid";

    public static String json(Comparison c) {
        try {
            return ResultsIO.JSON.writeValueAsString(c) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String markdown(Comparison c) {
        StringBuilder sb = new StringBuilder();
        sb.append("## dlbench comparison: ").append(c.candidate().runId()).append(" vs baseline ")
                .append(c.baseline().runId()).append("\n\n");
        sb.append(summary(c)).append("\n\n");
        sb.append("- Baseline: ").append(describe(c.baseline())).append("\n");
        sb.append("- Candidate: ").append(describe(c.candidate())).append("\n");
        for (String n : c.environmentNotes()) {
            sb.append("- ").append(md(n)).append("\n");
        }
        sb.append("\n");
        if (!c.compared().isEmpty()) {
            sb.append("| Engine | Workload | Mode | Batch | Threads | Device | Version | Baseline samples/s "
                    + "| Candidate samples/s | Ratio | ").append(c.criteria().confidencePercent())
                    .append("% CI | Tested on | MDE | p (corrected) | Verdict | Notes |\n");
            sb.append("|---|---|---|---:|---:|---|---|---:|---:|---:|---|---|---:|---:|---|---|\n");
            for (Row r : c.compared()) {
                SampleComparison t = r.test();
                String verdict = switch (t.verdict()) {
                    case SLOWER -> "**slower**";
                    case FASTER -> "**faster**";
                    case SAME -> "same";
                    case UNDECIDED -> "undecided";
                };
                sb.append("| ").append(r.engine()).append(" | ").append(r.workload()).append(" | ").append(r.mode())
                        .append(" | ").append(r.batch()).append(" | ").append(r.threads()).append(" | ")
                        .append(r.device()).append(" | ").append(md(versions(r.baselineVersion(), r.candidateVersion())))
                        .append(" | ").append(score(t.baselineMean())).append(" | ").append(score(t.candidateMean()))
                        .append(" | ").append(ratio(t)).append(" | ").append(ci(t)).append(" | ")
                        .append(level(t)).append(" | ").append(mde(t)).append(" | ").append(p(t))
                        .append(" | ").append(verdict).append(" | ").append(md(notes(r))).append(" |\n");
            }
            sb.append("\n");
        }
        List<Separate> notValid = c.notCompared().stream().filter(Separate::notValid).toList();
        if (!notValid.isEmpty()) {
            sb.append("### ").append(NOT_VALID_HEADING).append("\n\nNeither faster nor slower: a number that is not")
                    .append(" valid on one side says nothing about a change.\n\n")
                    .append("| Result | Baseline samples/s | Baseline verdict | Candidate samples/s | Candidate verdict ")
                    .append("| Why |\n|---|---:|---|---:|---|---|\n");
            for (Separate s : notValid) {
                sb.append("| ").append(md(s.label())).append(" | ").append(score(s.baselineScore())).append(" | ")
                        .append(verdictText(s.baselineVerdict(), s.baselineScore())).append(" | ")
                        .append(score(s.candidateScore())).append(" | ")
                        .append(verdictText(s.candidateVerdict(), s.candidateScore())).append(" | ")
                        .append(md(s.reason())).append(" |\n");
            }
            sb.append("\n");
        }
        List<Separate> other = c.notCompared().stream().filter(s -> !s.notValid()).toList();
        if (!other.isEmpty()) {
            sb.append("### Not compared\n\n| Result | Baseline samples/s | Candidate samples/s | Why |\n")
                    .append("|---|---:|---:|---|\n");
            for (Separate s : other) {
                sb.append("| ").append(md(s.label())).append(" | ").append(score(s.baselineScore())).append(" | ")
                        .append(score(s.candidateScore())).append(" | ")
                        .append(s.regression() ? "**regression**: " : "").append(md(s.reason())).append(" |\n");
            }
            sb.append("\n");
        }
        sb.append("_").append(METHOD).append(" ").append(rules(c)).append("_\n");
        return sb.toString();
    }

    public static String table(Comparison c) {
        StringBuilder sb = new StringBuilder();
        sb.append("Baseline:  ").append(describe(c.baseline())).append("\n");
        sb.append("Candidate: ").append(describe(c.candidate())).append("\n");
        for (String n : c.environmentNotes()) {
            sb.append("Note: ").append(n).append("\n");
        }
        sb.append("\n");
        if (!c.compared().isEmpty()) {
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {"Engine", "Workload", "Mode", "Batch", "Threads", "Device", "Version",
                "Baseline/s", "Candidate/s", "Ratio", c.criteria().confidencePercent() + "% CI", "Tested on", "MDE",
                "p (corr.)", "Verdict", "Notes"});
            for (Row r : c.compared()) {
                SampleComparison t = r.test();
                rows.add(new String[] {r.engine(), r.workload(), r.mode(), String.valueOf(r.batch()),
                    String.valueOf(r.threads()), r.device(), versions(r.baselineVersion(), r.candidateVersion()),
                    score(t.baselineMean()), score(t.candidateMean()), ratio(t), ci(t), level(t), mde(t), p(t),
                    switch (t.verdict()) {
                        case SAME -> "same";
                        case UNDECIDED -> "undecided";
                        case FASTER, SLOWER -> t.verdict().id().toUpperCase(Locale.ROOT);
                    }, notes(r)});
            }
            sb.append(align(rows, 7, 8, 9, 3, 4, 12, 13)).append("\n");
        }
        List<Separate> notValid = c.notCompared().stream().filter(Separate::notValid).toList();
        if (!notValid.isEmpty()) {
            sb.append(NOT_VALID_HEADING).append(" (neither faster nor slower):\n");
            for (Separate s : notValid) {
                sb.append("  ").append(s.label()).append(": ").append(s.reason()).append(" (baseline ")
                        .append(score(s.baselineScore())).append(", candidate ").append(score(s.candidateScore()))
                        .append(" samples/s)\n");
            }
            sb.append("\n");
        }
        List<Separate> other = c.notCompared().stream().filter(s -> !s.notValid()).toList();
        if (!other.isEmpty()) {
            sb.append("Not compared:\n");
            for (Separate s : other) {
                sb.append("  ").append(s.label()).append(": ").append(s.regression() ? "REGRESSION: " : "")
                        .append(s.reason()).append("\n");
            }
            sb.append("\n");
        }
        sb.append(summary(c)).append("\n");
        sb.append(METHOD).append(" ").append(rules(c)).append("\n");
        return sb.toString();
    }

    /** The rules this comparison used: threshold, alpha, the correction for many cells, the noise floor. */
    public static String rules(Comparison c) {
        return "Threshold " + c.criteria().thresholdText() + ", significance level " + c.criteria().alpha()
                + ", correction for the " + c.compared().stream().filter(r -> r.test().pValue() != null).count()
                + " cell(s) tested: " + c.criteria().correction().description() + ", noise floor: "
                + (c.noiseFloor() == null ? "none given" : c.noiseFloor()) + ".";
    }

    public static String level(SampleComparison t) {
        return switch (t.level()) {
            case NOISE_FLOOR -> "floor, " + (t.df() == null ? "?" : String.format(Locale.ROOT, "%.0f", t.df() + 1))
                    + " runs";
            case FORKS -> t.baselineN() + " vs " + t.candidateN() + " forks";
            case UNTESTABLE -> "1 fork, no floor";
        };
    }

    public static String mde(SampleComparison t) {
        return t.minDetectable() == null ? "n/a" : String.format(Locale.ROOT, "%.1f%%", 100 * t.minDetectable());
    }

    /** One line: counts and the gate's outcome. */
    public static String summary(Comparison c) {
        long notValid = c.notValidCount();
        String counts = String.format(Locale.ROOT, "%d compared: %d faster, %d slower, %d same, %d undecided;"
                        + " %d not compared%s.",
                c.compared().size(), c.count(Verdict.FASTER), c.count(Verdict.SLOWER), c.count(Verdict.SAME),
                c.count(Verdict.UNDECIDED), c.notCompared().size(), notValid == 0 ? "" : String.format(Locale.ROOT,
                        ", %d of them left out for their verdicts (not valid in baseline or candidate)", notValid));
        List<String> regressions = c.regressions();
        if (regressions.isEmpty()) {
            return counts + " No regression beyond " + c.criteria().thresholdText() + ".";
        }
        int shown = Math.min(regressions.size(), 5);
        return counts + " REGRESSION: " + String.join("; ", regressions.subList(0, shown))
                + (regressions.size() > shown ? "; and " + (regressions.size() - shown) + " more" : "") + ".";
    }

    static String describe(RunInfo r) {
        return r.runId() + " (" + r.source() + "), started " + r.startedAt() + ", host " + r.hostname() + ": "
                + r.cpu() + ", " + r.cores() + " cores, profile " + r.profile() + ", harness " + r.harnessVersion()
                + " commit " + shortCommit(r.gitCommit());
    }

    static String shortCommit(String c) {
        if (c == null) {
            return "unknown";
        }
        return c.length() > 12 && c.matches("[0-9a-f]{40}.*") ? c.substring(0, 10) + c.substring(40) : c;
    }

    static String versions(String a, String b) {
        if (a == null && b == null) {
            return "";
        }
        return java.util.Objects.equals(a, b) ? a : a + " -> " + b;
    }

    static String notes(Row r) {
        List<String> parts = new ArrayList<>(r.settingChanges());
        if (r.test().note() != null) {
            parts.add(0, r.test().note());
        }
        return String.join("; ", parts);
    }

    /** A side's verdict as shown: the verdict, "no verdict" for a measured cell without one, else empty. */
    public static String verdictText(String verdict, Double score) {
        return verdict != null ? verdict : score != null ? org.dlbench.core.result.Judged.NONE_LABEL : "";
    }

    public static String score(Double s) {
        return s == null ? "" : String.format(Locale.ROOT, "%,.0f", s);
    }

    static String ratio(SampleComparison t) {
        return String.format(Locale.ROOT, "%.3f (%+.1f%%)", t.ratio(), t.changePercent());
    }

    static String ci(SampleComparison t) {
        if (t.pValue() == null) {
            return "n/a";
        }
        if (t.ciLow() == null) {
            return "unbounded";
        }
        return String.format(Locale.ROOT, "%.3f - %.3f", t.ciLow(), t.ciHigh());
    }

    public static String p(SampleComparison t) {
        if (t.adjustedP() == null) {
            return "n/a";
        }
        return t.adjustedP() < 0.0001 ? "<0.0001" : String.format(Locale.ROOT, "%.4f", t.adjustedP());
    }

    private static String md(String s) {
        return s == null ? "" : s.replace("|", "\\|").replace("\n", " ");
    }

    /** Pads columns to a common width; the listed columns (numbers) are right-aligned. */
    private static String align(List<String[]> rows, int... rightAligned) {
        int n = rows.get(0).length;
        int[] w = new int[n];
        for (String[] r : rows) {
            for (int i = 0; i < n; i++) {
                w[i] = Math.max(w[i], r[i].length());
            }
        }
        java.util.Set<Integer> right = new java.util.HashSet<>();
        for (int i : rightAligned) {
            right.add(i);
        }
        StringBuilder sb = new StringBuilder();
        for (String[] r : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < n; i++) {
                String cell = r[i];
                String pad = " ".repeat(w[i] - cell.length());
                line.append(right.contains(i) ? pad + cell : cell + pad);
                if (i < n - 1) {
                    line.append("  ");
                }
            }
            sb.append(line.toString().stripTrailing()).append("\n");
        }
        return sb.toString();
    }
}
