package org.dlbench.core.variant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.dlbench.core.host.CpuFlags;
import org.dlbench.core.variant.Variant.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Variant declarations: what is accepted, the host check in its order, the classpath file and the read-back check. */
class VariantTest {
    private static final CpuFlags AVX512_HOST = CpuFlags.of("fixed", "avx2", "fma", "avx512f", "avx512cd",
            "avx512bw", "avx512dq", "avx512vl");
    private static final CpuFlags AVX2_HOST = CpuFlags.of("fixed", "avx2", "fma");

    static Variant avx512() {
        return Variant.builder("DL4J", "avx512", Kind.NATIVE_BUILD)
                .description("libnd4j built for AVX-512")
                .requires("avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl")
                .classpath("nd4j-variants/target/classpath-avx512.txt")
                .property("org.bytedeco.javacpp.platform.extension", "-avx512")
                .expect("nd4j_binary_level", "avx512")
                .build();
    }

    @Test
    void aDeclarationKeepsItsFieldsSorted() {
        Variant v = Variant.builder("OnnxRuntime", "opt-all-nospin", Kind.SWITCHES)
                .description("all graph optimisations, idle threads sleep")
                .property("dlbench.ort.opt_level", "ALL_OPT")
                .property("dlbench.ort.allow_spinning", "0")
                .build();
        assertEquals("OnnxRuntime:opt-all-nospin", v.id());
        assertEquals(List.of("-Ddlbench.ort.allow_spinning=0", "-Ddlbench.ort.opt_level=ALL_OPT"), v.jvmArgs());
        assertEquals("switches", v.kind().id());
        assertTrue(v.environment().isEmpty());
        assertEquals(List.of("avx512bw", "avx512cd", "avx512dq", "avx512f", "avx512vl"),
                List.copyOf(avx512().requiredCpuFlags()));
    }

    @Test
    void anEngineWithoutVariantsHasOneShippedDefault() {
        Variant v = Variant.shippedOnly("MXNet");
        assertEquals("default", v.name());
        assertTrue(v.shipped());
        assertTrue(v.jvmArgs().isEmpty());
        assertEquals(Optional.empty(), v.unsupportedReason(CpuFlags.unknown("no cpuinfo"), Path.of(".")));
    }

    @Test
    void rejectsBadDeclarationsWithOneLine() {
        assertBad("name must be lower case", () -> Variant.builder("DL4J", "AVX512", Kind.SWITCHES)
                .description("x").build());
        assertBad("'best' is a --variants keyword", () -> Variant.builder("DL4J", "best", Kind.SWITCHES)
                .description("x").build());
        assertBad("engine name", () -> Variant.builder("DL 4J", "x", Kind.SWITCHES).description("x").build());
        assertBad("description is missing", () -> Variant.builder("DL4J", "x", Kind.SWITCHES).build());
        assertBad("description must be one non-blank line", () -> Variant.builder("DL4J", "x", Kind.SWITCHES)
                .description("two\nlines").build());
        assertBad("kind switches runs on the module's own classpath", () -> Variant.builder("DL4J", "x",
                Kind.SWITCHES).description("x").classpath("target/classpath-x.txt").build());
        assertBad("kind both needs a classpath file and switches", () -> Variant.builder("DL4J", "x", Kind.BOTH)
                .description("x").property("a", "b").build());
        assertBad("relative to the engine module", () -> Variant.builder("DL4J", "x", Kind.NATIVE_BUILD)
                .description("x").classpath("/abs/classpath.txt").build());
        assertBad("'1BAD' is not a valid environment variable name", () -> Variant.builder("TensorFlow", "x",
                Kind.SWITCHES).description("x").env("1BAD", "0").build());
        assertBad("'avx-512' is not a CPU flag name", () -> Variant.builder("DL4J", "x", Kind.NATIVE_BUILD)
                .description("x").requires("avx-512").build());
        assertBad("unavailable must be one non-blank line", () -> Variant.builder("PaddlePaddle", "mkldnn",
                Kind.SWITCHES).description("x").unavailable(" ").build());
    }

