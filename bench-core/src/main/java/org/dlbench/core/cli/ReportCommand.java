package org.dlbench.core.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.dlbench.core.report.RunReport;
import org.dlbench.core.result.MarkdownReport;
import org.dlbench.core.result.ResultsIO;
import org.dlbench.core.result.RunResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Prints the Markdown report of a finished (or partial) run. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Prints the Markdown report of a run directory or results.json file; --html writes the "
                + "self-contained HTML report with charts instead.")
final class ReportCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "RUN", description = "A run directory or its results.json.")
    Path run;

    @Option(names = "--html", paramLabel = "FILE",
            description = "Write the HTML report (tables and charts, one file) to FILE instead of printing Markdown.")
    Path html;

    @Override
    public Integer call() {
        try {
            RunResult result = ResultsIO.read(run);
            if (html != null) {
                CompareCommand.write(html, RunReport.render(result), "--html");
                spec.commandLine().getOut().println("Wrote " + html);
                return 0;
            }
            spec.commandLine().getOut().print(MarkdownReport.render(result));
            spec.commandLine().getOut().flush();
            return 0;
        } catch (ResultsIO.BadResultsException e) {
            throw new Main.UserError(e.getMessage());
        }
    }
}
