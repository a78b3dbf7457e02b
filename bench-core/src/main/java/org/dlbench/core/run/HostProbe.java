package org.dlbench.core.run;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.dlbench.core.result.Host;

/** Reads the host facts a run records: CPU model and SIMD flags, cores, memory, OS, kernel, JVM. */
public final class HostProbe {
    /** The CPU flags that decide which kernels engines pick. */
    private static final Set<String> INTERESTING_FLAGS = Set.of("avx", "avx2", "fma", "avx512f", "avx512bw",
            "avx512vl", "avx512_vnni", "avx512_bf16", "amx_tile", "sse4_2");

    private HostProbe() {
    }

    public static Host probe() {
        String model = "unknown";
        List<String> flags = List.of();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name") && model.equals("unknown")) {
                    model = line.substring(line.indexOf(':') + 1).trim();
                } else if (line.startsWith("flags") && flags.isEmpty()) {
                    flags = Arrays.stream(line.substring(line.indexOf(':') + 1).trim().split("\\s+"))
                            .filter(INTERESTING_FLAGS::contains).sorted().toList();
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: leave unknown
        }
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
        return new Host(hostname, model, flags, Runtime.getRuntime().availableProcessors(), memory, os,
                System.getProperty("os.version"),
                System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"),
                ManagementFactory.getRuntimeMXBean().getInputArguments(), List.of());
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
