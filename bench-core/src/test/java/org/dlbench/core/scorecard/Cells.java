package org.dlbench.core.scorecard;

import java.util.List;
import org.dlbench.core.result.CellKey;
import org.dlbench.core.result.CellResult;
import org.dlbench.core.result.Check;
import org.dlbench.core.result.Verdicts;

/** Hand-made cells with exact scores and standard errors, for the scorecard's tests. */
final class Cells {
    private Cells() {
    }

    /**
     * A valid cell with this score and standard error: one recorded sample, so the half-width is {@code se} times
     * the normal 99.9% quantile ({@link IndexMath#Z_999}).
     */
    static CellResult valid(String engine, String workload, String mode, double score, double se) {
        return new CellResult.Builder(new CellKey(engine, workload, mode, 32, 1, "cpu")).engineVersion("1")
                .score(score, se * IndexMath.Z_999, List.of(score))
                .checks(List.of(new Check("forward_matches_reference", true, "ok")))
                .verdict(Verdicts.VALID, null).build();
    }

    static CellResult withVerdict(CellResult c, String verdict, String why) {
        return c.toBuilder().verdict(verdict, why).build();
    }

    static CellResult checkFailed(CellResult c) {
        return c.toBuilder().checks(List.of(new Check("forward_matches_reference", false, "max abs error 3")))
                .verdict(Verdicts.INVALID, "correctness check failed: forward_matches_reference").build();
    }

    static CellResult unsupported(String engine, String workload, String mode, String reason) {
        return CellResult.unsupported(new CellKey(engine, workload, mode, 32, 1, "cpu"), reason);
    }
}
