package org.dlbench.core.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.dlbench.core.report.History;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Indexes a results directory and draws the trend of every result over its runs. */
@Command(name = "history", mixinStandardHelpOptions = true,
        description = {"Writes DIR/index.md (every run: date, host, versions, profile, and a trend table) and "
                + "DIR/history.html (the same with a trend chart per result) for the run directories in DIR.",
                "Runs that cannot be read are listed as skipped. Exit code 2 when DIR holds no readable run."})
final class HistoryCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "DIR", defaultValue = "results",
            description = "Directory holding run directories (default: ${DEFAULT-VALUE}).")
    Path dir;

    @picocli.CommandLine.Option(names = "--noise", paramLabel = "FILE",
            description = "Noise floor (noise.json from dlbench noise): change points of the trends made on its "
                    + "machine and profile are tested against it.")
    Path noise;

    @Override
    public Integer call() {
        if (!Files.isDirectory(dir)) {
            throw new Main.UserError(Files.exists(dir) ? dir + " is a file, not a results directory"
                    : "no results directory at " + dir);
        }
        org.dlbench.core.compare.NoiseFloor floor = null;
        if (noise != null) {
            try {
                floor = org.dlbench.core.compare.NoiseFloor.read(noise);
            } catch (IllegalArgumentException e) {
                throw new Main.UserError("--noise: " + e.getMessage());
            }
        }
        History.Scan scan;
        try {
            scan = History.scan(dir);
        } catch (IOException e) {
            throw new Main.UserError("cannot read " + dir + ": " + CompareCommand.why(e));
        }
        for (History.Skipped s : scan.skipped()) {
            spec.commandLine().getErr().println("dlbench: warning: skipped " + s.dir() + ": " + s.why());
        }
        if (scan.runs().isEmpty()) {
            throw new Main.UserError("no readable run under " + dir + " (a run directory holds results.json)");
        }
        try {
            History.write(scan, floor);
        } catch (IOException e) {
            throw new Main.UserError("cannot write the history into " + dir + ": " + CompareCommand.why(e));
        }
        spec.commandLine().getOut().println("Indexed " + scan.runs().size() + " run(s): wrote "
                + dir.resolve(History.INDEX) + " and " + dir.resolve(History.HTML));
        spec.commandLine().getOut().flush();
        return 0;
    }
}
