package org.dlbench.core.output;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.dlbench.core.result.ResultsIO;
import org.dlbench.core.result.RunResult;

/**
 * The registry of run formats: every file a run directory holds, and what {@code report --format} can print.
 * {@link #JSON} comes first: it is the record every other file is made from.
 */
public final class RunFormats {
    private RunFormats() {
    }

    public static final RunFormat JSON = new JsonRunFormat();
    public static final RunFormat MARKDOWN = new MarkdownRunFormat();
    public static final RunFormat CSV = new CsvRunFormat();
    public static final RunFormat JMH = new JmhRunFormat();
    public static final RunFormat BENCHMARK_ACTION = BenchmarkActionFormat.throughput();
    public static final RunFormat BENCHMARK_ACTION_LATENCY = BenchmarkActionFormat.latency();
    public static final RunFormat HTML = new HtmlRunFormat();

    /** Built-in formats in the order they are written, then any registered through ServiceLoader. */
    public static final FormatRegistry<RunFormat> REGISTRY = new FormatRegistry<>("run", RunFormat.class,
            List.of(JSON, MARKDOWN, CSV, JMH, BENCHMARK_ACTION, BENCHMARK_ACTION_LATENCY, HTML));

    /** Renders the whole file first, then writes it atomically (readers never see half a file). */
    public static void write(RunFormat format, RunResult run, Path file) throws IOException {
        ResultsIO.writeAtomically(file, format.bytes(run));
    }

    /**
     * Writes {@code results.json} and then every format marked {@link RunFormat#everyCell} into {@code dir}.
     * An I/O failure is thrown, as is any failure of {@code results.json}; a format that fails to render any other
     * file is reported in the returned list (one line each) and does not stop the others: the run goes on.
     *
     * @return one line per file that could not be made, empty when all were written
     */
    public static List<String> writeEveryCell(RunResult run, Path dir) throws IOException {
        write(JSON, run, dir.resolve(JSON.fileName()));
        List<String> problems = new ArrayList<>();
        for (RunFormat f : REGISTRY.all()) {
            if (f == JSON || !f.everyCell()) {
                continue;
            }
            byte[] bytes;
            try {
                bytes = f.bytes(run);
            } catch (RuntimeException e) {
                problems.add("could not write " + dir.resolve(f.fileName()) + ": " + e);
                continue;
            }
            ResultsIO.writeAtomically(dir.resolve(f.fileName()), bytes);
        }
        return problems;
    }
}
