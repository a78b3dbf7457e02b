package org.dlbench.core.compare;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.dlbench.core.result.CellResult;
import org.dlbench.core.result.DriftReference;
import org.dlbench.core.result.Host;
import org.dlbench.core.result.RunResult;

/**
 * Whether the machine itself ran faster or slower between two runs, read from what each run measured apart from the
 * engines' cells: the engine-free drift reference ({@link DriftReference}, a fixed plain-Java workload) and each
 * engine library's matrix-multiply calibration ({@link Host.Calibration}).
 *
 * <p>A drift counts when the two medians differ by more than both runs' own spread (max - min over median, the
 * larger of the two) and by more than 3%. A result called faster or slower in the same direction as a counted drift,
 * by no more than the drift plus the larger of the threshold and its minimum detectable effect, is <b>flagged, not
 * normalised</b>: its verdict becomes {@link Verdict#UNDECIDED} with the drift named, since the machine alone could
 * explain it. A larger change keeps its verdict with the drift noted. The drift that applies to a result is, in this
 * order: the cell's own drift reference, measured just before and just after it in both runs (the machine at the
 * very time the cell ran); its engine library's calibration at its thread count when both runs have one; the run's
 * drift reference, measured once before the cells.
 *
 * @param reference the drift reference's ratio, candidate / baseline median; null when not comparable
 * @param referenceCounts whether it counts (beyond both runs' spread and 3%)
 * @param notes one line per measure compared, for the comparison's environment notes
 */
record MachineDrift(Double reference, boolean referenceCounts, List<String> notes, RunResult baseline,
                    RunResult candidate) {
    /** Below this a drift is never counted, whatever the spreads. */
    static final double MIN_DRIFT = 0.03;

    static MachineDrift of(RunResult baseline, RunResult candidate) {
        List<String> notes = new ArrayList<>();
        DriftReference a = baseline.driftReference();
        DriftReference b = candidate.driftReference();
        Double ratio = null;
        boolean counts = false;
        if (a == null || b == null) {
            notes.add("Machine drift: " + (a == null && b == null ? "neither run records"
                    : (a == null ? "the baseline does" : "the candidate does") + " not record")
                    + " an engine-free drift reference (older harness); only the calibrations can show drift");
        } else if (!a.workload().equals(b.workload()) || !Objects.equals(jvm(baseline), jvm(candidate))) {
            notes.add("Machine drift: the drift references are not comparable (" + a.workload() + " on " + jvm(baseline)
                    + " vs " + b.workload() + " on " + jvm(candidate) + ")");
        } else {
            ratio = b.median() / a.median();
            double spread = Math.max(spread(a.min(), a.max(), a.median()), spread(b.min(), b.max(), b.median()));
            counts = counts(ratio, spread);
            notes.add(String.format(Locale.ROOT, "Machine drift, engine-free reference %s: %s %+.1f%% (%,.0f vs %,.0f"
                    + " %s; each run's spread up to %.1f%%)", a.workload(), counts ? "the machine ran"
                    : "within noise,", 100 * (ratio - 1), a.median(), b.median(), a.unit(), 100 * spread));
        }
        return new MachineDrift(ratio, counts, List.copyOf(notes), baseline, candidate);
    }

    private static String jvm(RunResult r) {
        return r.host() == null ? null : r.host().jvm();
    }

    static double spread(Double min, Double max, double median) {
        return min == null || max == null || median <= 0 ? 0 : (max - min) / median;
    }

    static boolean counts(double ratio, double spread) {
        double change = Math.abs(ratio - 1);
        return change > spread && change > MIN_DRIFT;
    }

    /**
     * The row's verdict with the drift that applies to it weighed, as the class comment says; {@code b} and
     * {@code c} are the row's cells in the baseline and the candidate.
     */
    Comparison.Row apply(Comparison.Row row, CellResult b, CellResult c, Criteria criteria) {
        SampleComparison t = weigh(b, c, row.test(), criteria);
        return t == row.test() ? row : row.with(t);
    }

    /** A test of cell {@code b} (baseline) against {@code c} (candidate) with the drift that applies to it weighed. */
    SampleComparison weigh(CellResult b, CellResult c, SampleComparison t, Criteria criteria) {
        if (t.verdict() != Verdict.FASTER && t.verdict() != Verdict.SLOWER) {
            return t;
        }
        Applying d = applying(b, c);
        if (d == null) {
            return t;
        }
        if (!d.counts()) {
            return !d.ownCell() ? t : t.overruled(t.verdict(), String.format(Locale.ROOT, "the machine held steady "
                    + "around this cell (its own drift reference %+.1f%%, within noise)", 100 * (d.ratio() - 1)));
        }
        double drift = d.ratio() - 1;
        double change = t.ratio() - 1;
        String says = String.format(Locale.ROOT, "the machine itself ran %+.1f%% between the runs (%s)", 100 * drift,
                d.what());
        double margin = Math.max(criteria.threshold(), t.minDetectable() == null ? 0 : t.minDetectable());
        boolean sameDirection = Math.signum(drift) == Math.signum(change);
        if (sameDirection && Math.abs(change) <= Math.abs(drift) + margin) {
            return t.overruled(Verdict.UNDECIDED, says + ": the machine alone could explain this change");
        }
        return t.overruled(t.verdict(), says);
    }

    /**
     * The drift that applies to a cell, in the order the class comment gives: its own reference, its engine
     * library's calibration, the run's reference; null when none is comparable.
     *
     * @param ratio candidate / baseline
     * @param counts whether it is beyond both sides' spread and {@link #MIN_DRIFT}
     * @param what which measure it is, for the note
     * @param ownCell whether it is the cell's own reference
     */
    private record Applying(double ratio, boolean counts, String what, boolean ownCell) {
    }

    private Applying applying(CellResult b, CellResult c) {
        DriftReference da = b.driftReference();
        DriftReference db = c.driftReference();
        if (da != null && db != null && da.workload().equals(db.workload())
                && Objects.equals(jvm(baseline), jvm(candidate))) {
            double ratio = db.median() / da.median();
            return new Applying(ratio, counts(ratio, Math.max(spread(da.min(), da.max(), da.median()),
                    spread(db.min(), db.max(), db.median()))), "this cell's own drift reference, measured around it",
                    true);
        }
        Host.Calibration ca = baseline.host() == null ? null : baseline.host().ownCalibration(c.engine(), c.threads());
        Host.Calibration cb = candidate.host() == null ? null : candidate.host().ownCalibration(c.engine(), c.threads());
        if (ca != null && cb != null && ca.engine().equals(cb.engine()) && ca.gflops() > 0) {
            double ratio = cb.gflops() / ca.gflops();
            return new Applying(ratio, counts(ratio, Math.max(spread(ca.minGflops(), ca.maxGflops(), ca.gflops()),
                    spread(cb.minGflops(), cb.maxGflops(), cb.gflops()))),
                    ca.engine() + "'s matrix-multiply calibration", false);
        }
        return reference == null ? null
                : new Applying(reference, referenceCounts, "the engine-free drift reference", false);
    }
}
