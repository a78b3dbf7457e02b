package org.dlbench.core.variant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.dlbench.core.host.CpuFlags;
import org.dlbench.core.variant.Variant.Kind;
import org.dlbench.core.variant.VariantSelection.Choice;
import org.dlbench.core.variant.VariantSelection.Pick;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --variants} on a fixed catalogue and fixed host facts: parsing, best/shipped/all/names, and the errors. */
class VariantSelectionTest {
    private static final String[] AVX512 = {"avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"};

    /** Declared fastest expected first, as engine modules will. */
    static Map<String, List<Variant>> catalogue() {
        Map<String, List<Variant>> c = new LinkedHashMap<>();
        c.put("DL4J", List.of(
                nd4j("onednn-avx512", "-onednn-avx512", AVX512),
                nd4j("avx512", "-avx512", AVX512),
                nd4j("avx2", "-avx2", "avx2", "fma"),
                Variant.builder("DL4J", "generic", Kind.NATIVE_BUILD).shipped()
                        .description("libnd4j for any x86-64").expect("nd4j_binary_level", "generic_x86_64").build()));
        c.put("OnnxRuntime", List.of(
                ort("opt-all", "ALL_OPT", "1", true),
                ort("opt-all-nospin", "ALL_OPT", "0", false),
                ort("opt-none", "NO_OPT", "1", false)));
        c.put("PaddlePaddle", List.of(
                paddle("ir-off", "false").build(),
                paddle("ir-on", "true").shipped().build(),
                Variant.builder("PaddlePaddle", "mkldnn", Kind.SWITCHES).description("MKLDNN kernels")
                        .property("dlbench.paddle.mkldnn", "true")
                        .unavailable("paddlepaddle-native-cpu 2.3.2 is built without MKLDNN").build()));
        c.put("MXNet", List.of(Variant.shippedOnly("MXNet")));
        return c;
    }

    private static Variant nd4j(String name, String extension, String... flags) {
        return Variant.builder("DL4J", name, Kind.NATIVE_BUILD).description("libnd4j build " + extension)
                .requires(flags).classpath("nd4j-variants/target/classpath-" + name + ".txt")
                .property("org.bytedeco.javacpp.platform.extension", extension).build();
    }

    private static Variant ort(String name, String level, String spinning, boolean shipped) {
        Variant.Builder b = Variant.builder("OnnxRuntime", name, Kind.SWITCHES).description("ORT " + level)
                .property("dlbench.ort.opt_level", level).property("dlbench.ort.allow_spinning", spinning);
        return (shipped ? b.shipped() : b).build();
    }

    private static Variant.Builder paddle(String name, String ir) {
        return Variant.builder("PaddlePaddle", name, Kind.SWITCHES).description("IR optimisation " + ir)
                .property("dlbench.paddle.ir_optim", ir);
    }

    /** Availability from fixed facts: CPU flags, and which classpath files "exist". */
    private static Function<Variant, Optional<String>> host(CpuFlags flags, Set<String> notBuilt) {
        return v -> {
            if (v.unavailable() != null) {
                return Optional.of(v.unavailable());
            }
            Optional<String> lacking = flags.lacking(v.requiredCpuFlags());
            if (lacking.isPresent()) {
                return lacking;
            }
            return notBuilt.contains(v.name()) ? Optional.of("not built: " + v.classpath() + " is missing")
                    : Optional.empty();
        };
    }

    private static final Function<Variant, Optional<String>> AVX512_HOST =
            host(CpuFlags.of("fixed", "avx2", "fma", "avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"),
                    Set.of());
    private static final Function<Variant, Optional<String>> AVX2_HOST =
            host(CpuFlags.of("fixed", "avx2", "fma"), Set.of());

    private static Map<String, List<Choice>> resolve(String text, Function<Variant, Optional<String>> host) {
        return VariantSelection.parse(text).resolve(catalogue(), host);
    }

    private static List<String> names(List<Choice> choices) {
        return choices.stream().map(c -> c.variant().name()).toList();
    }

