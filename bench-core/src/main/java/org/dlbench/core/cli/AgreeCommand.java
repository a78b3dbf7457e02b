package org.dlbench.core.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.dlbench.core.compare.ProfileAgreement;
import org.dlbench.core.result.ResultsIO;
import org.dlbench.core.result.RunResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Whether two runs of the same cells with different profiles (quick and thorough) measured the same numbers. */
@Command(name = "agree", mixinStandardHelpOptions = true,
        description = {"Shows, cell by cell, whether two runs of the same machine measured the same throughput within "
                + "their error bars (the half-widths of JMH's 99.9%% intervals overlap), and the share of cells that "
                + "do. Made for a quick and a thorough run: do the quick numbers stand for the thorough ones?",
                "Only cells measured with every check passed in both runs are weighed; each side's verdict is shown. "
                        + "To test for a change between two runs of one profile, use dlbench compare.",
                "Exit code 2 when a run cannot be read or the runs come from different machines."})
final class AgreeCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FIRST", description = "Run directory or results.json (e.g. the quick run).")
    Path first;

    @Parameters(index = "1", paramLabel = "SECOND",
            description = "Run directory or results.json (e.g. the thorough run).")
    Path second;

    @Option(names = "--out", paramLabel = "FILE", description = "Also write the Markdown report to FILE.")
    Path out;

    @Override
    public Integer call() {
        RunResult a = read(first);
        RunResult b = read(second);
        ProfileAgreement agreement;
        try {
            agreement = ProfileAgreement.of(a, b);
        } catch (IllegalArgumentException e) {
            throw new Main.UserError(e.getMessage());
        }
        if (agreement.rows().isEmpty()) {
            throw new Main.UserError("no cell was measured, with its checks passed, in both " + first + " and "
                    + second);
        }
        String md = agreement.markdown();
        if (out != null) {
            try {
                if (Files.isDirectory(out)) {
                    throw new Main.UserError("cannot write --out " + out + ": it is a directory");
                }
                ResultsIO.writeAtomically(out, md.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new Main.UserError("cannot write --out " + out + ": " + CompareCommand.why(e));
            }
        }
        spec.commandLine().getOut().print(md);
        spec.commandLine().getOut().flush();
        return 0;
    }

    private static RunResult read(Path p) {
        try {
            return ResultsIO.read(p);
        } catch (ResultsIO.BadResultsException e) {
            throw new Main.UserError(e.getMessage());
        }
    }
}
