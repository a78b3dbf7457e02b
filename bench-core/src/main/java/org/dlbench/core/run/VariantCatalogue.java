package org.dlbench.core.run;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.dlbench.core.host.CpuFlags;
import org.dlbench.core.result.ResultsIO;
import org.dlbench.core.variant.Variant;
import org.dlbench.core.variant.VariantSelection;

/**
 * The variants every built engine module declares, each with whether this host can run it and which one
 * {@code --variants best} would pick: what {@code dlbench list --variants} shows. Each module is asked in its own child
 * JVM, as a run asks it.
 */
public final class VariantCatalogue {
    private VariantCatalogue() {
    }

    /** One declared variant on this host: why it cannot run (empty when it can) and whether best picks it. */
    public record Entry(Variant variant, Optional<String> unsupportedReason, boolean best, String family) {
    }

    /**
     * Asks every module built under {@code home}; a module that cannot answer is reported on {@code progress} and
     * skipped.
     */
    public static Map<String, List<Entry>> list(Path home, Path cache, PrintStream progress)
            throws IOException, InterruptedException {
        Map<String, List<Variant>> catalogue = new LinkedHashMap<>();
        Map<String, EngineFamily> familyOf = new LinkedHashMap<>();
        Path dir = Files.createTempDirectory("dlbench-variants");
        try {
            for (EngineFamily family : EngineFamily.discover(home)) {
                try {
                    for (DescribeRequest.Answer a : ChildRequests.describe(family, dir, List.of("mlp"), "cpu", cache,
                            family.jvmArgs())) {
                        if (a.variants() != null && !a.variants().isEmpty()) {
                            catalogue.putIfAbsent(a.engine(), a.variants());
                            familyOf.putIfAbsent(a.engine(), family);
                        }
                    }
                } catch (IOException | RuntimeException e) {
                    progress.println(family.name() + " could not list its engines: " + e.getMessage());
                }
            }
        } finally {
            ResultsIO.deleteQuietly(dir);
        }
        CpuFlags flags = CpuFlags.probe();
        var availability = VariantSelection.onHost(flags, e -> familyOf.get(e).moduleDir());
        Map<String, List<VariantSelection.Choice>> best = VariantSelection.parse("best").resolve(catalogue,
                availability);
        Map<String, List<Entry>> out = new LinkedHashMap<>();
        catalogue.forEach((engine, variants) -> {
            List<Entry> entries = new ArrayList<>();
            String bestName = best.getOrDefault(engine, List.of()).stream().findFirst()
                    .map(c -> c.variant().name()).orElse(null);
            for (Variant v : variants) {
                entries.add(new Entry(v, availability.apply(v), v.name().equals(bestName),
                        familyOf.get(engine).name()));
            }
            out.put(engine, List.copyOf(entries));
        });
        return out;
    }
}