    @Test
    void parsesTermsAndEngineQualifiedOnes() {
        VariantSelection s = VariantSelection.parse(" best , DL4J:AVX512,shipped ");
        assertEquals(List.of(new VariantSelection.Term(null, "best", "best"),
                new VariantSelection.Term("DL4J", "avx512", "DL4J:AVX512"),
                new VariantSelection.Term(null, "shipped", "shipped")), s.terms());
        assertEquals("best", VariantSelection.DEFAULT);
    }

    @Test
    void rejectsMalformedRequestsWithOneLine() {
        assertBad(null, "--variants is empty");
        assertBad("  ", "--variants is empty");
        assertBad("best,,shipped", "--variants 'best,,shipped': empty entry between commas");
        assertBad("best,", "empty entry between commas");
        assertBad("DL4J:", "'DL4J:' must be ENGINE:NAME");
        assertBad(":avx2", "':avx2' must be ENGINE:NAME");
        assertBad("DL4J:avx2:x", "must be ENGINE:NAME");
        assertBad("AVX 512", "'AVX 512' is not a variant name");
        assertBad("DL 4J:avx2", "'DL 4J' in 'DL 4J:avx2' is not an engine name");
    }

    @Test
    void bestIsTheFirstDeclaredVariantTheHostCanRun() {
        Map<String, List<Choice>> r = resolve("best", AVX512_HOST);
        assertEquals(List.of("DL4J", "OnnxRuntime", "PaddlePaddle", "MXNet"), List.copyOf(r.keySet()));
        assertEquals(List.of("onednn-avx512"), names(r.get("DL4J")));
        assertEquals(List.of("opt-all"), names(r.get("OnnxRuntime")));
        assertEquals(List.of("ir-off"), names(r.get("PaddlePaddle")));
        assertEquals(List.of("default"), names(r.get("MXNet")));
        Choice dl4j = r.get("DL4J").get(0);
        assertEquals(Set.of(Pick.BEST), dl4j.picks());
        assertTrue(dl4j.runnable());
        assertEquals("best: onednn-avx512, the first of DL4J's variants (fastest expected first) that this host can"
                + " run", dl4j.why());
    }

    @Test
    void bestRecordsWhatItPassedOverAndWhy() {
        Choice c = resolve("best", AVX2_HOST).get("DL4J").get(0);
        assertEquals("avx2", c.variant().name());
        assertEquals("best: avx2, the first of DL4J's variants (fastest expected first) that this host can run;"
                + " passed over: onednn-avx512 (needs CPU flags avx512bw, avx512cd, avx512dq, avx512f, avx512vl;"
                + " this host lacks avx512bw, avx512cd, avx512dq, avx512f, avx512vl (flags from fixed)); avx512"
                + " (needs CPU flags avx512bw, avx512cd, avx512dq, avx512f, avx512vl; this host lacks avx512bw,"
                + " avx512cd, avx512dq, avx512f, avx512vl (flags from fixed))", c.why());

        Choice notBuilt = VariantSelection.parse("best").resolve(catalogue(),
                host(CpuFlags.of("fixed", "avx2", "fma", "avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"),
                        Set.of("onednn-avx512"))).get("DL4J").get(0);
        assertEquals("avx512", notBuilt.variant().name());
        assertTrue(notBuilt.why().endsWith("passed over: onednn-avx512 (not built:"
                + " nd4j-variants/target/classpath-onednn-avx512.txt is missing)"), notBuilt.why());
    }

    @Test
    void unknownHostFlagsLeaveOnlyVariantsThatNeedNone() {
        Choice c = resolve("best", host(CpuFlags.unknown("no /proc/cpuinfo"), Set.of())).get("DL4J").get(0);
        assertEquals("generic", c.variant().name());
        assertTrue(c.why().contains("this host's CPU flags are unknown (no /proc/cpuinfo)"), c.why());
    }

