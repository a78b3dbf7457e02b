package org.dlbench.core.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.dlbench.core.output.RunFormat;
import org.dlbench.core.output.RunFormats;
import org.dlbench.core.result.ResultsIO;
import org.dlbench.core.result.RunResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Prints or writes a finished (or partial) run in any registered format ({@link RunFormats}). */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = {"Prints the Markdown report of a run directory or results.json file; --format prints another "
                + "format, --out writes it to a file, --html writes the self-contained HTML report with charts, "
                + "--all (re)writes every format's file into the run directory (or DIR).",
                "Formats: markdown (results.md), json (results.json), csv (results.csv), jmh (jmh-result.json), "
                        + "benchmark-action (benchmark-action.json), benchmark-action-latency "
                        + "(benchmark-action-latency.json), html (report.html)."})
final class ReportCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "RUN", description = "A run directory or its results.json.")
    Path run;

    @Option(names = "--format", paramLabel = "FORMAT",
            description = "What to print or write with --out: one of the formats below (default: markdown).")
    String format;

    @Option(names = "--out", paramLabel = "FILE", description = "Write the format to FILE instead of stdout.")
    Path out;

    @Option(names = "--html", paramLabel = "FILE",
            description = "Write the HTML report (tables and charts, one file) to FILE instead of printing Markdown.")
    Path html;

    @Option(names = "--all", paramLabel = "DIR", arity = "0..1", fallbackValue = "",
            description = "Write every format under its own file name into DIR (default: the run directory; give "
                    + "--all after RUN). The run's own results.json is left as it is.")
    String all;

    @Override
    public Integer call() {
        if (all != null && (format != null || out != null || html != null)) {
            throw new Main.UserError("--all writes every format; give --format, --out or --html without it");
        }
        if (html != null && (format != null || out != null)) {
            throw new Main.UserError("--html writes the HTML report; for another format use --format and --out");
        }
        RunFormat chosen;
        try {
            chosen = RunFormats.REGISTRY.get(html != null ? RunFormats.HTML.name()
                    : format != null ? format : RunFormats.MARKDOWN.name());
        } catch (IllegalArgumentException e) {
            throw new Main.UserError(e.getMessage());
        }
        RunResult result;
        try {
            result = ResultsIO.read(run);
        } catch (ResultsIO.BadResultsException e) {
            throw new Main.UserError(e.getMessage());
        }
        if (all != null) {
            return writeAll(result);
        }
        String text = new String(chosen.bytes(result), StandardCharsets.UTF_8);
        Path file = html != null ? html : out;
        if (file != null) {
            CompareCommand.write(file, text, html != null ? "--html" : "--out");
            spec.commandLine().getOut().println("Wrote " + file);
            return 0;
        }
        spec.commandLine().getOut().print(text);
        spec.commandLine().getOut().flush();
        return 0;
    }

    /** Every registered format into the run directory or DIR; the results.json read is never rewritten. */
    private int writeAll(RunResult result) {
        Path source = Files.isDirectory(run) ? run.resolve(ResultsIO.FILE) : run;
        Path dir = all.isEmpty() ? source.toAbsolutePath().getParent() : Path.of(all);
        List<String> wrote = new ArrayList<>();
        for (RunFormat f : RunFormats.REGISTRY.all()) {
            Path file = dir.resolve(f.fileName());
            if (sameFile(file, source)) {
                continue;
            }
            CompareCommand.write(file, new String(f.bytes(result), StandardCharsets.UTF_8), "--all");
            wrote.add(f.fileName());
        }
        spec.commandLine().getOut().println("Wrote " + String.join(", ", wrote) + " in " + dir);
        return 0;
    }

    private static boolean sameFile(Path a, Path b) {
        try {
            return Files.exists(a) && Files.isSameFile(a, b);
        } catch (IOException e) {
            return false;
        }
    }
}
