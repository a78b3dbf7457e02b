package org.dlbench.core.compare;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.dlbench.core.result.CellKey;
import org.dlbench.core.result.CellResult;
import org.dlbench.core.result.Check;
import org.dlbench.core.result.Host;
import org.dlbench.core.result.Profile;
import org.dlbench.core.result.RunResult;
import org.dlbench.core.result.Verdicts;

/** Hand-made runs with fixed samples, for comparison and report tests. */
public final class Fixtures {
    private Fixtures() {
    }

    public static final Host HOST = new Host("box", "Test CPU 3000", List.of("avx2", "fma"), 2, 1L << 34, "Debian 12",
            "6.1", "OpenJDK 17.0.15", List.of(), List.of());

    public static RunResult run(String id, Host host, Profile profile, CellResult... cells) {
        return new RunResult(RunResult.SCHEMA_VERSION, id, startedAt(id), "2026-11-30T10:30:00Z", "0.1.0-SNAPSHOT", "0123456789abcdef0123456789abcdef01234567", host, profile,
                List.of(cells));
    }

    /** Run ids like 20261120-100000-box start at the time they name; others on a fixed date. */
    static String startedAt(String id) {
        var m = java.util.regex.Pattern.compile("^(\\d{4})(\\d{2})(\\d{2})-(\\d{2})(\\d{2})(\\d{2})").matcher(id);
        return m.find() ? m.group(1) + "-" + m.group(2) + "-" + m.group(3) + "T" + m.group(4) + ":" + m.group(5) + ":"
                + m.group(6) + "Z" : "2026-11-26T10:00:00Z";
    }

    public static RunResult run(String id, CellResult... cells) {
        return run(id, HOST, Profile.QUICK, cells);
    }

    /**
     * An ok cell with these samples/s, each from its own JMH fork of one iteration (so a comparison tests them as
     * fork means); score is their mean, error a plausible half-width. See {@link #oneFork} for a single-fork cell.
     */
    public static CellResult ok(String engine, String version, String workload, String mode, int batch, int threads,
                                double... samples) {
        List<Double> xs = new ArrayList<>();
        for (double s : samples) {
            xs.add(s);
        }
        double mean = Stats.mean(xs);
        return new CellResult.Builder(new CellKey(engine, workload, mode, batch, threads, "cpu")).engineVersion(version)
                .score(mean, 3 * Math.sqrt(Stats.variance(xs) / xs.size()), xs).gflops(mean * 1e-4)
                .checks(List.of(new Check("forward_matches_reference", true, "max abs error 1e-7")))
                .verdict(Verdicts.VALID, null)
                .settings(Map.of("num_threads", String.valueOf(threads))).seconds(12.0)
                .execution(new CellResult.Execution(1.0, 1.0, 0.0, 5.0, true, xs.size())).build();
    }

    /** The cell as if all its samples were the iterations of a single fork, as the quick profile measures. */
    public static CellResult oneFork(CellResult c) {
        return c.toBuilder().execution(new CellResult.Execution(1.0, 1.0, 0.0, 5.0, true, 1)).build();
    }

    /** The cell with another verdict and its reason (noisy, inconsistent, invalid; null for none recorded). */
    public static CellResult verdict(CellResult c, String verdict, String why) {
        return c.toBuilder().verdict(verdict, why).build();
    }

    /** The cell as a DJL-based engine records it: with the DJL version among its settings. */
    public static CellResult djl(CellResult c, String djlVersion) {
        Map<String, String> settings = new LinkedHashMap<>(c.settings());
        settings.put("djl_version", djlVersion);
        return withSettings(c, Map.copyOf(settings));
    }

    public static CellResult withSettings(CellResult c, Map<String, String> settings) {
        return c.toBuilder().settings(settings).build();
    }

    public static CellResult checkFailed(CellResult c) {
        return c.toBuilder().checks(List.of(new Check("forward_matches_reference", false, "max abs error 3"))).build();
    }

    public static CellResult failed(String engine, String workload, String mode, int batch, int threads, String why) {
        return CellResult.failed(new CellKey(engine, workload, mode, batch, threads, "cpu"), null, why, List.of(),
                Map.of(), 3.0);
    }

    public static CellResult unsupported(String engine, String workload, String mode, int batch, int threads) {
        return CellResult.unsupported(new CellKey(engine, workload, mode, batch, threads, "cpu"),
                "training is not supported by this engine");
    }
}
