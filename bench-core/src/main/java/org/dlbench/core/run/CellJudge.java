package org.dlbench.core.run;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.dlbench.core.result.CellResult;
import org.dlbench.core.result.Check;
import org.dlbench.core.variant.Variant;
import org.dlbench.core.result.Host;
import org.dlbench.core.result.Profile;
import org.dlbench.core.result.Status;
import org.dlbench.core.result.Verdicts;

/** Judges a measured cell where the profile and the host's peaks are known: efficiency and verdict. */
final class CellJudge {
    private CellJudge() {
    }

    /**
     * Verdict and efficiency, decided here where the profile and the host's peaks are known: % of peak against the
     * engine's own library (the best engine's when it has none), with the best engine's beside it.
     */
    static CellResult judge(CellResult r, Host host, Profile profile) {
        if (r.status() != Status.OK) {
            return r;
        }
        return Verdicts.judge(host.withEfficiency(r), profile);
    }

    /**
     * The name-reality check of a variant: the settings the engine read back must hold the values the variant
     * expects ({@link Variant#expectedSettings}), else the cell fails check {@value #VARIANT_CHECK} and is invalid.
     * Variants that expect nothing (switches without a read-back) get no check: their settings say {@code _requested}.
     */
    static CellResult checkVariant(CellResult r, Variant variant) {
        if (variant == null || variant.expectedSettings().isEmpty() || r.status() != Status.OK) {
            return r;
        }
        List<String> problems = variant.mismatches(r.settings());
        String detail = problems.isEmpty()
                ? "read back " + variant.expectedSettings().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                        .collect(Collectors.joining(", "))
                : String.join("; ", problems);
        List<Check> checks = new ArrayList<>(r.checks() == null ? List.of() : r.checks());
        checks.add(new Check(VARIANT_CHECK, problems.isEmpty(), detail));
        return r.toBuilder().checks(checks).build();
    }

    /**
     * Records on a measured cell of several instances that they needed more cores than the host has (instances x
     * threads above the physical cores): such a number measures contention, and the reports show why.
     */
    static CellResult noteOversubscription(CellResult r, Host host) {
        Integer cores = host == null ? null : host.physicalCores();
        int used = r.instanceCount() * r.threads();
        if (r.status() != Status.OK || r.instanceCount() == 1 || cores == null || used <= cores || r.reason() != null) {
            return r;
        }
        return r.toBuilder().reason("oversubscribed: " + r.instanceCount() + " instances x " + r.threads()
                + " threads = " + used + " > " + cores + " physical cores").build();
    }

    /** The check that a cell ran the variant it is named after. */
    static final String VARIANT_CHECK = "variant_read_back";

}