    @Test
    void whenNothingCanRunBestReportsTheShippedVariantAsUnsupported() {
        Map<String, List<Variant>> c = new LinkedHashMap<>();
        c.put("DL4J", List.of(Variant.builder("DL4J", "avx512", Kind.NATIVE_BUILD).shipped().description("x")
                .requires("avx512f").build()));
        Choice only = VariantSelection.parse("best").resolve(c, AVX2_HOST).get("DL4J").get(0);
        assertFalse(only.runnable());
        assertEquals("needs CPU flags avx512f; this host lacks avx512f (flags from fixed)", only.unsupportedReason());
        assertTrue(only.why().startsWith("best: none of DL4J's variants can run on this host, so its shipped avx512 is"
                + " reported as unsupported; passed over: avx512 (needs"), only.why());
    }

    @Test
    void shippedIsTheOutOfTheBoxVariant() {
        Map<String, List<Choice>> r = resolve("shipped", AVX512_HOST);
        assertEquals(List.of("generic"), names(r.get("DL4J")));
        assertEquals(List.of("opt-all"), names(r.get("OnnxRuntime")));
        assertEquals(List.of("ir-on"), names(r.get("PaddlePaddle")));
        assertEquals("shipped: PaddlePaddle's out-of-the-box setup", r.get("PaddlePaddle").get(0).why());
    }

    @Test
    void bestAndShippedShareOneChoiceWhenTheyAreTheSameVariant() {
        Map<String, List<Choice>> r = resolve("best,shipped", AVX512_HOST);
        assertEquals(List.of("onednn-avx512", "generic"), names(r.get("DL4J")));
        Choice ort = r.get("OnnxRuntime").get(0);
        assertEquals(1, r.get("OnnxRuntime").size());
        assertEquals(Set.of(Pick.BEST, Pick.SHIPPED), ort.picks());
        assertTrue(ort.why().endsWith("; shipped: OnnxRuntime's out-of-the-box setup"), ort.why());
    }

    @Test
    void allKeepsTheVariantsTheHostCannotRunWithTheirReason() {
        Map<String, List<Choice>> r = resolve("all", AVX2_HOST);
        assertEquals(List.of("onednn-avx512", "avx512", "avx2", "generic"), names(r.get("DL4J")));
        assertFalse(r.get("DL4J").get(0).runnable());
        assertTrue(r.get("DL4J").get(2).runnable());
        Choice mkldnn = r.get("PaddlePaddle").get(2);
        assertEquals("mkldnn", mkldnn.variant().name());
        assertEquals("paddlepaddle-native-cpu 2.3.2 is built without MKLDNN", mkldnn.unsupportedReason());
        assertEquals("all: every variant of PaddlePaddle", mkldnn.why());
        // all also marks what best and shipped would pick, so reports can pair them
        assertEquals(Set.of(Pick.ALL, Pick.BEST), r.get("DL4J").get(2).picks());
        assertTrue(r.get("DL4J").get(2).why().startsWith("best: avx2"), r.get("DL4J").get(2).why());
        assertEquals(Set.of(Pick.ALL, Pick.SHIPPED), r.get("DL4J").get(3).picks());
    }

    @Test
    void aNameSelectsOnlyTheEnginesThatHaveIt() {
        Map<String, List<Choice>> r = resolve("avx512", AVX2_HOST);
        assertEquals(List.of("DL4J"), List.copyOf(r.keySet()));
        Choice c = r.get("DL4J").get(0);
        assertEquals(Set.of(Pick.NAMED), c.picks());
        assertEquals("named in --variants avx512", c.why());
        assertTrue(c.unsupportedReason().startsWith("needs CPU flags"), c.unsupportedReason());
    }

    @Test
    void anEngineQualifiedTermActsOnThatEngineOnly() {
        Map<String, List<Choice>> r = resolve("dl4j:avx2,paddlepaddle:all,onnxruntime:shipped", AVX512_HOST);
        assertEquals(List.of("DL4J", "OnnxRuntime", "PaddlePaddle"), List.copyOf(r.keySet()));
        assertEquals(List.of("avx2"), names(r.get("DL4J")));
        assertEquals(List.of("opt-all"), names(r.get("OnnxRuntime")));
        assertEquals(List.of("ir-off", "ir-on", "mkldnn"), names(r.get("PaddlePaddle")));
        assertEquals(List.of("onednn-avx512", "avx2"), names(resolve("DL4J:best,DL4J:avx2", AVX512_HOST)
                .get("DL4J")));
    }

