package org.dlbench.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.dlbench.core.adapter.Adapters;
import org.dlbench.core.host.CpuFlags;
import org.dlbench.core.run.EngineFamily;
import org.dlbench.core.variant.Variant;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A variant loads the build it names: a fresh JVM started as the runner starts a cell's JVM (the variant's jars first,
 * then this module's classpath with the generic build on it, the variant's properties) reads back the variant's
 * expected settings in both engines, and both still match the reference forward pass. Skipped where the host cannot
 * run the variant (CPU flags) or nd4j-variants has not written its classpath file. About 5 s per variant on 2 cores
 * once JavaCPP has unpacked the build (the first run unpacks 315-376 MB per build into the cache), so the suite loads
 * the build {@code best} picks on an AVX-512 host and the shipped one; the avx512, onednn and avx2 builds were checked
 * the same way by hand (each read back its build and matched the reference), and every measured cell of a variant
 * checks its read-back again ({@code variant_read_back}).
 */
class Nd4jBuildLoadTest {

    @ParameterizedTest
    @ValueSource(strings = {"onednn-avx512", "generic"})
    void variantJvmLoadsItsBuildAndMatchesTheReference(String name) throws Exception {
        Map<String, Variant> byEngine = new HashMap<>();
        for (String engine : List.of("DL4J", "DL4J-SameDiff")) {
            byEngine.put(engine, Adapters.byName(engine).variants().stream().filter(v -> v.name().equals(name))
                    .findFirst().orElseThrow());
        }
        Variant variant = byEngine.get("DL4J");
        Optional<String> why = variant.unsupportedReason(CpuFlags.probe(), Nd4jBuildsTest.MODULE);
        Assumptions.assumeTrue(why.isEmpty(), () -> "variant " + name + ": " + why.orElse(""));

        Map<String, Map<String, String>> settings = new HashMap<>();
        Map<String, String> agrees = new HashMap<>();
        String out = probe(variant, settings, agrees);
        for (String engine : byEngine.keySet()) {
            Map<String, String> st = settings.getOrDefault(engine, Map.of());
            assertEquals(List.of(), byEngine.get(engine).mismatches(st), out);
            assertTrue(agrees.getOrDefault(engine, "false").startsWith("true"), engine + ": " + out);
            String pinned = variant.systemProperties().getOrDefault(Nd4jBuilds.EXTENSION_PROPERTY, "unset");
            assertEquals(pinned, st.get("javacpp_platform_extension_requested"), out);
        }
        // DL4J's own layer helpers never take oneDNN in M2.1, whatever the build
        assertEquals("false", settings.get("DL4J").get("dl4j_layer_onednn_helpers"), out);
    }

    /**
     * The check that catches a build that did not load: the avx512 pin without its jar makes JavaCPP fall back to the
     * generic build silently, and the variant's expected settings then name the difference.
     */
    @Test
    void aPinnedBuildWithoutItsJarLoadsTheGenericBuildAndTheMismatchIsReported() throws Exception {
        Variant avx512 = Adapters.byName("DL4J").variants().stream().filter(v -> v.name().equals("avx512"))
                .findFirst().orElseThrow();
        Variant withoutJar = new Variant(avx512.engine(), avx512.name(), Variant.Kind.SWITCHES, false,
                avx512.description(), avx512.requiredCpuFlags(), null, avx512.systemProperties(), avx512.environment(),
                avx512.expectedSettings(), null);
        Map<String, Map<String, String>> settings = new HashMap<>();
        String out = probe(withoutJar, settings, new HashMap<>());
        Map<String, String> st = settings.getOrDefault("DL4J", Map.of());
        assertEquals("linux-x86_64", st.get("nd4j_native_build"), out);
        assertEquals("-avx512", st.get("javacpp_platform_extension_requested"), out);
        assertEquals(List.of("variant avx512 expects nd4j_binary_level=avx512, the engine read back generic_x86_64",
                "variant avx512 expects nd4j_native_build=linux-x86_64-avx512, the engine read back linux-x86_64"),
                avx512.mismatches(st));
    }

    /** Runs {@link Nd4jBuildProbe} in a JVM with the variant's jars first and its properties; returns its output. */
    static String probe(Variant variant, Map<String, Map<String, String>> settings, Map<String, String> agrees)
            throws Exception {
        List<String> cp = new ArrayList<>(variant.classpathEntries(Nd4jBuildsTest.MODULE));
        cp.add(System.getProperty("java.class.path"));
        String classpath = String.join(File.pathSeparator, cp);
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dorg.bytedeco.javacpp.cachedir=" + System.getProperty("org.bytedeco.javacpp.cachedir",
                        Path.of(System.getProperty("user.home"), ".javacpp", "cache").toString())));
        cmd.addAll(variant.jvmArgs());
        cmd.addAll(List.of("-cp", classpath, Nd4jBuildProbe.class.getName()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("OMP_NUM_THREADS", "1");
        pb.environment().put("OPENBLAS_NUM_THREADS", "1");
        pb.environment().putAll(EngineFamily.moduleEnvironment(classpath, 1));
        Process p = pb.start();
        byte[] bytes = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(180, TimeUnit.SECONDS), "probe JVM did not finish");
        String text = new String(bytes, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), text);
        text.lines().forEach(l -> {
            String[] parts = l.split(" ", 3);
            if (parts.length == 3 && parts[0].equals("setting")) {
                int eq = parts[2].indexOf('=');
                settings.computeIfAbsent(parts[1], k -> new HashMap<>()).put(parts[2].substring(0, eq),
                        parts[2].substring(eq + 1));
            } else if (parts.length == 3 && parts[0].equals("agrees")) {
                agrees.put(parts[1], parts[2]);
            }
        });
        return text;
    }
}
