package org.dlbench.core.process;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import org.dlbench.core.result.CellResult;

/**
 * Peak memory of this process: resident set from the kernel (VmHWM, so native allocations of the engine count)
 * and the sum of the Java heap pools' peaks.
 */
public final class MemoryProbe {
    private MemoryProbe() {
    }

    public static CellResult.Memory peak(String measuredIn) {
        long rss = -1;
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    rss = Long.parseLong(line.replaceAll("\\D", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: unknown
        }
        long heap = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
                heap += pool.getPeakUsage().getUsed();
            }
        }
        return new CellResult.Memory(rss, heap, measuredIn);
    }
}
