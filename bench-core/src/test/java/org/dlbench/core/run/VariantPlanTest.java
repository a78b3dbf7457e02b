package org.dlbench.core.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.dlbench.core.adapter.Device;
import org.dlbench.core.adapter.Mode;
import org.dlbench.core.result.CellKey;
import org.dlbench.core.result.CellResult;
import org.dlbench.core.result.Check;
import org.dlbench.core.result.Profile;
import org.dlbench.core.variant.Variant;
import org.dlbench.core.variant.VariantSelection;
import org.dlbench.core.workload.Workloads;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How variants and instance counts enter the plan, the child's classpath and the judging of a cell. */
class VariantPlanTest {
    @TempDir
    Path tmp;

    static final Variant FAST = Variant.builder("E", "fast", Variant.Kind.SWITCHES).description("fast")
            .property("dlbench.e.fast", "1").expect("e_fast", "1").build();
    static final Variant NEEDS = Variant.builder("E", "wide", Variant.Kind.SWITCHES).description("wide")
            .requires("avx512f").build();
    static final Variant SHIPPED = Variant.builder("E", "plain", Variant.Kind.SWITCHES).shipped().description("plain")
            .build();

    RunOptions options(List<Mode> modes, List<Integer> instances, String variants) {
        return new RunOptions(List.of(), List.of(Workloads.resolve("mlp")), List.of("mlp"), modes, List.of(4),
                List.of(1), Device.parse("cpu"), Profile.named("smoke"), tmp, "r", tmp, tmp, List.of(), null,
                List.of(), false, null, false, false, VariantSelection.parse(variants), instances);
    }

    static List<DescribeRequest.Answer> answers() {
        return List.of(new DescribeRequest.Answer("E", "mlp", "infer", true, null, null, List.of(NEEDS, FAST, SHIPPED)),
                new DescribeRequest.Answer("E", "mlp", "train", true, null, null, List.of(NEEDS, FAST, SHIPPED)));
    }

    Map<String, List<VariantSelection.Choice>> resolve(RunOptions o, boolean wide) {
        return o.variants().resolve(Map.of("E", List.of(NEEDS, FAST, SHIPPED)),
                v -> v.requiredCpuFlags().isEmpty() || wide ? Optional.empty() : Optional.of("no avx512f"));
    }

    @Test
    void everyVariantIsACellAndOneTheHostCannotRunSaysWhy() {
        RunOptions o = options(List.of(Mode.INFER), List.of(1), "all");
        List<CellPlan.Planned> plan = CellPlan.plan(o, List.of("E"), answers(), resolve(o, false));
        assertEquals(List.of("wide", "fast", "plain"), plan.stream().map(p -> p.key().variant()).toList());
        assertEquals("variant wide: no avx512f", plan.get(0).unsupportedReason());
        assertNull(plan.get(1).unsupportedReason());
        assertEquals(List.of("best", "all"), plan.get(1).variantRecord().picks());
    }

    @Test
    void bestPassesOverWhatTheHostLacks() {
        RunOptions o = options(List.of(Mode.INFER), List.of(1), "best,shipped");
        List<CellPlan.Planned> narrow = CellPlan.plan(o, List.of("E"), answers(), resolve(o, false));
        assertEquals(List.of("fast", "plain"), narrow.stream().map(p -> p.key().variant()).toList());
        assertTrue(narrow.get(0).variantRecord().why().contains("wide"), narrow.get(0).variantRecord().why());
        List<CellPlan.Planned> wide = CellPlan.plan(o, List.of("E"), answers(), resolve(o, true));
        assertEquals(List.of("wide", "plain"), wide.stream().map(p -> p.key().variant()).toList());
    }

    @Test
    void instancesAreForInferenceOnly() {
        RunOptions both = options(List.of(Mode.INFER, Mode.TRAIN), List.of(1, 2), "shipped");
        List<CellPlan.Planned> plan = CellPlan.plan(both, List.of("E"), answers(), resolve(both, false));
        assertEquals(List.of("infer x1", "infer x2", "train x1"), plan.stream()
                .map(p -> p.key().mode() + " x" + p.key().instances()).toList());
        assertTrue(plan.stream().allMatch(p -> p.unsupportedReason() == null));
        RunOptions onlyTwo = options(List.of(Mode.TRAIN), List.of(2), "shipped");
        List<CellPlan.Planned> train = CellPlan.plan(onlyTwo, List.of("E"), answers(), resolve(onlyTwo, false));
        assertEquals(1, train.size());
        assertEquals("2 instances: concurrent instances are measured for inference only",
                train.get(0).unsupportedReason());
    }

