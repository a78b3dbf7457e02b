package org.dlbench.core.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.dlbench.core.report.ScorecardHtml;
import org.dlbench.core.result.ResultsIO;
import org.dlbench.core.result.RunResult;
import org.dlbench.core.scorecard.MergedRuns;
import org.dlbench.core.scorecard.ScoreWeights;
import org.dlbench.core.scorecard.Scorecard;
import org.dlbench.core.scorecard.ScorecardException;
import org.dlbench.core.scorecard.ScorecardMarkdown;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Judges each engine of one or several runs on one page: coverage, correctness, capability, scale, memory. */
@Command(name = "scorecard", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Prints the scorecard of one or several runs as Markdown: per engine (its best variant), "
                + "coverage of the workload zoo by family and mode with the ops it lacks, correctness checks "
                + "(failures first), the capability index (geometric mean of throughput relative to the fastest "
                + "engine per cell, with a confidence interval by the delta method), latency p90, time to first "
                + "result, memory, %% of peak and scaling, and an overall index ranked with ties where intervals "
                + "overlap. Only valid cells count; it says how many it left out and why.",
                "Runs are merged when made on the same machine (host name, CPU model, cores) with the same "
                        + "profile; a mixture is refused. Weights and the confidence level come from the built-in "
                        + "scorecard.json (next to the workloads) or --weights FILE; the scorecard names the file.",
                "Exit code: 0 printed, 2 unusable input (bad run or weights file, runs that cannot be merged)."})
final class ScorecardCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "RUN", arity = "1..*", description = "Run directories or results.json files.")
    List<Path> runs;

    @Option(names = "--weights", paramLabel = "FILE",
            description = "Weights and confidence level (a copy of the built-in scorecard.json, changed).")
    Path weights;

    @Option(names = "--html", paramLabel = "FILE",
            description = "Also write the scorecard with its charts as a self-contained HTML page to FILE.")
    Path html;

    @Override
    public Integer call() {
        ScoreWeights w;
        try {
            w = weights == null ? ScoreWeights.builtIn() : ScoreWeights.load(weights);
        } catch (ScorecardException e) {
            throw new Main.UserError("--weights " + e.getMessage());
        }
        List<RunResult> read = new ArrayList<>();
        for (Path p : runs) {
            try {
                read.add(ResultsIO.read(p));
            } catch (ResultsIO.BadResultsException e) {
                throw new Main.UserError(e.getMessage());
            }
        }
        Scorecard s;
        try {
            s = Scorecard.of(MergedRuns.of(read), w);
        } catch (ScorecardException e) {
            throw new Main.UserError(e.getMessage());
        }
        spec.commandLine().getOut().print(ScorecardMarkdown.section(s));
        spec.commandLine().getOut().flush();
        if (html != null) {
            CompareCommand.write(html, ScorecardHtml.page(s), "--html");
            spec.commandLine().getErr().println("Wrote " + html);
        }
        return 0;
    }
}
