package org.dlbench.core.output;

import org.dlbench.core.result.RunResult;

/**
 * A file made from a whole run. Implementations are stateless; see {@link RunFormats} for the registry.
 */
public interface RunFormat extends OutputFormat<RunResult> {
    /**
     * Whether {@code run} rewrites this file after every cell (as {@code results.json} and {@code results.md}), or
     * only once the run ends (the HTML report, whose charts take a while to draw).
     */
    default boolean everyCell() {
        return true;
    }
}