    @Test
    void aNativeBuildsJarsComeRightAfterTheModulesClasses() throws Exception {
        Path jar = Files.createFile(tmp.resolve("natives-avx512.jar"));
        Files.createDirectories(tmp.resolve("variants/target"));
        Files.writeString(tmp.resolve("variants/target/classpath-avx512.txt"), jar.toString());
        Variant v = Variant.builder("E", "avx512", Variant.Kind.NATIVE_BUILD).description("avx512 build")
                .classpath("variants/target/classpath-avx512.txt").property("ext", "-avx512").build();
        String sep = File.pathSeparator;
        EngineFamily family = new EngineFamily("bench-e", "classes" + sep + "a.jar" + sep + "b.jar", List.of(), tmp);
        assertEquals("classes" + sep + jar + sep + "a.jar" + sep + "b.jar",
                ChildRequests.variantClasspath(family, v));
        assertEquals(family.classpath(), ChildRequests.variantClasspath(family, SHIPPED));
    }

    @Test
    void aCellThatDidNotReadBackItsVariantFailsACheck() {
        CellKey key = new CellKey("E", "mlp", "infer", 4, 1, "cpu", "fast", 1);
        CellResult ran = new CellResult.Builder(key).score(10.0, 1.0, List.of(10.0))
                .checks(List.of(new Check("forward_matches_reference", true, "ok")))
                .settings(Map.of("e_fast", "1")).build();
        CellResult good = CellJudge.checkVariant(ran, FAST);
        assertTrue(good.checksPassed());
        assertEquals("read back e_fast=1", good.checks().get(1).detail());
        CellResult lied = CellJudge.checkVariant(ran.toBuilder().settings(Map.of("e_fast", "0")).build(), FAST);
        assertFalse(lied.checksPassed());
        assertEquals("variant fast expects e_fast=1, the engine read back 0", lied.checks().get(1).detail());
        // a variant without expectations adds no check
        assertEquals(1, CellJudge.checkVariant(ran, SHIPPED).checks().size());
    }

    @Test
    void instancesNeedingMoreCoresThanTheHostHasAreRecordedAsOversubscribed() {
        org.dlbench.core.result.Host host = new org.dlbench.core.result.Host("box", "CPU", List.of(), 2, 1L << 34,
                "Linux", "6.1", "JDK", List.of(), List.of(), 2, 2, "test");
        CellResult two = new CellResult.Builder(new CellKey("E", "mlp", "infer", 4, 2, "cpu", "fast", 2))
                .score(10.0, 1.0, List.of(10.0)).build();
        assertEquals("oversubscribed: 2 instances x 2 threads = 4 > 2 physical cores",
                CellJudge.noteOversubscription(two, host).reason());
        CellResult fits = new CellResult.Builder(new CellKey("E", "mlp", "infer", 4, 1, "cpu", "fast", 2))
                .score(10.0, 1.0, List.of(10.0)).build();
        assertNull(CellJudge.noteOversubscription(fits, host).reason());
    }

    @Test
    void theVariantAndInstancesAreInTheCellsIdentity() {
        CellKey a = new CellKey("E", "mlp", "infer", 4, 1, "cpu", "fast", 1);
        CellKey b = new CellKey("E", "mlp", "infer", 4, 1, "cpu", "plain", 1);
        CellKey c = new CellKey("E", "mlp", "infer", 4, 1, "cpu", "fast", 2);
        assertFalse(a.equals(b) || a.equals(c));
        assertTrue(a.sameCellOtherVariant(b));
        assertEquals("E [fast] mlp infer b4 t1 x2", c.label());
        assertEquals("E-mlp-infer-b4-t1-cpu-vfast-k2", c.id());
        assertEquals("E mlp infer b4 t1", new CellKey("E", "mlp", "infer", 4, 1, "cpu", Variant.DEFAULT_NAME, 1)
                .label());
        CellResult r = new CellResult.Builder(c).score(1.0, 0.1, List.of(1.0)).build();
        assertEquals(c, r.cellKey());
        assertEquals("E/mlp/infer/b4/t1/cpu/v:fast/k2", r.key());
    }
}
