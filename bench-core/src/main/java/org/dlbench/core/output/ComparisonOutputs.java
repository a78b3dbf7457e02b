package org.dlbench.core.output;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Function;
import org.dlbench.core.compare.Comparison;
import org.dlbench.core.compare.ComparisonFormat;
import org.dlbench.core.report.ComparisonReport;

/** The registry of comparison formats: what {@code compare --format} and {@code compare --html} write. */
public final class ComparisonOutputs {
    private ComparisonOutputs() {
    }

    /** A built-in comparison format: text made by one of the existing renderers. */
    private record Text(String name, String fileName, String description, Function<Comparison, String> render)
            implements ComparisonOutput {
        @Override
        public void write(Comparison c, OutputStream out) throws IOException {
            out.write(render.apply(c).getBytes(StandardCharsets.UTF_8));
        }
    }

    public static final ComparisonOutput TABLE = new Text("table", "comparison.txt",
            "aligned plain-text table for a terminal (the default)", ComparisonFormat::table);
    public static final ComparisonOutput MARKDOWN = new Text("markdown", "comparison.md",
            "Markdown for CI job summaries and pull requests", ComparisonFormat::markdown);
    public static final ComparisonOutput JSON = new Text("json", "comparison.json",
            "every row, test and reason as JSON", ComparisonFormat::json);
    public static final ComparisonOutput HTML = new Text("html", "comparison.html",
            "self-contained HTML report with the ratio chart", ComparisonReport::render);

    public static final FormatRegistry<ComparisonOutput> REGISTRY = new FormatRegistry<>("comparison",
            ComparisonOutput.class, List.of(TABLE, MARKDOWN, JSON, HTML));
}
