package org.dlbench.core.adapter;

/**
 * Where an engine runs: {@code cpu}, or {@code gpu} / {@code gpu:N}. Adapters answer "unsupported" with a reason when
 * they cannot reach the device (for example no CUDA natives on the classpath).
 */
public record Device(String kind, int index) {
    public static final Device CPU = new Device("cpu", 0);

    /** Parses {@code cpu}, {@code gpu} or {@code gpu:N}; anything else is an {@link IllegalArgumentException}. */
    public static Device parse(String s) {
        String t = s.trim().toLowerCase(java.util.Locale.ROOT);
        if (t.equals("cpu")) {
            return CPU;
        }
        if (t.equals("gpu")) {
            return new Device("gpu", 0);
        }
        if (t.matches("gpu:\\d+")) {
            try {
                return new Device("gpu", Integer.parseInt(t.substring(4)));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("device '" + s + "': GPU index " + t.substring(4)
                        + " is out of range (0 to " + Integer.MAX_VALUE + ")");
            }
        }
        throw new IllegalArgumentException("unknown device '" + s + "' (known: cpu, gpu, gpu:N)");
    }

    public boolean isCpu() {
        return kind.equals("cpu");
    }

    @Override
    public String toString() {
        return isCpu() ? "cpu" : "gpu:" + index;
    }
}
