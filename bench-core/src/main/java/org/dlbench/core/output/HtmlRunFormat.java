package org.dlbench.core.output;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.dlbench.core.report.RunReport;
import org.dlbench.core.result.RunResult;

/** {@code report.html}: the self-contained HTML report with charts, written once a run ends. */
final class HtmlRunFormat implements RunFormat {
    @Override
    public String name() {
        return "html";
    }

    @Override
    public String fileName() {
        return "report.html";
    }

    @Override
    public String description() {
        return "the report as one self-contained HTML file with charts (written when the run ends)";
    }

    @Override
    public boolean everyCell() {
        return false;
    }

    @Override
    public void write(RunResult run, OutputStream out) throws IOException {
        out.write(RunReport.render(run).getBytes(StandardCharsets.UTF_8));
    }
}