    @Test
    void unknownNamesAreRefusedWithWhatIsKnown() {
        VariantException e = assertThrows(VariantException.class, () -> resolve("best,avx1024", AVX512_HOST));
        assertEquals("--variants: no engine has a variant named 'avx1024' (known: avx2, avx512, default, generic,"
                + " ir-off, ir-on, mkldnn, onednn-avx512, opt-all, opt-all-nospin, opt-none; or best, shipped, all)",
                e.getMessage());
        e = assertThrows(VariantException.class, () -> resolve("Caffe:best", AVX512_HOST));
        assertEquals("--variants: unknown engine 'Caffe' in 'Caffe:best' (engines: DL4J, OnnxRuntime, PaddlePaddle,"
                + " MXNet)", e.getMessage());
        e = assertThrows(VariantException.class, () -> resolve("OnnxRuntime:avx512", AVX512_HOST));
        assertEquals("--variants: OnnxRuntime has no variant 'avx512' (it has: opt-all, opt-all-nospin, opt-none)",
                e.getMessage());
    }

    @Test
    void checksTheCatalogue() {
        Variant a = Variant.builder("X", "a", Kind.SWITCHES).shipped().description("a").build();
        Variant b = Variant.builder("X", "b", Kind.SWITCHES).shipped().description("b").build();
        Variant c = Variant.builder("X", "c", Kind.SWITCHES).description("c").build();
        assertCatalogue(Map.of("X", List.of(a, b)), "engine X must mark exactly one variant as shipped, not 2");
        assertCatalogue(Map.of("X", List.of(c)), "engine X must mark exactly one variant as shipped, not 0");
        assertCatalogue(Map.of("X", List.of(a, a)), "engine X declares variant a twice");
        assertCatalogue(Map.of("Y", List.of(a)), "variant X:a is listed under engine Y");
        assertCatalogue(Map.of("X", List.of()), "engine X declares no variant (it needs at least its shipped one)");
        VariantSelection.checkCatalogue(catalogue());
    }

    @Test
    void aChoiceRecordsItsVariantAndTheRequestedSwitches() {
        VariantRecord r = resolve("DL4J:avx512", AVX512_HOST).get("DL4J").get(0).record();
        assertEquals(new VariantRecord("avx512", "native_build", List.of("named"), "named in --variants DL4J:avx512",
                "nd4j-variants/target/classpath-avx512.txt",
                List.of("-Dorg.bytedeco.javacpp.platform.extension=-avx512"), Map.of()), r);
        assertNull(resolve("best", AVX512_HOST).get("MXNet").get(0).unsupportedReason());
    }

    @Test
    void onHostChecksFlagsAndClasspathFilesOfEachEnginesModule(@TempDir Path dir) throws Exception {
        Path module = Files.createDirectories(dir.resolve("bench-dl4j"));
        Path jar = Files.writeString(dir.resolve("nd4j-native-avx512.jar"), "x");
        Path file = module.resolve("nd4j-variants/target/classpath-avx512.txt");
        Files.createDirectories(file.getParent());
        Files.writeString(file, jar.toString());
        Function<Variant, Optional<String>> avail = VariantSelection.onHost(
                CpuFlags.of("fixed", "avx2", "fma", "avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"),
                engine -> module);
        Choice best = VariantSelection.parse("best").resolve(catalogue(), avail).get("DL4J").get(0);
        assertEquals("avx512", best.variant().name());
        assertTrue(best.why().contains("passed over: onednn-avx512 (not built: bench-dl4j/nd4j-variants/target/"
                + "classpath-onednn-avx512.txt is missing"), best.why());
    }

    private static void assertCatalogue(Map<String, List<Variant>> c, String expected) {
        VariantException e = assertThrows(VariantException.class, () -> VariantSelection.checkCatalogue(c));
        assertEquals(expected, e.getMessage());
    }

    private static void assertBad(String text, String expected) {
        VariantException e = assertThrows(VariantException.class, () -> VariantSelection.parse(text));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }
}
