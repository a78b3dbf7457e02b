package org.dlbench.core.cli;

import java.util.Locale;
import java.util.concurrent.Callable;
import org.dlbench.core.workload.Workload;
import org.dlbench.core.workload.Workloads;
import java.nio.file.Path;
import org.dlbench.core.run.VariantCatalogue;
import org.dlbench.core.variant.Variant;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Lists the built-in workloads with their derived sizes, or each built engine's variants. */
@Command(name = "list", mixinStandardHelpOptions = true,
        description = {"Lists built-in workloads with parameter counts and FLOPs per sample.",
                "With --variants: each built engine's variants (fastest expected first), whether this host can run "
                        + "each, and which one --variants best picks."})
final class ListCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--variants", description = "List the engines' variants instead (asks each built engine module).")
    boolean variants;

    @Option(names = "--home", paramLabel = "DIR", description = "Project directory holding the built engine modules "
            + "(default: the dlbench.home property, else the current directory).")
    Path home;

    /** The model inputs: the shape alone for one float input, else name, shape and type of each. */
    private static String inputs(Workload w) {
        if (w.singleFloatInput()) {
            return java.util.Arrays.toString(w.inputShape());
        }
        return w.inputs().stream().map(org.dlbench.core.workload.ModelInput::toString)
                .collect(java.util.stream.Collectors.joining(", "));
    }

    @Override
    public Integer call() throws Exception {
        var out = spec.commandLine().getOut();
        if (variants) {
            return listVariants(out);
        }
        out.println("Workloads (use a name, or the path of your own .json file):");
        for (Workload w : Workloads.builtIn().values()) {
            out.printf(Locale.ROOT, "  %-10s %,10d params  %9.3f MFLOP/sample forward  %9.3f MFLOP/sample train (batch %d)"
                            + "  %d nodes (%s)  input %s  batches %s%n      %s%n",
                    w.name(), w.paramCount(), w.forwardFlops() / 1e6,
                    w.trainFlopsPerSample(w.defaultBatchSizes().get(0)) / 1e6, w.defaultBatchSizes().get(0),
                    w.stages().size(), w.stages().stream().map(s -> s.layer().type()).distinct()
                            .collect(java.util.stream.Collectors.joining(", ")),
                    inputs(w), w.defaultBatchSizes(), w.description());
            if (w.family() != Workload.Family.CNN) {
                out.printf(Locale.ROOT, "      family %s%s  lookups %,d B/sample  embedding tables %.1f MB%n",
                        w.family().json(), w.tokensPerSample() > 0 ? "  " + w.tokensPerSample() + " tokens/sample" : "",
                        w.lookupBytesPerSample(), w.embeddingBytes() / 1e6);
            }
        }
        out.println("Groups for --workloads: " + Workloads.FAMILIES + ".");
        out.println("Engines are listed at the start of 'dlbench run'; each engine module answers for itself.");
        out.println("Engine variants: dlbench list --variants");
        return 0;
    }

    private int listVariants(java.io.PrintWriter out) throws Exception {
        Path dir = (home != null ? home : Path.of(System.getProperty("dlbench.home", "."))).toAbsolutePath().normalize();
        var err = new java.io.PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.err), true);
        var catalogue = VariantCatalogue.list(dir, dir.resolve(".cache"), err);
        if (catalogue.isEmpty()) {
            throw new Main.UserError("no engine modules are built under " + dir + " (run scripts/bench or mvn package"
                    + " first)");
        }
        out.println("Engine variants, fastest expected first (S = shipped, B = what --variants best picks here):");
        catalogue.forEach((engine, entries) -> {
            out.printf(Locale.ROOT, "%s (%s)%n", engine, entries.get(0).family());
            for (VariantCatalogue.Entry e : entries) {
                Variant v = e.variant();
                String switches = String.join(" ", v.jvmArgs()) + v.environment().entrySet().stream()
                        .map(x -> " " + x.getKey() + "=" + x.getValue()).collect(java.util.stream.Collectors.joining());
                out.printf(Locale.ROOT, "  %s%s %-16s %-12s %s%n", v.shipped() ? "S" : " ", e.best() ? "B" : " ",
                        v.name(), v.kind().id(), v.description());
                if (!switches.isBlank() || v.classpath() != null || !v.requiredCpuFlags().isEmpty()) {
                    out.printf(Locale.ROOT, "        %s%s%s%n", switches.isBlank() ? "" : "switches: " + switches.strip(),
                            v.classpath() == null ? "" : "  classpath: " + v.classpath(),
                            v.requiredCpuFlags().isEmpty() ? "" : "  needs: " + String.join(" ", v.requiredCpuFlags()));
                }
                e.unsupportedReason().ifPresent(r -> out.println("        unsupported here: " + r));
            }
        });
        return 0;
    }
}
