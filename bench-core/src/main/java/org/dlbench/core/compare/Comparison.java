package org.dlbench.core.compare;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.dlbench.core.result.CellKey;
import org.dlbench.core.result.CellResult;
import org.dlbench.core.result.Check;
import org.dlbench.core.result.Host;
import org.dlbench.core.result.Judged;
import org.dlbench.core.result.Profile;
import org.dlbench.core.result.RunResult;
import org.dlbench.core.result.Status;

/**
 * Two runs side by side: every cell measured in both, alike (same machine, profile and thread settings) and
 * {@code valid} on both sides, with a verdict; every other cell listed apart with the reason it was not compared.
 * A cell that is noisy, inconsistent or has no verdict (an older run) on either side is never called faster or
 * slower: it is listed apart as not comparable ({@link Separate#notValid()}). A cell that worked in the baseline
 * (measured, not invalid) and failed, or is invalid, in the candidate is a regression.
 *
 * @param format identifies this JSON document ({@code dlbench-compare})
 * @param formatVersion version of this JSON document's layout
 * @param noiseFloor the noise floor the cells were tested against (its runs), or null: then each cell is tested on
 *     its fork means, and a cell with one fork a side is {@link Verdict#UNDECIDED}
 * @param environmentNotes differences between the runs that do not stop a comparison (JVM, kernel, commit, ...)
 */
