package org.dlbench.core.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * An adapter module and the classpath its child JVMs run with. Modules are found by the classpath file their build
 * writes ({@code target/classpath.txt}); each family has its own natives, so it never shares a JVM with another.
 */
public record EngineFamily(String name, String classpath) {

    /** Finds built adapter modules under the project directory: {@code bench-X} and nested {@code bench-X/bench-Y}. */
    public static List<EngineFamily> discover(Path home) throws IOException {
        List<EngineFamily> families = new ArrayList<>();
        // depth 4 reaches bench-X/bench-Y/target/classpath.txt (depth 3 stops at bench-X/target/classpath.txt)
        try (Stream<Path> files = Files.find(home, 4, (p, a) -> p.endsWith(Path.of("target", "classpath.txt")))) {
            for (Path cpFile : files.sorted().toList()) {
                Path module = cpFile.getParent().getParent();
                String name = module.getFileName().toString();
                if (name.equals("bench-core") || !name.startsWith("bench-")
                        || !Files.isDirectory(module.resolve("target/classes"))) {
                    continue;
                }
                String deps = Files.readString(cpFile).trim();
                String cp = module.resolve("target/classes").toAbsolutePath()
                        + (deps.isEmpty() ? "" : java.io.File.pathSeparator + deps);
                families.add(new EngineFamily(name, cp));
            }
        }
        return families;
    }
}
