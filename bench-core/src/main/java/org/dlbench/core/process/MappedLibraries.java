package org.dlbench.core.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Which file a native library was really loaded from, as the kernel maps it into this process
 * ({@code /proc/self/maps} on Linux): a read-back that does not trust an engine's own account of where it extracted
 * its natives. Adapters record it as the {@code native_library} setting.
 */
public final class MappedLibraries {
    private static final Path MAPS = Path.of("/proc/self/maps");

    private MappedLibraries() {
    }

    /**
     * The path of the mapped file named {@code fileName} in this process, or a line starting with
     * {@code unknown: } saying why it cannot be told.
     */
    public static String pathOrWhy(String fileName) {
        List<String> lines;
        try {
            lines = Files.readAllLines(MAPS);
        } catch (IOException | SecurityException e) {
            return "unknown: cannot read " + MAPS + " (" + e.getMessage() + ")";
        }
        return find(lines, fileName).orElse("unknown: no " + fileName + " mapped in this process (" + MAPS + ")");
    }

    /**
     * The first mapped path in {@code /proc/<pid>/maps} lines whose file name is exactly {@code fileName}.
     * A line is {@code address perms offset dev inode [path]}; the path may hold spaces and may end in
     * {@code " (deleted)"}, which is kept.
     */
    public static Optional<String> find(List<String> mapsLines, String fileName) {
        for (String line : mapsLines) {
            String path = pathField(line);
            if (path == null) {
                continue;
            }
            String file = path.endsWith(" (deleted)") ? path.substring(0, path.length() - 10) : path;
            int slash = file.lastIndexOf('/');
            if (slash >= 0 && file.substring(slash + 1).equals(fileName)) {
                return Optional.of(path);
            }
        }
        return Optional.empty();
    }

    /**
     * The first library mapped into this process whose file name starts with {@code prefix} and whose path contains
     * {@code dirPart}, or empty (also when the maps cannot be read).
     */
    public static Optional<Path> findByPrefix(String prefix, String dirPart) {
        try {
            for (String line : Files.readAllLines(MAPS)) {
                String path = pathField(line);
                if (path != null && path.contains(dirPart)) {
                    Path p = Path.of(path);
                    if (p.getFileName() != null && p.getFileName().toString().startsWith(prefix)) {
                        return Optional.of(p);
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // no maps to read: say nothing rather than guess
        }
        return Optional.empty();
    }

    /** The sixth field (the path) of one maps line, or null when the mapping has none. */
    private static String pathField(String line) {
        int at = 0;
        for (int field = 0; field < 5; field++) {
            while (at < line.length() && line.charAt(at) == ' ') {
                at++;
            }
            while (at < line.length() && line.charAt(at) != ' ') {
                at++;
            }
        }
        String rest = line.substring(at).strip();
        return rest.startsWith("/") ? rest : null;
    }
}
