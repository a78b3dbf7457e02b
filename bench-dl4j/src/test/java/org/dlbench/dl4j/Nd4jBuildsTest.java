package org.dlbench.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.dlbench.core.adapter.Adapters;
import org.dlbench.core.adapter.Device;
import org.dlbench.core.adapter.Mode;
import org.dlbench.core.adapter.Session;
import org.dlbench.core.adapter.SessionSpec;
import org.dlbench.core.data.Weights;
import org.dlbench.core.variant.Variant;
import org.dlbench.core.variant.VariantSelection;
import org.dlbench.core.workload.Workload;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The DL4J variants: a valid catalogue, one classpath file per classifier build naming exactly its jar (written by
 * bench-dl4j/nd4j-variants, which the reactor builds first), and this module's own tests on the generic build.
 */
class Nd4jBuildsTest {
    /** bench-dl4j's directory: surefire runs the tests there. */
    static final Path MODULE = Path.of("").toAbsolutePath();

    @Test
    void catalogueIsValidWithTheSameBuildsForBothEnginesFastestExpectedFirst() {
        List<Variant> dl4j = Adapters.byName("DL4J").variants();
        List<Variant> sameDiff = Adapters.byName("DL4J-SameDiff").variants();
        VariantSelection.checkCatalogue(Map.of("DL4J", dl4j, "DL4J-SameDiff", sameDiff));
        for (List<Variant> variants : List.of(dl4j, sameDiff)) {
            assertEquals(List.of("onednn-avx512", "avx512", "onednn", "avx2", "generic"),
                    variants.stream().map(Variant::name).toList());
            Variant generic = variants.get(4);
            assertTrue(generic.shipped());
            assertNull(generic.classpath());
            assertTrue(generic.systemProperties().isEmpty(), generic.toString());
            assertEquals(Map.of("nd4j_native_build", "linux-x86_64", "nd4j_binary_level", "generic_x86_64",
                    "nd4j_onednn", "false"), generic.expectedSettings());
            for (Variant v : variants.subList(0, 4)) {
                assertEquals(Variant.Kind.NATIVE_BUILD, v.kind());
                assertEquals("nd4j-variants/target/classpath-" + v.name() + ".txt", v.classpath());
                assertEquals(Map.of("org.bytedeco.javacpp.platform.extension", "-" + v.name()),
                        v.systemProperties());
                assertEquals("linux-x86_64-" + v.name(), v.expectedSettings().get("nd4j_native_build"));
                assertEquals(Boolean.toString(v.name().startsWith("onednn")), v.expectedSettings().get("nd4j_onednn"));
            }
            assertTrue(variants.get(0).requiredCpuFlags().containsAll(List.of("avx512f", "avx512cd", "avx512bw",
                    "avx512dq", "avx512vl")), variants.get(0).toString());
            assertEquals(variants.get(0).requiredCpuFlags(), variants.get(1).requiredCpuFlags());
            assertTrue(variants.get(2).requiredCpuFlags().isEmpty(), variants.get(2).toString());
            assertTrue(variants.get(3).requiredCpuFlags().containsAll(List.of("avx2", "fma")));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"onednn-avx512", "avx512", "onednn", "avx2"})
    void classpathFileNamesExactlyItsBuildsJar(String name) throws Exception {
        Variant v = Adapters.byName("DL4J").variants().stream().filter(x -> x.name().equals(name)).findFirst()
                .orElseThrow();
        Path file = MODULE.resolve(v.classpath());
        assertTrue(Files.isRegularFile(file), file + " is missing: nd4j-variants writes it (mvn generate-sources)");
        List<String> entries = v.classpathEntries(MODULE);
        assertEquals(1, entries.size(), entries.toString());
        Path jar = Path.of(entries.get(0));
        assertTrue(jar.isAbsolute(), jar.toString());
        assertEquals("nd4j-native-" + Dl4jRuntime.version() + "-linux-x86_64-" + name + ".jar",
                jar.getFileName().toString());
        assertTrue(Files.isRegularFile(jar), jar.toString());
    }

    @Test
    void thisModulesTestsRunOnTheGenericBuildAndItsVariantReadsBackAsExpected() throws Exception {
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            assertTrue(!entry.matches(".*nd4j-native-[^/]*-linux-x86_64-[^/]+\\.jar"),
                    "a classifier build on bench-dl4j's own classpath would be loaded instead of the generic one: "
                            + entry);
        }
        Workload w = TestWorkloads.load("mlp");
        for (String engine : List.of("DL4J", "DL4J-SameDiff")) {
            Variant generic = Adapters.byName(engine).variants().stream().filter(Variant::shipped).findFirst()
                    .orElseThrow();
            try (Session s = Adapters.byName(engine).open(
                    new SessionSpec(w, Weights.initial(w), 4, 1, Device.CPU, Mode.INFER))) {
                Map<String, String> st = s.settings();
                assertEquals(List.of(), generic.mismatches(st));
                assertEquals("generic_x86_64", st.get("native_build"), st.toString());
                assertEquals("unset", st.get("javacpp_platform_extension_requested"), st.toString());
                assertEquals("nd4j_native_build,nd4j_binary_level,nd4j_onednn", st.get("variant_read_back"));
            }
        }
    }

    @Test
    void onednnIsReadFromTheBuildInfo() {
        String info = "GCC: \"7.5.0\"\nSTD version: 201103L\nDEFAULT_ENGINE: samediff::ENGINE_CPU\nHAVE_FLATBUFFERS\n"
                + "HAVE_ONEDNN\nHAVE_OPENBLAS\n";
        assertTrue(Nd4jBuilds.onednnCompiledIn(info));
        assertEquals("flatbuffers,onednn,openblas", Nd4jBuilds.buildFeatures(info));
        String generic = info.replace("HAVE_ONEDNN\n", "");
        assertTrue(!Nd4jBuilds.onednnCompiledIn(generic));
        assertEquals("flatbuffers,openblas", Nd4jBuilds.buildFeatures(generic));
        assertTrue(!Nd4jBuilds.onednnCompiledIn(null));
    }
}
