package org.dlbench.core.output;

import java.io.IOException;
import java.io.OutputStream;
import org.dlbench.core.result.ResultsIO;
import org.dlbench.core.result.RunResult;

/** {@code results.json}: the versioned record of the run that every other file is made from. */
final class JsonRunFormat implements RunFormat {
    @Override
    public String name() {
        return "json";
    }

    @Override
    public String fileName() {
        return ResultsIO.FILE;
    }

    @Override
    public String description() {
        return "the run's own record (schema_version " + RunResult.SCHEMA_VERSION + "), read by report, compare, "
                + "history and --resume";
    }

    @Override
    public void write(RunResult run, OutputStream out) throws IOException {
        out.write(ResultsIO.JSON.writeValueAsBytes(run));
    }
}
