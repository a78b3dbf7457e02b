package org.dlbench.core.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.dlbench.core.result.Host;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostProbeTest {

    private static void cpu(Path sys, int n, int pkg, int core) throws IOException {
        Path t = Files.createDirectories(sys.resolve("cpu" + n).resolve("topology"));
        Files.writeString(t.resolve("physical_package_id"), pkg + "\n");
        Files.writeString(t.resolve("core_id"), core + "\n");
    }

    @Test
    void countsDistinctPackageCorePairsOfOnlineCpus(@TempDir Path sys) throws IOException {
        // two packages, two cores each, two hardware threads per core; cpu7 is offline
        int n = 0;
        for (int pkg = 0; pkg < 2; pkg++) {
            for (int core = 0; core < 2; core++) {
                cpu(sys, n++, pkg, core);
                cpu(sys, n++, pkg, core);
            }
        }
        Files.writeString(sys.resolve("online"), "0-6\n");
        HostProbe.Topology t = HostProbe.topology(sys, sys.resolve("no-cpuinfo"), 99);
        assertEquals(4, t.physicalCores());
        assertEquals(7, t.logicalCpus());
        assertTrue(t.source().contains("physical_package_id"), t.source());
    }

    @Test
    void parsesOnlineListsAndFallsBackToCpuDirectories(@TempDir Path sys) throws IOException {
        Files.writeString(sys.resolve("online"), "0-1,4,6-7\n");
        assertEquals(java.util.List.of(0, 1, 4, 6, 7), java.util.List.copyOf(HostProbe.onlineCpus(sys)));
        Files.delete(sys.resolve("online"));
        cpu(sys, 0, 0, 0);
        cpu(sys, 1, 0, 1);
        Files.createDirectories(sys.resolve("cpufreq"));
        assertEquals(java.util.List.of(0, 1), java.util.List.copyOf(HostProbe.onlineCpus(sys)));
        HostProbe.Topology t = HostProbe.topology(sys, sys.resolve("none"), 99);
        assertEquals(2, t.physicalCores());
        assertEquals(2, t.logicalCpus());
    }

    @Test
    void fallsBackToCpuinfoThenToTheProcessorCountAndSaysSo(@TempDir Path dir) throws IOException {
        Path sys = Files.createDirectories(dir.resolve("sys"));
        Files.writeString(sys.resolve("online"), "0-3\n");
        Path cpuinfo = Files.writeString(dir.resolve("cpuinfo"), String.join("\n",
                "processor\t: 0", "physical id\t: 0", "core id\t: 0", "",
                "processor\t: 1", "physical id\t: 0", "core id\t: 0", "",
                "processor\t: 2", "physical id\t: 0", "core id\t: 1", "",
                "processor\t: 3", "physical id\t: 0", "core id\t: 1", ""));
        HostProbe.Topology fromCpuinfo = HostProbe.topology(sys, cpuinfo, 99);
        assertEquals(2, fromCpuinfo.physicalCores());
        assertEquals(4, fromCpuinfo.logicalCpus());
        assertTrue(fromCpuinfo.source().startsWith("fallback: "), fromCpuinfo.source());
        HostProbe.Topology none = HostProbe.topology(dir.resolve("absent"), dir.resolve("absent-too"), 3);
        assertEquals(3, none.physicalCores());
        assertEquals(3, none.logicalCpus());
        assertTrue(none.source().contains("assumed one hardware thread per core"), none.source());
    }

    @Test
    void theProbeRecordsTopology() {
        Host h = HostProbe.probe();
        assertNotNull(h.physicalCores());
        assertNotNull(h.logicalCpus());
        assertTrue(h.physicalCores() >= 1 && h.physicalCores() <= h.logicalCpus(), h.toString());
        assertTrue(h.coresDescription().contains("physical core"), h.coresDescription());
    }
}
