package org.dlbench.core.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.dlbench.core.compare.Criteria;
import org.dlbench.core.compare.NoiseFloor;
import org.dlbench.core.compare.Stats;
import org.dlbench.core.result.ResultsIO;
import org.dlbench.core.result.RunResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Measures a machine's noise floor from repeated runs of the same cells (A/A runs). */
@Command(name = "noise", mixinStandardHelpOptions = true,
        description = {"Writes the noise floor of this machine: for every result measured in at least two of the "
                + "given runs, the spread of its mean throughput from run to run (coefficient of variation), and the "
                + "smallest change a comparison of two runs can then detect (MDE, at alpha 0.05).",
                "The runs must be A/A runs: the same harness, engines, cells and profile on the same machine, made at "
                        + "different times (for example scripts/bench three times, an hour apart). Give the file to "
                        + "dlbench compare --noise FILE.",
                "Exit code 2 when fewer than two runs are given or they come from different machines or profiles."})
final class NoiseCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "RUN", arity = "2..*",
            description = "Run directories or results.json files of the repeated runs.")
    List<Path> runs;

    @Option(names = "--out", paramLabel = "FILE", defaultValue = NoiseFloor.FILE,
            description = "Where to write the noise floor (default: ${DEFAULT-VALUE}).")
    Path out;

    @Override
    public Integer call() {
        List<RunResult> read = new ArrayList<>();
        for (Path p : runs) {
            try {
                read.add(ResultsIO.read(p));
            } catch (ResultsIO.BadResultsException e) {
                throw new Main.UserError(e.getMessage());
            }
        }
        read.sort(Comparator.comparing(r -> r.startedAt() == null ? "" : r.startedAt()));
        NoiseFloor floor;
        try {
            floor = NoiseFloor.of(read);
        } catch (IllegalArgumentException e) {
            throw new Main.UserError(e.getMessage());
        }
        if (floor.cells().isEmpty()) {
            throw new Main.UserError("no result was measured (and passed its checks) in two or more of the runs");
        }
        try {
            if (java.nio.file.Files.isDirectory(out)) {
                throw new Main.UserError("cannot write --out " + out + ": it is a directory");
            }
            floor.write(out);
        } catch (IOException e) {
            throw new Main.UserError("cannot write --out " + out + ": " + CompareCommand.why(e));
        }
        var w = spec.commandLine().getOut();
        w.printf(Locale.ROOT, "Noise floor of %d runs (%s), profile %s, on %s (%d cores):%n", floor.runs().size(),
                String.join(", ", floor.runs()), floor.profile(), floor.cpu(), floor.cores());
        w.printf(Locale.ROOT, "%-48s %5s %14s %8s %8s%n", "Result", "Runs", "Mean/s", "CV", "MDE");
        for (NoiseFloor.Cell c : floor.cells()) {
            w.printf(Locale.ROOT, "%-48s %5d %,14.0f %7.1f%% %7.1f%%%n", c.key(), c.runs(), c.mean(), 100 * c.cv(),
                    100 * minDetectable(c));
        }
        w.printf("Written to %s. MDE: the smallest change between two runs that a comparison against this floor can "
                + "call (alpha %s, before the correction for many results); more runs make it smaller.%n", out,
                Criteria.DEFAULT_ALPHA);
        w.flush();
        return 0;
    }

    /** The smallest relative change two single runs can show at the default alpha: q(df) x sqrt(2) x cv. */
    static double minDetectable(NoiseFloor.Cell c) {
        return Stats.tQuantile(1 - Criteria.DEFAULT_ALPHA / 2, c.runs() - 1) * Math.sqrt(2) * c.cv();
    }
}
