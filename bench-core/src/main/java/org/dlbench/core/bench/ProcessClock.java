package org.dlbench.core.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Readings of this process that show what a timed region really cost: wall time, CPU time of all its threads (the
 * engine's pools included) and minor page faults.
 */
public record ProcessClock(long wallNanos, long cpuNanos, long minorFaults) {

    /** Reads the clocks now; CPU time or faults are -1 where the platform does not report them. */
    public static ProcessClock now() {
        long cpu = -1;
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            cpu = os.getProcessCpuTime();
        }
        return new ProcessClock(System.nanoTime(), cpu, readMinorFaults());
    }

    /** CPU time over wall time between two readings: how many cores the process kept busy; NaN if unknown. */
    public double parallelismSince(ProcessClock start) {
        long wall = wallNanos - start.wallNanos;
        if (cpuNanos < 0 || start.cpuNanos < 0 || wall <= 0) {
            return Double.NaN;
        }
        return (cpuNanos - start.cpuNanos) / (double) wall;
    }

    /** Field 10 of /proc/self/stat (minflt), or -1 off Linux. */
    static long readMinorFaults() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            // the command name (field 2) is in parentheses and may hold spaces: count fields after its closing one
            String[] rest = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(rest[7]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
