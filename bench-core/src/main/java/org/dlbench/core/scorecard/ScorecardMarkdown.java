package org.dlbench.core.scorecard;

import java.util.List;
import org.dlbench.core.result.RunResult;

/** The scorecard as a Markdown section ({@code ## Scorecard}), for {@code dlbench scorecard} and results.md. */
public final class ScorecardMarkdown {
    private ScorecardMarkdown() {
    }

    /**
     * The section of a run's results.md: the scorecard of the run's own cells with the built-in weights; a run it
     * cannot score says so in one line rather than losing its report.
     */
    public static String sectionOf(RunResult run) {
        try {
            return section(Scorecard.of(run));
        } catch (RuntimeException e) {
            return "## Scorecard\n\nNot computed: " + e.getMessage() + "\n";
        }
    }

    /** The section, starting with its {@code ## Scorecard} heading. */
    public static String section(Scorecard s) {
        StringBuilder sb = new StringBuilder("## Scorecard\n\n");
        sb.append(ScorecardText.source(s)).append("\n\n");
        List<String> failures = ScorecardText.failures(s);
        if (!failures.isEmpty()) {
            sb.append("**Correctness failures** (listed first):\n\n");
            failures.forEach(f -> sb.append("- **FAILED** ").append(cell(f)).append("\n"));
            sb.append("\n");
        }
        if (s.rows().isEmpty()) {
            sb.append("No engine measured.\n\n");
        } else {
            table(sb, ScorecardText.MAIN_HEADERS, s.rows().stream().map(ScorecardText::main).toList());
            sb.append("\n");
            table(sb, ScorecardText.DETAIL_HEADERS, s.rows().stream().map(ScorecardText::detail).toList());
            sb.append("\n");
        }
        if (!s.noJvm().isEmpty()) {
            sb.append("Frameworks without a JVM runtime (kept, not measured):\n\n");
            table(sb, ScorecardText.NO_JVM_HEADERS, s.noJvm().stream().map(ScorecardText::noJvm).toList());
            sb.append("\n");
        }
        String left = ScorecardText.leftOut(s);
        if (!left.isEmpty()) {
            sb.append(left).append("\n\n");
        }
        sb.append(ScorecardText.legend(s)).append("\n");
        return sb.toString();
    }

    private static void table(StringBuilder sb, List<String> headers, List<List<String>> rows) {
        sb.append("| ").append(String.join(" | ", headers)).append(" |\n|");
        sb.append("---|".repeat(headers.size())).append("\n");
        for (List<String> r : rows) {
            sb.append("| ").append(String.join(" | ", r.stream().map(ScorecardMarkdown::cell).toList()))
                    .append(" |\n");
        }
    }

    private static String cell(String s) {
        return s.replace("|", "\\|").replace("\n", " ");
    }
}