    @Test
    void aFixedUnavailabilityComesFirst() {
        Variant v = Variant.builder("PaddlePaddle", "mkldnn", Kind.SWITCHES).description("MKLDNN kernels")
                .property("dlbench.paddle.mkldnn", "true").requires("avx512f")
                .unavailable("paddlepaddle-native-cpu 2.3.2 is built without MKLDNN").build();
        assertEquals(Optional.of("paddlepaddle-native-cpu 2.3.2 is built without MKLDNN"),
                v.unsupportedReason(AVX2_HOST, Path.of(".")));
    }

    @Test
    void cpuFlagsComeBeforeTheClasspathFile(@TempDir Path module) {
        assertEquals(Optional.of("needs CPU flags avx512bw, avx512cd, avx512dq, avx512f, avx512vl; this host lacks"
                + " avx512bw, avx512cd, avx512dq, avx512f, avx512vl (flags from fixed)"),
                avx512().unsupportedReason(AVX2_HOST, module));
    }

    @Test
    void aMissingOrIncompleteClasspathFileMeansNotBuilt(@TempDir Path dir) throws Exception {
        Path module = Files.createDirectories(dir.resolve("bench-dl4j"));
        assertEquals(Optional.of("not built: bench-dl4j/nd4j-variants/target/classpath-avx512.txt is missing (the"
                + " engine module's Maven build writes it)"), avx512().unsupportedReason(AVX512_HOST, module));
        Path file = module.resolve("nd4j-variants/target/classpath-avx512.txt");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "\n");
        assertEquals(Optional.of("not built: bench-dl4j/nd4j-variants/target/classpath-avx512.txt lists no jar"),
                avx512().unsupportedReason(AVX512_HOST, module));
        Path jar = dir.resolve("nd4j-native-1.0.0-M2.1-linux-x86_64-avx512.jar");
        Files.writeString(file, jar.toString());
        assertEquals(Optional.of("not built: bench-dl4j/nd4j-variants/target/classpath-avx512.txt names " + jar
                + ", which is missing"), avx512().unsupportedReason(AVX512_HOST, module));
        Files.writeString(jar, "not really a jar");
        assertEquals(Optional.empty(), avx512().unsupportedReason(AVX512_HOST, module));
    }

    @Test
    void readsClasspathEntriesSeparatedEitherWay(@TempDir Path module) throws Exception {
        assertEquals(List.of(), Variant.shippedOnly("DL4J").classpathEntries(module));
        Path file = module.resolve("nd4j-variants/target/classpath-avx512.txt");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "/m2/a.jar" + File.pathSeparator + "/m2/b.jar\n/m2/c.jar\n");
        assertEquals(List.of("/m2/a.jar", "/m2/b.jar", "/m2/c.jar"), avx512().classpathEntries(module));
        Files.delete(file);
        VariantException e = assertThrows(VariantException.class, () -> avx512().classpathEntries(module));
        assertTrue(e.getMessage().startsWith("variant DL4J:avx512: cannot read its classpath file " + file),
                e.getMessage());
    }

    @Test
    void comparesExpectedSettingsWithWhatWasReadBack() {
        Variant v = avx512();
        assertEquals(List.of(), v.mismatches(Map.of("nd4j_binary_level", "avx512", "other", "x")));
        assertEquals(List.of("variant avx512 expects nd4j_binary_level=avx512, the engine read back generic_x86_64"),
                v.mismatches(Map.of("nd4j_binary_level", "generic_x86_64")));
        assertEquals(List.of("variant avx512 expects nd4j_binary_level=avx512, but the engine reported no"
                + " nd4j_binary_level"), v.mismatches(null));
    }

    private static void assertBad(String expected, org.junit.jupiter.api.function.Executable declaration) {
        VariantException e = assertThrows(VariantException.class, declaration);
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), e.getMessage());
    }
}
