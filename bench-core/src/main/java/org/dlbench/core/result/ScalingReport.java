package org.dlbench.core.result;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Data-parallel training cells set against the single-process engine they distribute: throughput per worker over
 * the single-process throughput of the same workload and batch with one thread. 100% means each worker trains as
 * fast as one process alone; parameter averaging, serialisation and scheduling take the rest. A data-parallel
 * engine marks its cells by naming that engine in the {@link #BASELINE_SETTING} setting (and its worker count in
 * {@code workers}), so no engine is special-cased here.
 */
public final class ScalingReport {
    /** Setting through which a data-parallel session names the single-process engine it distributes. */
    public static final String BASELINE_SETTING = "single_process_engine";

    private ScalingReport() {
    }

    /** The Markdown section, or an empty string when the run has no data-parallel training cell. */
    public static String render(List<CellResult> results) {
        List<CellResult> spark = results.stream().filter(r -> r.settings() != null
                && r.settings().containsKey(BASELINE_SETTING) && r.mode().equals("train") && r.status() == Status.OK
                && r.score() != null).toList();
        if (spark.isEmpty()) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        sb.append("\n## Data-parallel scaling\n\n");
        sb.append("| Engine | Workload | Batch/worker | Workers | Averaging freq. | samples/s | Verdict | per worker "
                + "| s/epoch | Single process | 1 thread | Efficiency |\n");
        sb.append("|---|---|---:|---:|---:|---:|---|---:|---:|---|---:|---:|\n");
        boolean marked = false;
        for (CellResult r : spark) {
            Map<String, String> s = r.settings() == null ? Map.of() : r.settings();
            int workers = intSetting(s, "workers", r.threads());
            double perWorker = r.score() / workers;
            Optional<CellResult> base = baseline(results, r);
            Integer epoch = s.containsKey("epoch_samples") ? intSetting(s, "epoch_samples", 0) : null;
            sb.append("| ").append(r.engine()).append(" | ").append(r.workload())
                    .append(" | ").append(r.batch())
                    .append(" | ").append(workers)
                    .append(" | ").append(s.getOrDefault("averaging_frequency", ""))
                    .append(" | ").append(String.format(Locale.ROOT, "%,.0f", r.score()))
                    .append(" | ").append(MarkdownReport.shortVerdict(r))
                    .append(" | ").append(String.format(Locale.ROOT, "%,.0f", perWorker))
                    .append(" | ").append(epoch == null || epoch <= 0 ? ""
                            : String.format(Locale.ROOT, "%.2f", epoch / r.score()))
                    .append(" | ").append(s.get(BASELINE_SETTING))
                    .append(" | ").append(base.map(b -> String.format(Locale.ROOT, "%,.0f", b.score())
                                    + MarkdownReport.mark(b))
                            .orElse(ownBaseline(s) == null ? "no cell"
                                    : String.format(Locale.ROOT, "%,.0f (own)", ownBaseline(s))))
                    .append(" | ").append(base.map(b -> String.format(Locale.ROOT, "%.0f%%", 100 * efficiency(r, b))
                                    + (Judged.clean(b) ? "" : " (base " + Judged.of(b).label() + ")"))
                            .orElse(ownBaseline(s) == null ? ""
                                    : String.format(Locale.ROOT, "%.0f%%", 100 * perWorker / ownBaseline(s))))
                    .append(" |\n");
            marked |= !Judged.clean(r) || base.map(b -> !Judged.clean(b)).orElse(false);
        }
        if (marked) {
            sb.append("\n").append(MarkdownReport.NOT_VALID_NOTE);
        }
        sb.append("\nEfficiency = (samples/s / workers) / samples/s of the single-process engine for the same")
                .append(" workload and batch with 1 thread. One step is one averaging round: every worker trains")
                .append(" `averaging_frequency` minibatches, then parameters are averaged; s/epoch = epoch_samples /")
                .append(" samples/s. \"(own)\": no such cell in this run; the baseline the data-parallel run measured")
                .append(" itself (`baseline_samples_per_s`: same network and epoch, in one process, one thread).\n");
        return sb.toString();
    }

    /** Throughput per worker over the single-process, single-thread throughput. */
    public static double efficiency(CellResult spark, CellResult baseline) {
        Map<String, String> s = spark.settings() == null ? Map.of() : spark.settings();
        return spark.score() / intSetting(s, "workers", spark.threads()) / baseline.score();
    }

    /** The single-process cell with the same workload, batch and device, one thread, measured ok. */
    public static Optional<CellResult> baseline(List<CellResult> results, CellResult spark) {
        String engine = spark.settings() == null ? null : spark.settings().get(BASELINE_SETTING);
        return results.stream().filter(b -> b.engine().equals(engine) && b.mode().equals("train")
                && b.workload().equals(spark.workload()) && b.batch() == spark.batch() && b.threads() == 1
                && b.device().equals(spark.device()) && b.status() == Status.OK && b.score() != null).findFirst();
    }

    /** A baseline the data-parallel run measured itself, if it did. */
    private static Double ownBaseline(Map<String, String> s) {
        try {
            String v = s.get("baseline_samples_per_s");
            double d = v == null ? Double.NaN : Double.parseDouble(v.trim());
            return d > 0 ? d : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static int intSetting(Map<String, String> s, String key, int fallback) {
        try {
            return s.containsKey(key) ? Integer.parseInt(s.get(key).trim()) : fallback;
        } catch (NumberFormatException e) {
            return fallback;
        }
    }
}
