package org.dlbench.core.result;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** Renders a run as Markdown: a header with host and settings, then one table row per cell. */
public final class MarkdownReport {
    private MarkdownReport() {
    }

    public static String render(RunResult run) {
        StringBuilder sb = new StringBuilder();
        sb.append("# dlbench run ").append(run.runId()).append("\n\n");
        Host h = run.host();
        Profile p = run.profile();
        sb.append("- Started ").append(run.startedAt());
        if (run.finishedAt() != null) {
            sb.append(", finished ").append(run.finishedAt());
        } else {
            sb.append(" (not finished: partial results)");
        }
        sb.append("\n");
        sb.append("- Harness ").append(run.harnessVersion()).append(", commit ").append(run.gitCommit()).append("\n");
        if (h != null) {
            sb.append("- Host `").append(h.hostname()).append("`: ").append(h.cpuModel()).append(", ")
                    .append(h.cores()).append(" cores, ")
                    .append(String.format(Locale.ROOT, "%.1f GiB", h.memoryBytes() / (1024.0 * 1024 * 1024)))
                    .append(", ").append(h.os()).append(" (kernel ").append(h.kernel()).append("), ")
                    .append(h.jvm()).append("\n");
        }
        if (p != null) {
            sb.append("- Profile ").append(p.name()).append(": ").append(p.forks()).append(" fork(s), warmup ")
                    .append(p.warmupIterations()).append(" x ").append(p.warmupSeconds()).append(" s, measurement ")
                    .append(p.measurementIterations()).append(" x ").append(p.measurementSeconds()).append(" s\n");
        }
        sb.append("\n");
        sb.append(table(run.results()));
        sb.append("\nScores are samples per second (higher is better), +- is the 99.9% confidence half-width. ");
        sb.append("Checks run outside the timed region.\n");
        sb.append(ScalingReport.render(run.results()));
        return sb.toString();
    }

    public static String table(List<CellResult> results) {
        StringBuilder sb = new StringBuilder();
        sb.append("| Engine | Version | Workload | Mode | Batch | Threads | Device | Status | samples/s | +- | GFLOP/s | Checks |\n");
        sb.append("|---|---|---|---|---:|---:|---|---|---:|---:|---:|---|\n");
        for (CellResult r : results) {
            sb.append("| ").append(r.engine())
                    .append(" | ").append(nz(r.engineVersion()))
                    .append(" | ").append(r.workload())
                    .append(" | ").append(r.mode())
                    .append(" | ").append(r.batch())
                    .append(" | ").append(r.threads())
                    .append(" | ").append(r.device())
                    .append(" | ").append(status(r))
                    .append(" | ").append(r.score() == null ? "" : String.format(Locale.ROOT, "%,.0f", r.score()))
                    .append(" | ").append(error(r))
                    .append(" | ").append(r.gflops() == null ? "" : String.format(Locale.ROOT, "%.2f", r.gflops()))
                    .append(" | ").append(checks(r))
                    .append(" |\n");
        }
        return sb.toString();
    }

    private static String status(CellResult r) {
        String s = r.status().id();
        if (r.status() == Status.OK && !r.checksPassed()) {
            s = "ok, CHECK FAILED";
        }
        if (r.reason() != null) {
            s += ": " + escape(r.reason());
        }
        return s;
    }

    private static String error(CellResult r) {
        if (r.scoreError() == null || r.score() == null) {
            return "";
        }
        if (r.scoreError().isNaN()) {
            return "n/a";
        }
        return String.format(Locale.ROOT, "%,.0f (%.1f%%)", r.scoreError(), 100 * r.scoreError() / r.score());
    }

    private static String checks(CellResult r) {
        if (r.checks() == null || r.checks().isEmpty()) {
            return "";
        }
        List<Check> failed = r.checks().stream().filter(c -> !c.passed()).toList();
        if (failed.isEmpty()) {
            return r.checks().stream().map(Check::name).collect(Collectors.joining(", "));
        }
        return "FAILED " + failed.stream().map(c -> c.name() + " (" + escape(c.detail()) + ")")
                .collect(Collectors.joining(", "));
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    private static String escape(String s) {
        return s == null ? "" : s.replace("|", "\\|").replace("\n", " ");
    }
}
