package org.dlbench.core.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.dlbench.core.compare.Comparison;
import org.dlbench.core.compare.Correction;
import org.dlbench.core.compare.Criteria;
import org.dlbench.core.compare.NoiseFloor;
import org.dlbench.core.output.ComparisonOutput;
import org.dlbench.core.output.ComparisonOutputs;
import org.dlbench.core.result.ResultsIO;
import org.dlbench.core.result.RunResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Compares two runs result by result; the exit code gates CI on regressions. */
@Command(name = "compare", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Compares a candidate run with a baseline run, result by result.",
                "Ratio = candidate / baseline mean samples/s. Each result is tested against the machine's noise "
                        + "floor when --noise is given (the run-to-run spread from repeated runs: dlbench noise), "
                        + "else with Welch's t-test on its JMH fork means; a result with one fork a side and no floor "
                        + "is undecided. The p-values of all results are corrected for their number (--correction). "
                        + "A result is faster or slower only when its corrected p is below alpha AND the change is "
                        + "beyond the threshold and the minimum detectable effect; otherwise it is the same. Results "
                        + "on one side only, failed, or measured on "
                        + "another machine (CPU model, cores, CPU flags), profile or thread setting are listed "
                        + "apart, not compared. So is a result whose verdict is not valid in the baseline or the "
                        + "candidate (noisy, inconsistent, invalid, or none recorded by an older run): never faster "
                        + "or slower, never a regression by itself.",
                "Exit code: 0 no regression beyond the threshold, 1 a result is slower (or worked in the baseline "
                        + "and fails, fails a check or is invalid in the candidate), 2 unusable input (missing, "
                        + "corrupt or foreign file, wrong schema version, nothing comparable)."})
final class CompareCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "BASELINE", description = "Run directory or results.json of the baseline.")
    Path baseline;

    @Parameters(index = "1", paramLabel = "CANDIDATE", description = "Run directory or results.json to judge.")
    Path candidate;

    @Option(names = "--threshold", paramLabel = "PERCENT", defaultValue = "5%",
            description = "Smallest change that counts, in per cent (default: ${DEFAULT-VALUE}).")
    String threshold;

    @Option(names = "--alpha", paramLabel = "P", defaultValue = "0.05",
            description = "Significance level of the t-test; intervals are 1 - alpha (default: ${DEFAULT-VALUE}).")
    double alpha;

    @Option(names = "--noise", paramLabel = "FILE",
            description = "Noise floor (noise.json from dlbench noise) of this machine and profile: each result it "
                    + "covers is tested against its run-to-run spread.")
    Path noise;

    @Option(names = "--correction", paramLabel = "RULE", defaultValue = "bh",
            description = "Correction for comparing many results at once: bh (Benjamini-Hochberg, false discovery "
                    + "rate), holm (family-wise error rate) or none (default: ${DEFAULT-VALUE}).")
    String correction;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "table",
            description = "table, markdown, json or html (default: ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--out", paramLabel = "FILE", description = "Write the output to FILE instead of stdout.")
    Path out;

    @Option(names = "--html", paramLabel = "FILE",
            description = "Also write a self-contained HTML report with the ratio chart to FILE.")
    Path html;

    @Option(names = "--allow-host-mismatch",
            description = "Compare runs made on different machines anyway (flagged in every row).")
    boolean allowHostMismatch;

    @Override
    public Integer call() throws IOException {
        Criteria criteria;
        try {
            criteria = new Criteria(Criteria.parseThreshold(threshold), alpha, allowHostMismatch,
                    Correction.parse(correction));
        } catch (IllegalArgumentException e) {
            throw new Main.UserError(e.getMessage());
        }
        ComparisonOutput output;
        try {
            output = ComparisonOutputs.REGISTRY.get(format);
        } catch (IllegalArgumentException e) {
            throw new Main.UserError(e.getMessage());
        }
        RunResult base = read(baseline, "baseline");
        RunResult cand = read(candidate, "candidate");
        NoiseFloor floor = null;
        if (noise != null) {
            try {
                floor = NoiseFloor.read(noise);
            } catch (IllegalArgumentException e) {
                throw new Main.UserError("--noise: " + e.getMessage());
            }
            for (RunResult r : List.of(base, cand)) {
                String why = floor.mismatch(r.host(), r.profile() == null ? null : r.profile().name());
                if (why != null) {
                    throw new Main.UserError("--noise " + noise + " does not hold for run " + r.runId() + ": " + why);
                }
            }
        }
        Comparison c = Comparison.of(baseline.toString(), base, candidate.toString(), cand, criteria, floor);
        String text = new String(output.bytes(c), StandardCharsets.UTF_8);
        if (out != null) {
            write(out, text, "--out");
        } else {
            spec.commandLine().getOut().print(text);
            spec.commandLine().getOut().flush();
        }
        if (html != null) {
            write(html, new String(ComparisonOutputs.HTML.bytes(c), StandardCharsets.UTF_8), "--html");
        }
        String nothing = c.nothingComparable();
        if (c.hasRegression()) {
            spec.commandLine().getErr().println("dlbench: regression: " + String.join("; ", c.regressions()));
            return 1;
        }
        if (nothing != null) {
            throw new Main.UserError(nothing);
        }
        return 0;
    }

    /** An I/O failure in words, not as an exception class name. */
    static String why(IOException e) {
        if (e instanceof java.nio.file.FileSystemException fse && fse.getReason() != null) {
            return fse.getReason();
        }
        if (e instanceof java.nio.file.FileAlreadyExistsException f) {
            return f.getFile() + " is a file, not a directory";
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "no such directory";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static RunResult read(Path p, String side) {
        try {
            return ResultsIO.read(p);
        } catch (ResultsIO.BadResultsException e) {
            throw new Main.UserError(side + ": " + e.getMessage());
        }
    }

    static void write(Path file, String text, String option) {
        if (Files.isDirectory(file)) {
            throw new Main.UserError("cannot write " + option + " " + file + ": it is a directory");
        }
        try {
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            if (Files.exists(file) && !Files.isRegularFile(file)) {
                // a device or pipe (/dev/stdout, a FIFO): write through it; a rename would replace it with a file
                Files.write(file, bytes);
            } else {
                ResultsIO.writeAtomically(file, bytes);
            }
        } catch (IOException e) {
            throw new Main.UserError("cannot write " + option + " " + file + ": " + why(e));
        }
    }
}
