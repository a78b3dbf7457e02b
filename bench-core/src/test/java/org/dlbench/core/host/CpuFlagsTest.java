package org.dlbench.core.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading CPU flags from fixed cpuinfo text and checking a build's required flags against them. */
class CpuFlagsTest {
    private static final String TWO_CPUS = """
            processor\t: 0
            model name\t: Test CPU
            flags\t\t: fpu sse4_2 avx avx2 fma avx512f avx512bw avx512vl avx512dq avx512cd
            
            processor\t: 1
            model name\t: Test CPU
            flags\t\t: fpu sse4_2 avx avx2 fma avx512f avx512bw avx512vl
            """;

    @Test
    void keepsOnlyTheFlagsEveryCpuHas() {
        CpuFlags f = CpuFlags.parse(TWO_CPUS, "fixed");
        assertTrue(f.known());
        assertEquals("fixed", f.source());
        assertEquals(List.of("avx", "avx2", "avx512bw", "avx512f", "avx512vl", "fma", "fpu", "sse4_2"),
                List.copyOf(f.flags()));
        assertTrue(f.has("AVX512F"));
        assertFalse(f.has("avx512dq"));
    }

    @Test
    void readsArmFeatures() {
        CpuFlags f = CpuFlags.parse("processor : 0\nFeatures : fp asimd sve\n", "arm");
        assertTrue(f.has("sve"));
        assertEquals(3, f.flags().size());
    }

    @Test
    void noFlagsLineMeansUnknown() {
        CpuFlags f = CpuFlags.parse("processor : 0\nmodel name : x\n", "fixed");
        assertFalse(f.known());
        assertTrue(f.flags().isEmpty());
        assertEquals("no flags line in fixed", f.source());
    }

    @Test
    void anUnreadableFileMeansUnknownWithItsPath(@TempDir Path dir) throws Exception {
        Path missing = dir.resolve("cpuinfo");
        CpuFlags f = CpuFlags.read(missing);
        assertFalse(f.known());
        assertTrue(f.source().startsWith("cannot read " + missing), f.source());
        Files.writeString(missing, TWO_CPUS);
        assertTrue(CpuFlags.read(missing).has("avx2"));
        assertEquals(missing.toString(), CpuFlags.read(missing).source());
    }

    @Test
    void saysWhichRequiredFlagsAreMissing() {
        CpuFlags f = CpuFlags.parse(TWO_CPUS, "fixed");
        assertEquals(Optional.empty(), f.lacking(List.of()));
        assertEquals(Optional.empty(), f.lacking(List.of("avx2", "FMA")));
        assertEquals(Optional.of("needs CPU flags avx512dq, avx512f; this host lacks avx512dq (flags from fixed)"),
                f.lacking(List.of("avx512f", "avx512dq")));
        assertEquals(List.of("avx512cd", "avx512dq"), List.copyOf(f.missing(List.of("avx512cd", "avx512dq", "avx"))));
    }

    @Test
    void unknownFlagsRefuseAnyRequirementButNotNone() {
        CpuFlags f = CpuFlags.unknown("not Linux");
        assertEquals(Optional.empty(), f.lacking(List.of()));
        assertEquals(Optional.of("needs CPU flags avx2; this host's CPU flags are unknown (not Linux)"),
                f.lacking(List.of("avx2")));
    }

    @Test
    void rejectsInconsistentFacts() {
        assertThrows(IllegalArgumentException.class, () -> new CpuFlags(new java.util.TreeSet<>(List.of("avx")),
                "x", false));
        assertThrows(IllegalArgumentException.class, () -> CpuFlags.of(" "));
    }
}
