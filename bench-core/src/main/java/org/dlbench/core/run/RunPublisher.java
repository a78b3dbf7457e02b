package org.dlbench.core.run;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.stream.Collectors;
import org.dlbench.core.result.CellResult;
import org.dlbench.core.result.Check;
import org.dlbench.core.result.RunResult;
import org.dlbench.core.result.Verdicts;

/** Publishes a run as it goes: every file of the run directory after each cell, and one line per cell on the console. */
final class RunPublisher {
    private RunPublisher() {
    }

    static String summary(CellResult r) {
        return switch (r.status()) {
            case OK -> String.format(Locale.ROOT, "%,.0f samples/s%s%s%s%s (%.0f s)", r.score(),
                    r.scoreError() == null || r.scoreError().isNaN() ? ""
                            : String.format(Locale.ROOT, " +- %.1f%%", 100 * r.scoreError() / r.score()),
                    r.crossCheck() == null || r.crossCheck().bareLoop() == null ? ""
                            : String.format(Locale.ROOT, " (bare loop %,.0f%s)", r.crossCheck().bareLoop(),
                                    r.crossCheck().latencyPhase() == null ? "" : String.format(Locale.ROOT,
                                            ", latency phase %,.0f", r.crossCheck().latencyPhase())),
                    r.checksPassed() ? "" : ", CHECK FAILED: " + r.checks().stream().filter(c -> !c.passed())
                            .map(Check::name).collect(Collectors.joining(", ")),
                    r.verdict() == null || r.verdict().equals(Verdicts.VALID) ? ""
                            : ", " + r.verdict() + (r.verdictReason() == null ? "" : " (" + r.verdictReason() + ")"),
                    r.seconds() == null ? 0 : r.seconds());
            case UNSUPPORTED -> "unsupported: " + r.reason();
            case FAILED -> "FAILED: " + r.reason();
        };
    }

    /** results.json, then every other file rewritten after each cell (results.md, results.csv, exports). */
    static void save(RunResult run, Path dir) throws IOException {
        for (String problem : org.dlbench.core.output.RunFormats.writeEveryCell(run, dir)) {
            System.err.println("dlbench: warning: " + problem);
        }
    }

    static String now() {
        return Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    }

}
