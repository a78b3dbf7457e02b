package org.dlbench.core.compare;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.dlbench.core.result.CellResult;
import org.dlbench.core.result.Judged;
import org.dlbench.core.result.RunResult;
import org.dlbench.core.result.Status;
import org.dlbench.core.result.Verdicts;

/**
 * Whether two runs of the same cells with different profiles (typically {@code quick} and {@code thorough}) measured
 * the same numbers: a cell agrees when its two error bars overlap, {@code |a - b| <= errA + errB}, each error the
 * half-width of JMH's 99.9% confidence interval as the run recorded it. This is the question "do the quick numbers
 * stand for the thorough ones?", not a test for a change: {@code compare} answers that, for runs of one profile.
 * Only cells measured ({@code ok}) with every check passed on both sides are weighed; the verdict of each side is shown
 * beside it, and the share is given over all weighed cells and over those {@code valid} on both sides.
 *
 * @param a the first run (e.g. the quick one)
 * @param b the second run (e.g. the thorough one)
 * @param rows every cell weighed, in the first run's order
 * @param leftOut cells in both runs that were not weighed, with the reason
 */
public record ProfileAgreement(RunResult a, RunResult b, List<Row> rows, List<String> leftOut) {

    /**
     * One cell in both runs.
     *
     * @param label engine, workload, mode, batch and threads
     * @param scoreA the first run's samples/s
     * @param errorA its error bar (0 when not recorded)
     * @param scoreB the second run's
     * @param errorB its error bar
     * @param verdictA the first run's verdict
     * @param verdictB the second run's verdict
     */
    public record Row(String label, double scoreA, double errorA, double scoreB, double errorB, String verdictA,
                      String verdictB) {
        /** b over a. */
        public double ratio() {
            return scoreB / scoreA;
        }

        /** The gap between the two means in units of the summed error bars (at most 1: they agree). */
        public double gapInErrors() {
            double sum = errorA + errorB;
            double gap = Math.abs(scoreA - scoreB);
            return sum > 0 ? gap / sum : gap > 0 ? Double.POSITIVE_INFINITY : 0;
        }

        public boolean agrees() {
            return Math.abs(scoreA - scoreB) <= errorA + errorB;
        }

        public boolean bothValid() {
            return Verdicts.VALID.equals(verdictA) && Verdicts.VALID.equals(verdictB);
        }
    }

    /** The cells of two runs weighed; fails with one line when the runs are of different machines. */
    public static ProfileAgreement of(RunResult a, RunResult b) {
        String hostDiff = Comparison.hostDifference(a.host(), b.host());
        if (hostDiff != null) {
            throw new IllegalArgumentException("the runs are from different machines (" + hostDiff + "): their numbers"
                    + " are not expected to agree");
        }
        Map<String, CellResult> inB = new LinkedHashMap<>();
        b.results().forEach(c -> inB.put(c.key(), c));
        List<Row> rows = new ArrayList<>();
        List<String> apart = new ArrayList<>();
        for (CellResult x : a.results()) {
            CellResult y = inB.get(x.key());
            if (y == null || (x.status() != Status.OK && y.status() != Status.OK)) {
                continue;
            }
            String label = x.label();
            if (x.status() != Status.OK || y.status() != Status.OK) {
                apart.add(label + ": " + (x.status() != Status.OK ? "first run " + x.status().id()
                        : "second run " + y.status().id()));
            } else if (!x.checksPassed() || !y.checksPassed()) {
                apart.add(label + ": " + (!x.checksPassed() ? "first run" : "second run") + " failed or lacks checks");
            } else if (x.score() == null || y.score() == null || x.score() <= 0) {
                apart.add(label + ": no score");
            } else {
                rows.add(new Row(label, x.score(), error(x), y.score(), error(y), Judged.of(x).verdict(),
                        Judged.of(y).verdict()));
            }
        }
        return new ProfileAgreement(a, b, List.copyOf(rows), List.copyOf(apart));
    }

    private static double error(CellResult c) {
        return c.scoreError() == null || !(c.scoreError() >= 0) ? 0 : c.scoreError();
    }

    public long agreeing() {
        return rows.stream().filter(Row::agrees).count();
    }

    /** The Markdown report: the rule, the shares, one row per cell, and the cells left out. */
    public String markdown() {
        StringBuilder sb = new StringBuilder();
        String pa = a.profile() == null ? "?" : a.profile().name();
        String pb = b.profile() == null ? "?" : b.profile().name();
        sb.append(String.format(Locale.ROOT, "# Agreement: %s (%s) and %s (%s)%n%n", a.runId(), pa, b.runId(), pb));
        sb.append("A cell agrees when its two error bars overlap: |a - b| <= err a + err b, each the half-width of "
                + "JMH's 99.9% confidence interval as recorded. Gap: |a - b| in units of err a + err b.\n\n");
        long valid = rows.stream().filter(Row::bothValid).count();
        long validAgree = rows.stream().filter(r -> r.bothValid() && r.agrees()).count();
        sb.append(String.format(Locale.ROOT, "- %d of %d cells agree (%s)%n", agreeing(), rows.size(),
                percent(agreeing(), rows.size())));
        sb.append(String.format(Locale.ROOT, "- %d of %d cells valid in both runs agree (%s)%n", validAgree, valid,
                percent(validAgree, valid)));
        if (!leftOut.isEmpty()) {
            sb.append(String.format(Locale.ROOT, "- %d cell(s) in both runs left out: %s%n", leftOut.size(),
                    String.join("; ", leftOut)));
        }
        sb.append(String.format(Locale.ROOT, "%n| Cell | %s samples/s | +- | %s samples/s | +- | %s / %s | Gap | "
                + "Agree | Verdicts |%n|---|---:|---:|---:|---:|---:|---:|---|---|%n", pa, pb, pb, pa));
        for (Row r : rows) {
            sb.append(String.format(Locale.ROOT, "| %s | %,.0f | %.1f%% | %,.0f | %.1f%% | %.3f | %.2f | %s | %s / %s |%n",
                    r.label(), r.scoreA(), 100 * r.errorA() / r.scoreA(), r.scoreB(), 100 * r.errorB() / r.scoreB(),
                    r.ratio(), r.gapInErrors(), r.agrees() ? "yes" : "**no**", r.verdictA(), r.verdictB()));
        }
        return sb.toString();
    }

    private static String percent(long n, long of) {
        return of == 0 ? "none weighed" : String.format(Locale.ROOT, "%.0f%%", 100.0 * n / of);
    }
}
