package org.dlbench.paddle;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Which file a native library was really loaded from, as the kernel maps it into this process
 * ({@code /proc/self/maps} on Linux): a read-back that does not trust DJL's own account of where it extracted it.
 */
final class MappedLibrary {
    private static final Path MAPS = Path.of("/proc/self/maps");

    private MappedLibrary() {
    }

    /**
     * The path of the mapped file named {@code fileName} in this process, or a line starting with
     * {@code unknown: } saying why it cannot be told.
     */
    static String pathOrWhy(String fileName) {
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
    static Optional<String> find(List<String> mapsLines, String fileName) {
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
