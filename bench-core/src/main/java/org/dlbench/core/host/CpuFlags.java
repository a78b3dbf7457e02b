package org.dlbench.core.host;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Locale;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The CPU feature flags of a host, as the kernel lists them ({@code /proc/cpuinfo}: {@code avx2}, {@code avx512f},
 * ...), and the check of a variant's required flags against them. Unlike the short list a run records in its host
 * facts, this keeps every flag, so that a build's full requirement (e.g. {@code avx512dq}) can be checked.
 *
 * @param flags every flag, lower case; empty when {@code known} is false
 * @param source where the flags were read, or why they are unknown
 * @param known false when no flags could be read: then no variant that needs a flag is allowed
 */
public record CpuFlags(SortedSet<String> flags, String source, boolean known) {
    /** Where Linux lists the flags. */
    public static final Path CPUINFO = Path.of("/proc/cpuinfo");

    public CpuFlags {
        if (source == null || source.isBlank()) {
            throw new IllegalArgumentException("CPU flags need a source");
        }
        TreeSet<String> copy = new TreeSet<>();
        for (String f : flags) {
            copy.add(f.strip().toLowerCase(Locale.ROOT));
        }
        if (!known && !copy.isEmpty()) {
            throw new IllegalArgumentException("unknown CPU flags cannot list flags");
        }
        flags = Collections.unmodifiableSortedSet(copy);
    }

    /** Known flags from a named source (tests, or a recorded host). */
    public static CpuFlags of(String source, String... flags) {
        return new CpuFlags(new TreeSet<>(Arrays.asList(flags)), source, true);
    }

    /** Flags that could not be read, with why. */
    public static CpuFlags unknown(String why) {
        return new CpuFlags(new TreeSet<>(), why, false);
    }

    /** This machine's flags, from {@link #CPUINFO}. */
    public static CpuFlags probe() {
        return read(CPUINFO);
    }

    /** The flags in a cpuinfo file, or unknown (with the reason) when it cannot be read or lists none. */
    public static CpuFlags read(Path cpuinfo) {
        String text;
        try {
            text = Files.readString(cpuinfo);
        } catch (IOException | RuntimeException e) {
            return unknown("cannot read " + cpuinfo + ": " + e.getMessage());
        }
        return parse(text, cpuinfo.toString());
    }

    /**
     * The flags of cpuinfo text: the {@code flags} lines (x86) or {@code Features} lines (ARM). When CPUs list
     * different flags (hybrid cores), only the flags every CPU has count, since a thread may run on any of them.
     */
    public static CpuFlags parse(String cpuinfo, String source) {
        TreeSet<String> common = null;
        for (String line : cpuinfo.split("\\R")) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String key = line.substring(0, colon).strip();
            if (!key.equals("flags") && !key.equals("Features")) {
                continue;
            }
            TreeSet<String> these = new TreeSet<>();
            for (String f : line.substring(colon + 1).strip().split("\\s+")) {
                if (!f.isEmpty()) {
                    these.add(f.toLowerCase(Locale.ROOT));
                }
            }
            if (common == null) {
                common = these;
            } else {
                common.retainAll(these);
            }
        }
        if (common == null) {
            return unknown("no flags line in " + source);
        }
        return new CpuFlags(common, source, true);
    }

    /** Whether the host has this flag (false when the flags are unknown). */
    public boolean has(String flag) {
        return flags.contains(flag.strip().toLowerCase(Locale.ROOT));
    }

    /** The required flags this host lacks (all of them when the flags are unknown), sorted. */
    public SortedSet<String> missing(Collection<String> required) {
        TreeSet<String> missing = new TreeSet<>();
        for (String r : required) {
            String f = r.strip().toLowerCase(Locale.ROOT);
            if (!flags.contains(f)) {
                missing.add(f);
            }
        }
        return Collections.unmodifiableSortedSet(missing);
    }

    /**
     * Why a build needing {@code required} cannot run here, in one line, or empty when it can (or needs nothing).
     * Unknown flags refuse any requirement: a build for missing instructions dies when it loads.
     */
    public Optional<String> lacking(Collection<String> required) {
        if (required.isEmpty()) {
            return Optional.empty();
        }
        String needs = "needs CPU flags " + String.join(", ", new TreeSet<>(required.stream()
                .map(r -> r.strip().toLowerCase(Locale.ROOT)).toList()));
        if (!known) {
            return Optional.of(needs + "; this host's CPU flags are unknown (" + source + ")");
        }
        SortedSet<String> missing = missing(required);
        if (missing.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(needs + "; this host lacks " + String.join(", ", missing) + " (flags from " + source
                + ")");
    }
}
