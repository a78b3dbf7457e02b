package org.dlbench.core.host;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.dlbench.core.result.Host;

/**
 * Reads the host facts a run records: CPU model and SIMD flags, cores (physical cores and logical CPUs from the
 * kernel's topology files), memory, OS, kernel, JVM.
 */
public final class HostProbe {
    /** The CPU flags that decide which kernels engines pick. */
    private static final Set<String> INTERESTING_FLAGS = Set.of("avx", "avx2", "fma", "avx512f", "avx512bw",
            "avx512vl", "avx512_vnni", "avx512_bf16", "amx_tile", "sse4_2");

    private HostProbe() {
    }

    public static Host probe() {
        String model = "unknown";
        try {
            for (String line : Files.readAllLines(CpuFlags.CPUINFO)) {
                if (line.startsWith("model name")) {
                    model = line.substring(line.indexOf(':') + 1).trim();
                    break;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: leave unknown
        }
        // the flags every CPU has (CpuFlags.probe is empty when they cannot be read)
        List<String> flags = CpuFlags.probe().flags().stream().filter(INTERESTING_FLAGS::contains).toList();
        long memory = 0;
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    memory = Long.parseLong(line.replaceAll("\\D", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            memory = Runtime.getRuntime().maxMemory();
        }
        String hostname;
        try {
            hostname = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            hostname = System.getenv().getOrDefault("HOSTNAME", "unknown");
        }
        String os = osRelease();
        Topology t = topology();
        return new Host(hostname, model, flags, Runtime.getRuntime().availableProcessors(), memory, os,
                System.getProperty("os.version"),
                System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"),
                ManagementFactory.getRuntimeMXBean().getInputArguments(), List.of(), t.physicalCores(),
                t.logicalCpus(), t.source());
    }

    /**
     * Physical cores and logical CPUs of this machine and where they were read.
     *
     * @param physicalCores distinct (physical_package_id, core_id) pairs over the online CPUs
     * @param logicalCpus online CPUs (hardware threads)
     * @param source the files read, or the fallback taken and why
     */
    public record Topology(int physicalCores, int logicalCpus, String source) {
    }

    /** The topology of this machine, from {@code /sys/devices/system/cpu}, with fallbacks that say so. */
    public static Topology topology() {
        return topology(Path.of("/sys/devices/system/cpu"), Path.of("/proc/cpuinfo"),
                Runtime.getRuntime().availableProcessors());
    }

    /**
     * The topology read from a sysfs CPU directory: the online CPUs (its {@code online} file, else every
     * {@code cpuN} directory), and for each its {@code topology/physical_package_id} and {@code topology/core_id};
     * physical cores are the distinct pairs. When those files are missing it falls back to the {@code physical id}
     * and {@code core id} lines of cpuinfo, and last to the JVM's processor count taken as one thread per core; the
     * source says which.
     */
    static Topology topology(Path sysCpu, Path cpuinfo, int availableProcessors) {
        java.util.SortedSet<Integer> online = onlineCpus(sysCpu);
        if (!online.isEmpty()) {
            Set<String> cores = new java.util.HashSet<>();
            boolean complete = true;
            for (int cpu : online) {
                Path topo = sysCpu.resolve("cpu" + cpu).resolve("topology");
                try {
                    cores.add(Files.readString(topo.resolve("physical_package_id")).strip() + ":"
                            + Files.readString(topo.resolve("core_id")).strip());
                } catch (IOException | RuntimeException e) {
                    complete = false;
                    break;
                }
            }
            if (complete) {
                return new Topology(cores.size(), online.size(), sysCpu + " (online CPUs; distinct "
                        + "physical_package_id/core_id pairs)");
            }
        }
        int logical = online.isEmpty() ? availableProcessors : online.size();
        Set<String> pairs = cpuinfoCores(cpuinfo);
        if (!pairs.isEmpty()) {
            return new Topology(pairs.size(), logical, "fallback: " + cpuinfo + " physical id/core id (no topology"
                    + " files under " + sysCpu + ")");
        }
        return new Topology(logical, logical, "fallback: no CPU topology in " + sysCpu + " or " + cpuinfo
                + "; assumed one hardware thread per core (" + logical + (online.isEmpty()
                ? " processors the JVM sees)" : " online CPUs)"));
    }

    /** CPU numbers from the sysfs {@code online} list ("0-3,6"), else from the {@code cpuN} directories. */
    static java.util.SortedSet<Integer> onlineCpus(Path sysCpu) {
        java.util.SortedSet<Integer> cpus = new java.util.TreeSet<>();
        try {
            String list = Files.readString(sysCpu.resolve("online")).strip();
            for (String part : list.split(",")) {
                if (part.isBlank()) {
                    continue;
                }
                int dash = part.indexOf('-');
                int from = Integer.parseInt(part.substring(0, dash < 0 ? part.length() : dash).strip());
                int to = dash < 0 ? from : Integer.parseInt(part.substring(dash + 1).strip());
                for (int c = from; c <= to; c++) {
                    cpus.add(c);
                }
            }
            return cpus;
        } catch (IOException | RuntimeException e) {
            cpus.clear();
        }
        try (var dirs = Files.list(sysCpu)) {
            dirs.map(d -> d.getFileName().toString()).filter(n -> n.matches("cpu\\d+"))
                    .forEach(n -> cpus.add(Integer.parseInt(n.substring(3))));
        } catch (IOException | RuntimeException e) {
            // no sysfs: the caller falls back
        }
        return cpus;
    }

    private static Set<String> cpuinfoCores(Path cpuinfo) {
        Set<String> pairs = new java.util.HashSet<>();
        try {
            String physical = null;
            for (String line : Files.readAllLines(cpuinfo)) {
                int colon = line.indexOf(':');
                if (colon < 0) {
                    continue;
                }
                String key = line.substring(0, colon).strip();
                String value = line.substring(colon + 1).strip();
                if (key.equals("physical id")) {
                    physical = value;
                } else if (key.equals("core id") && physical != null) {
                    pairs.add(physical + ":" + value);
                }
            }
        } catch (IOException | RuntimeException e) {
            pairs.clear();
        }
        return pairs;
    }

    private static String osRelease() {
        try {
            for (String line : Files.readAllLines(Path.of("/etc/os-release"))) {
                if (line.startsWith("PRETTY_NAME=")) {
                    return line.substring("PRETTY_NAME=".length()).replace("\"", "");
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall through
        }
        return System.getProperty("os.name");
    }
}
