package org.dlbench.core.run;

import org.dlbench.core.result.CellResult;
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

}
