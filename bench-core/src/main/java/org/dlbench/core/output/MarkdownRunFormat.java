package org.dlbench.core.output;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.dlbench.core.result.MarkdownReport;
import org.dlbench.core.result.RunResult;
import org.dlbench.core.scorecard.ScorecardMarkdown;

/**
 * {@code results.md}: the run's report as Markdown (what {@code report} prints by default), with the run's scorecard
 * right after its facts.
 */
final class MarkdownRunFormat implements RunFormat {
    @Override
    public String name() {
        return "markdown";
    }

    @Override
    public String fileName() {
        return "results.md";
    }

    @Override
    public String description() {
        return "the report as Markdown: tables, verdicts, checks (the default)";
    }

    @Override
    public void write(RunResult run, OutputStream out) throws IOException {
        out.write(MarkdownReport.render(run, ScorecardMarkdown.sectionOf(run)).getBytes(StandardCharsets.UTF_8));
    }
}