public record Comparison(String format, int formatVersion, RunInfo baseline, RunInfo candidate, Criteria criteria,
                         String noiseFloor, List<String> environmentNotes, List<Row> compared,
                         List<Separate> notCompared) {

    public static final String FORMAT = "dlbench-compare";
    public static final int FORMAT_VERSION = 2;

    /** Where a run came from and on what. */
    public record RunInfo(String source, String runId, String startedAt, String finishedAt, String hostname,
                          String cpu, Integer cores, String profile, String harnessVersion, String gitCommit) {
        static RunInfo of(String source, RunResult r) {
            Host h = r.host();
            return new RunInfo(source, r.runId(), r.startedAt(), r.finishedAt(), h == null ? null : h.hostname(),
                    h == null ? null : h.cpuModel(), h == null ? null : h.cores(),
                    r.profile() == null ? null : r.profile().name(), r.harnessVersion(), r.gitCommit());
        }
    }

    /** A cell measured alike in both runs. {@code settingChanges} lists settings (versions, switches) that differ. */
    public record Row(String engine, String workload, String mode, int batch, int threads, String device,
                      String baselineVersion, String candidateVersion, List<String> settingChanges,
                      SampleComparison test) {
        public String label() {
            return Comparison.label(engine, workload, mode, batch, threads, device);
        }

        Row with(SampleComparison t) {
            return new Row(engine, workload, mode, batch, threads, device, baselineVersion, candidateVersion,
                    settingChanges, t);
        }
    }

    /**
     * A cell that could not be compared. {@code regression} marks a cell that worked in the baseline and fails
     * (or fails a correctness check, or is otherwise invalid) in the candidate: that gates like a slowdown.
     * {@code notValid} marks a cell measured on both sides but left out because its verdict is not {@code valid}
     * on one side or both (noisy, inconsistent, no verdict, or invalid in the baseline); such a cell is never a
     * regression, never faster or slower.
     *
     * @param baselineVerdict the baseline cell's verdict as reports show it (see {@link Judged}); null when the
     *     baseline did not measure the cell or recorded no verdict
     * @param candidateVerdict the same for the candidate
     */
    public record Separate(String engine, String workload, String mode, int batch, int threads, String device,
                           String baselineVersion, String candidateVersion, Double baselineScore,
                           Double candidateScore, String baselineVerdict, String candidateVerdict, String reason,
                           boolean regression, boolean notValid) {
        public String label() {
            return Comparison.label(engine, workload, mode, batch, threads, device);
        }
    }

    static String label(String engine, String workload, String mode, int batch, int threads, String device) {
        return new CellKey(engine, workload, mode, batch, threads, device).label();
    }

    public static Comparison of(String baselineSource, RunResult baseline, String candidateSource,
                                RunResult candidate, Criteria criteria) {
        return of(baselineSource, baseline, candidateSource, candidate, criteria, null);
    }

    /**
     * Compares two runs; with a noise floor ({@link NoiseFloor}, may be null) each cell it covers is tested against
     * the machine's run-to-run spread. The p-values of all cells tested are then corrected for their number
     * ({@link Criteria#correction()}) before any is called faster or slower.
     */
    public static Comparison of(String baselineSource, RunResult baseline, String candidateSource,
                                RunResult candidate, Criteria criteria, NoiseFloor floor) {
        String hostDiff = hostDifference(baseline.host(), candidate.host());
        String profileDiff = profileDifference(baseline.profile(), candidate.profile());
        Map<String, CellResult> cand = new LinkedHashMap<>();
        for (CellResult c : candidate.results()) {
            cand.put(c.key(), c);
        }
        List<Row> rows = new ArrayList<>();
        List<CellResult> rowBaselines = new ArrayList<>(); // each row's cells, in row order, for the drift
        List<CellResult> rowCandidates = new ArrayList<>();
        List<Separate> apart = new ArrayList<>();
        for (CellResult b : baseline.results()) {
            CellResult c = cand.remove(b.key());
            if (c == null) {
                apart.add(separate(b, null, "only in baseline" + statusSuffix(b), false));
                continue;
            }
            // worked: measured, and not invalid (a noisy or unjudged baseline still worked; it must not silence a
            // candidate that broke)
            boolean bWorked = b.status() == Status.OK && !Judged.invalid(b);
            if (b.status() != Status.OK || c.status() != Status.OK) {
                boolean regression = bWorked && c.status() == Status.FAILED;
                apart.add(separate(b, c, statusReason(b, c), regression));
                continue;
            }
            if (anyCheckFailed(b) || anyCheckFailed(c)) {
                String reason = (anyCheckFailed(c) ? "candidate failed checks: " + failedChecks(c) : "")
                        + (anyCheckFailed(b) && anyCheckFailed(c) ? "; " : "")
                        + (anyCheckFailed(b) ? "baseline failed checks: " + failedChecks(b) : "");
                apart.add(separate(b, c, reason, bWorked, !bWorked));
                continue;
            }
            if (hostDiff != null && !criteria.allowHostMismatch()) {
                apart.add(separate(b, c, "different host: " + hostDiff, false));
                continue;
            }
            if (profileDiff != null) {
                apart.add(separate(b, c, "different profile: " + profileDiff, false));
                continue;
            }
            String threadDiff = threadSettingsDifference(b.settings(), c.settings());
            if (threadDiff != null) {
                apart.add(separate(b, c, "different thread settings: " + threadDiff, false));
                continue;
            }
            Judged jb = Judged.of(b);
            Judged jc = Judged.of(c);
            if (bWorked && jc.isInvalid()) {
                // broke in the candidate (no check ran, measured too short, ...): gates like a failure
                apart.add(separate(b, c, verdictReason(jb, jc), true));
                continue;
            }
            if (!jb.valid() || !jc.valid()) {
                // noisy, inconsistent, unjudged or (baseline) invalid: no faster or slower can be read from it
                apart.add(separate(b, c, verdictReason(jb, jc), false, true));
                continue;
            }
            SampleComparison test = SampleComparison.of(forks(b), forks(c),
                    floor == null ? null : floor.cell(b.key()), criteria);
            rows.add(new Row(b.engine(), b.workload(), b.mode(), b.batch(), b.threads(), b.device(),
                    b.engineVersion(), c.engineVersion(), settingChanges(b.settings(), c.settings()), test));
            rowBaselines.add(b);
            rowCandidates.add(c);
        }
        for (CellResult c : cand.values()) {
            apart.add(separate(null, c, "only in candidate" + statusSuffix(c), false));
        }
        rows = corrected(rows, criteria);
        MachineDrift drift = MachineDrift.of(baseline, candidate);
        if (hostDiff == null) {
            List<Row> weighed = new ArrayList<>();
            for (int i = 0; i < rows.size(); i++) {
                weighed.add(drift.apply(rows.get(i), rowBaselines.get(i), rowCandidates.get(i), criteria));
            }
            rows = weighed;
        }
        if (hostDiff != null) {
            rows = rows.stream().map(r -> r.with(r.test().overruled(r.test().verdict(),
                    "different host, compared as asked"))).toList();
        }
        return new Comparison(FORMAT, FORMAT_VERSION, RunInfo.of(baselineSource, baseline),
                RunInfo.of(candidateSource, candidate), criteria,
                floor == null ? null : "runs " + String.join(", ", floor.runs()) + " (profile " + floor.profile() + ")",
                environmentNotes(baseline, candidate, hostDiff, criteria, hostDiff == null ? drift.notes() : List.of()),
                List.copyOf(rows), List.copyOf(apart));
    }

    /**
     * A cell's test between two runs with the machine's drift between them weighed, as {@link #of} does for every
     * row (see {@link MachineDrift}); for a trend over many runs ({@code history}).
     */
    public static SampleComparison withDrift(RunResult baseline, RunResult candidate, CellResult b, CellResult c,
                                             SampleComparison test, Criteria criteria) {
        return MachineDrift.of(baseline, candidate).weigh(b, c, test, criteria);
    }

    /** The rows with every tested cell's p-value corrected for the number of cells tested, and decided again. */
    static List<Row> corrected(List<Row> rows, Criteria criteria) {
        List<SampleComparison> tests = SampleComparison.corrected(rows.stream().map(Row::test).toList(), criteria);
        List<Row> out = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            out.add(rows.get(i).with(tests.get(i)));
        }
        return out;
    }

    /**
     * A cell's measured iterations by JMH fork: the samples are stored fork after fork, {@code execution.forks}
     * forks of equal length. A cell that does not record its forks counts as one fork.
     */
    public static List<List<Double>> forks(CellResult r) {
        List<Double> s = samples(r);
        Integer n = r.execution() == null ? null : r.execution().forks();
        if (n == null || n <= 1 || s.size() % n != 0) {
            return List.of(s);
        }
        int per = s.size() / n;
        List<List<Double>> out = new ArrayList<>();
        for (int f = 0; f < n; f++) {
            out.add(List.copyOf(s.subList(f * per, (f + 1) * per)));
        }
        return out;
    }

    public long count(Verdict v) {
        return compared.stream().filter(r -> r.test().verdict() == v).count();
    }

    /** Cells measured alike on both sides but left out because a verdict is not valid. In the JSON too. */
    @JsonProperty("not_valid_count")
    public long notValidCount() {
        return notCompared.stream().filter(Separate::notValid).count();
    }

    /** Slower rows and cells that broke: what makes a CI gate fail. In the JSON too, for scripts. */
    @JsonProperty("regressions")
    public List<String> regressions() {
        List<String> out = new ArrayList<>();
        for (Row r : compared) {
            if (r.test().verdict() == Verdict.SLOWER) {
                out.add(r.label() + " " + String.format(java.util.Locale.ROOT, "%+.1f%%", r.test().changePercent()));
            }
        }
        for (Separate s : notCompared) {
            if (s.regression()) {
                out.add(s.label() + " (" + s.reason() + ")");
            }
        }
        return out;
    }

    public boolean hasRegression() {
        return !regressions().isEmpty();
    }

    /** When nothing at all could be compared, says why in one line (for the exit-2 message); else null. */
    public String nothingComparable() {
        if (!compared.isEmpty()) {
            return null;
        }
        if (notCompared.isEmpty()) {
            return "no result could be compared: the runs hold no results";
        }
        Map<String, Long> why = notCompared.stream().collect(Collectors.groupingBy(
                s -> s.reason().replaceAll(":.*", ""), LinkedHashMap::new, Collectors.counting()));
        String reasons = why.entrySet().stream().map(e -> e.getKey() + " (" + e.getValue() + ")")
                .collect(Collectors.joining(", "));
        String hint = why.keySet().stream().anyMatch(k -> k.startsWith("different host"))
                ? "; pass --allow-host-mismatch to compare runs from different machines anyway" : "";
        if (notValidCount() > 0) {
            hint += "; a result not valid in baseline or candidate is never compared";
        }
        return "no result could be compared: " + reasons + hint;
    }

    private static List<Double> samples(CellResult r) {
        if (r.samples() != null && !r.samples().isEmpty()) {
            return r.samples();
        }
        return List.of(r.score()); // older or hand-made files: the mean alone (cannot be tested)
    }

    private static Separate separate(CellResult b, CellResult c, String reason, boolean regression) {
        return separate(b, c, reason, regression, false);
    }

    private static Separate separate(CellResult b, CellResult c, String reason, boolean regression,
                                     boolean notValid) {
        CellResult k = b != null ? b : c;
        return new Separate(k.engine(), k.workload(), k.mode(), k.batch(), k.threads(), k.device(),
                b == null ? null : b.engineVersion(), c == null ? null : c.engineVersion(),
                b == null ? null : b.score(), c == null ? null : c.score(), verdictOf(b), verdictOf(c), reason,
                regression, notValid);
    }

    private static String verdictOf(CellResult r) {
        Judged j = r == null ? null : Judged.of(r);
        return j == null ? null : j.verdict();
    }

    /** "baseline noisy: error +-12.0% above 10%; candidate inconsistent: ...", naming only the non-valid sides. */
    static String verdictReason(Judged b, Judged c) {
        List<String> parts = new ArrayList<>();
        if (!b.valid()) {
            parts.add("baseline " + b.describe());
        }
        if (!c.valid()) {
            parts.add("candidate " + c.describe());
        }
        return String.join("; ", parts);
    }

    private static String statusSuffix(CellResult r) {
        return r.status() == Status.OK ? "" : " (" + r.status().id() + ")";
    }

    private static String statusReason(CellResult b, CellResult c) {
        if (b.status() != Status.OK && c.status() != Status.OK) {
            return "baseline " + describe(b) + "; candidate " + describe(c);
        }
        return b.status() != Status.OK ? "baseline " + describe(b) : "candidate " + describe(c);
    }

    private static String describe(CellResult r) {
        String s = r.status().id();
        return r.reason() == null ? s : s + ": " + r.reason();
    }

    /** A check ran and failed (a cell without checks is judged by its verdict instead). */
    private static boolean anyCheckFailed(CellResult r) {
        return r.checks() != null && r.checks().stream().anyMatch(ch -> !ch.passed());
    }

    private static String failedChecks(CellResult r) {
        return r.checks().stream().filter(ch -> !ch.passed()).map(Check::name).collect(Collectors.joining(", "));
    }

    /** Machines are alike when what shapes the numbers is: CPU model, core count, SIMD flags. Names don't matter. */
    static String hostDifference(Host a, Host b) {
        if (a == null || b == null) {
            return a == b ? null : "one run does not record its host";
        }
        List<String> diffs = new ArrayList<>();
        if (!Objects.equals(a.cpuModel(), b.cpuModel())) {
            diffs.add(a.cpuModel() + " vs " + b.cpuModel());
        }
        if (a.cores() != b.cores()) {
            diffs.add(a.cores() + " vs " + b.cores() + " cores");
        }
        if (!Objects.equals(new TreeSet<>(nz(a.cpuFlags())), new TreeSet<>(nz(b.cpuFlags())))) {
            diffs.add("CPU flags " + nz(a.cpuFlags()) + " vs " + nz(b.cpuFlags()));
        }
        return diffs.isEmpty() ? null : String.join(", ", diffs);
    }

    /** Profiles are alike when they measure the same way; the cell time limit does not change a number. */
    static String profileDifference(Profile a, Profile b) {
        if (a == null || b == null) {
            return a == b ? null : "one run does not record its profile";
        }
        boolean same = a.name().equals(b.name()) && a.forks() == b.forks()
                && a.warmupIterations() == b.warmupIterations() && a.warmupSeconds() == b.warmupSeconds()
                && a.measurementIterations() == b.measurementIterations()
                && a.measurementSeconds() == b.measurementSeconds() && a.latencySeconds() == b.latencySeconds();
        if (same) {
            return null;
        }
        return a.name().equals(b.name()) ? a.name() + " with different iterations" : a.name() + " vs " + b.name();
    }

    /** Settings whose key names threads (num_threads, omp_num_threads, ...) must agree; others are reported. */
    static String threadSettingsDifference(Map<String, String> a, Map<String, String> b) {
        List<String> diffs = new ArrayList<>();
        TreeSet<String> keys = new TreeSet<>(nz(a).keySet());
        keys.addAll(nz(b).keySet());
        for (String k : keys) {
            if (k.contains("thread") && !Objects.equals(nz(a).get(k), nz(b).get(k))) {
                diffs.add(k + " " + nz(a).getOrDefault(k, "unset") + " vs " + nz(b).getOrDefault(k, "unset"));
            }
        }
        return diffs.isEmpty() ? null : String.join(", ", diffs);
    }

    static List<String> settingChanges(Map<String, String> a, Map<String, String> b) {
        List<String> out = new ArrayList<>();
        TreeSet<String> keys = new TreeSet<>(nz(a).keySet());
        keys.addAll(nz(b).keySet());
        for (String k : keys) {
            String va = nz(a).get(k);
            String vb = nz(b).get(k);
            if (!Objects.equals(va, vb)) {
                out.add(k + " " + (va == null ? "unset" : va) + " -> " + (vb == null ? "unset" : vb));
            }
        }
        return List.copyOf(out);
    }

    private static List<String> environmentNotes(RunResult a, RunResult b, String hostDiff, Criteria criteria,
                                                 List<String> drift) {
        List<String> notes = new ArrayList<>(drift);
        if (hostDiff != null) {
            notes.add("Different machines (" + hostDiff + ")" + (criteria.allowHostMismatch()
                    ? ": compared anyway, as asked; ratios mix engine and machine" : ": results are not compared"));
        }
        Host ha = a.host();
        Host hb = b.host();
        if (ha != null && hb != null) {
            note(notes, "Host name", ha.hostname(), hb.hostname());
            note(notes, "JVM", ha.jvm(), hb.jvm());
            note(notes, "OS", ha.os(), hb.os());
            note(notes, "Kernel", ha.kernel(), hb.kernel());
        }
        note(notes, "Harness", a.harnessVersion(), b.harnessVersion());
        note(notes, "Commit", a.gitCommit(), b.gitCommit());
        if (a.finishedAt() == null) {
            notes.add("The baseline run did not finish: its results are partial");
        }
        if (b.finishedAt() == null) {
            notes.add("The candidate run did not finish: its results are partial");
        }
        return List.copyOf(notes);
    }

    private static void note(List<String> notes, String what, String a, String b) {
        if (!Objects.equals(a, b)) {
            notes.add(what + ": " + a + " -> " + b);
        }
    }

    private static <T> List<T> nz(List<T> xs) {
        return xs == null ? List.of() : xs;
    }

    private static Map<String, String> nz(Map<String, String> m) {
        return m == null ? Map.of() : m;
    }
}
