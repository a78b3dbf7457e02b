package org.dlbench.core.cli;

import java.util.Locale;
import java.util.concurrent.Callable;
import org.dlbench.core.workload.Workload;
import org.dlbench.core.workload.Workloads;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;

/** Lists the built-in workloads with their derived sizes. */
@Command(name = "list", mixinStandardHelpOptions = true,
        description = "Lists built-in workloads with parameter counts and FLOPs per sample.")
final class ListCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        var out = spec.commandLine().getOut();
        out.println("Workloads (use a name, or the path of your own .json file):");
        for (Workload w : Workloads.builtIn().values()) {
            out.printf(Locale.ROOT, "  %-10s %,10d params  %9.3f MFLOP/sample forward  %9.3f MFLOP/sample train (batch %d)"
                            + "  %d nodes (%s)  input %s  batches %s%n      %s%n",
                    w.name(), w.paramCount(), w.forwardFlops() / 1e6,
                    w.trainFlopsPerSample(w.defaultBatchSizes().get(0)) / 1e6, w.defaultBatchSizes().get(0),
                    w.stages().size(), w.stages().stream().map(s -> s.layer().type()).distinct()
                            .collect(java.util.stream.Collectors.joining(", ")),
                    java.util.Arrays.toString(w.inputShape()), w.defaultBatchSizes(), w.description());
        }
        out.println("Engines are listed at the start of 'dlbench run'; each engine module answers for itself.");
        return 0;
    }
}
