package org.dlbench.core.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.dlbench.core.result.MarkdownReport;
import org.dlbench.core.result.ResultsIO;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Prints the Markdown report of a finished (or partial) run. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Prints the Markdown report of a run directory or results.json file.")
final class ReportCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "RUN", description = "A run directory or its results.json.")
    Path run;

    @Override
    public Integer call() {
        try {
            spec.commandLine().getOut().print(MarkdownReport.render(ResultsIO.read(run)));
            spec.commandLine().getOut().flush();
            return 0;
        } catch (ResultsIO.BadResultsException e) {
            throw new Main.UserError(e.getMessage());
        }
    }
}
