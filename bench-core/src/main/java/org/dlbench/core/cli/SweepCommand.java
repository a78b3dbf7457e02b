package org.dlbench.core.cli;

import java.util.List;
import java.util.stream.IntStream;
import picocli.CommandLine.Command;

/** A run whose defaults sweep batch sizes and thread counts, for the scaling tables of the report. */
@Command(name = "sweep", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Runs a scaling sweep: like 'run', but by default inference only, batch sizes 1,8,32,128 and "
                + "threads 1 up to the number of cores. The report gets scaling tables over batch and threads.",
                "Exit code: 0 all cells ok or unsupported, 1 a cell failed or failed a correctness check, 2 bad input."})
final class SweepCommand extends RunCommand {
    @Override
    protected List<Integer> defaultThreads() {
        return IntStream.rangeClosed(1, Runtime.getRuntime().availableProcessors()).boxed().toList();
    }

    @Override
    protected List<Integer> defaultBatches() {
        return List.of(1, 8, 32, 128);
    }

    @Override
    protected List<String> defaultModes() {
        return List.of("infer");
    }
}
