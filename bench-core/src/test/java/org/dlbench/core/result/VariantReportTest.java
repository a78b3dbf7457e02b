package org.dlbench.core.result;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.dlbench.core.variant.VariantRecord;
import org.junit.jupiter.api.Test;

/** The best-vs-shipped and instances x threads tables on fixed cells. */
class VariantReportTest {
    static CellResult cell(String engine, String variant, List<String> picks, int threads, int instances,
                           double score, double error) {
        CellKey key = new CellKey(engine, "mlp", "infer", 32, threads, "cpu", variant, instances);
        return new CellResult.Builder(key).score(score, error, List.of(score, score, score))
                .checks(List.of(new Check("forward_matches_reference", true, "ok"))).verdict(Verdicts.VALID, null)
                .variant(new VariantRecord(variant, "switches", picks, "why " + variant, null, List.of(), Map.of()))
                .build();
    }

    @Test
    void bestAgainstShippedWithTheRangeTheErrorBarsAllow() {
        String table = VariantReport.bestVsShipped(List.of(
                cell("DL4J", "onednn-avx512", List.of("best"), 1, 1, 300, 30),
                cell("DL4J", "generic", List.of("shipped"), 1, 1, 100, 10),
                cell("ORT", "opt-all", List.of("best", "shipped"), 1, 1, 500, 5)));
        assertTrue(table.contains("| DL4J | mlp | infer | 32 | 1 | onednn-avx512 | 300 | generic | 100 | 3.00x | "
                + "2.45-3.67x |"), table);
        assertTrue(table.contains("| ORT | mlp | infer | 32 | 1 | opt-all | 500 | same variant |  | 1.00x |  |"), table);
        assertEquals("", VariantReport.bestVsShipped(List.of(cell("DL4J", "generic", List.of("shipped"), 1, 1, 1, 0))));
    }

    @Test
    void instancesByCoreBudgetMarkTheFastestSplit() {
        String table = VariantReport.instances(List.of(
                cell("ORT", "opt-all", List.of("best"), 2, 1, 100, 1),
                cell("ORT", "opt-all", List.of("best"), 1, 2, 150, 1),
                cell("ORT", "opt-all", List.of("best"), 1, 1, 80, 1)));
        assertTrue(table.contains("| ORT [opt-all] | mlp | 32 | 2 | 1 | 2 | 150 |"), table);
        assertTrue(table.contains("fastest of 2 splits"), table);
        assertEquals(1, table.split("fastest of").length - 1, table);
        assertEquals("", VariantReport.instances(List.of(cell("ORT", "opt-all", List.of("best"), 2, 1, 100, 1))));
    }
}
