package org.dlbench.core.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * An adapter module, the classpath its child JVMs run with and the JVM options they need. Modules are found by the
 * classpath file their build writes ({@code target/classpath.txt}); each family has its own natives, so it never
 * shares a JVM with another. A module whose engine needs JVM options (Spark on JDK 17 needs {@code --add-opens})
 * ships them in {@code src/main/resources/dlbench-jvm.args} (whitespace-separated, {@code #} starts a comment line).
 * {@code dir} is the module's directory (null for a family given by classpath alone).
 */
public record EngineFamily(String name, String classpath, List<String> jvmArgs, Path dir) {
    /** Where a built module keeps its JVM options. */
    public static final String JVM_ARGS_FILE = "dlbench-jvm.args";
    /**
     * Where a module keeps environment variables its engine's natives read at load (a properties file at the root
     * of its classes directory); {@code {threads}} in a value is replaced by the cell's thread count.
     */
    public static final String ENV_FILE = "dlbench-env.properties";

    public EngineFamily {
        jvmArgs = List.copyOf(jvmArgs);
    }

    public EngineFamily(String name, String classpath) {
        this(name, classpath, List.of(), null);
    }

    /**
     * The module's directory, against which its engines' variant classpath files are resolved (the current directory
     * for a family given by classpath alone).
     */
    public Path moduleDir() {
        return dir != null ? dir : Path.of(".").toAbsolutePath().normalize();
    }

    /** Finds built adapter modules under the project directory: {@code bench-X} and nested {@code bench-X/bench-Y}. */
    public static List<EngineFamily> discover(Path home) throws IOException {
        List<EngineFamily> families = new ArrayList<>();
        // depth 4 reaches bench-X/bench-Y/target/classpath.txt (depth 3 stops at bench-X/target/classpath.txt)
        try (Stream<Path> files = Files.find(home, 4, (p, a) -> p.endsWith(Path.of("target", "classpath.txt")))) {
            // top-level modules first, then nested ones, so reports list the main engines first
            for (Path cpFile : files.sorted(java.util.Comparator.comparingInt(Path::getNameCount)
                    .thenComparing(java.util.Comparator.naturalOrder())).toList()) {
                Path module = cpFile.getParent().getParent();
                String name = module.getFileName().toString();
                if (name.equals("bench-core") || !name.startsWith("bench-")
                        || !Files.isDirectory(module.resolve("target/classes"))) {
                    continue;
                }
                String deps = Files.readString(cpFile).trim();
                String cp = module.resolve("target/classes").toAbsolutePath()
                        + (deps.isEmpty() ? "" : java.io.File.pathSeparator + deps);
                families.add(new EngineFamily(name, cp, readJvmArgs(module.resolve("target/classes/" + JVM_ARGS_FILE)),
                        module.toAbsolutePath()));
            }
        }
        return families;
    }

    static List<String> readJvmArgs(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            return List.of();
        }
        List<String> args = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            String t = line.strip();
            if (!t.isEmpty() && !t.startsWith("#")) {
                args.addAll(Arrays.asList(t.split("\\s+")));
            }
        }
        return args;
    }

    /**
     * The environment variables the modules on a child's classpath ask for: every {@link #ENV_FILE} found at the root
     * of a directory entry of {@code classpath} (a module's {@code target/classes}), earlier entries winning, with
     * {@code {threads}} replaced by {@code threads}. Empty when no module ships one.
     */
    public static java.util.Map<String, String> moduleEnvironment(String classpath, int threads) {
        java.util.Map<String, String> env = new java.util.LinkedHashMap<>();
        for (String entry : classpath.split(java.io.File.pathSeparator)) {
            if (entry.isBlank()) {
                continue;
            }
            Path file = Path.of(entry).resolve(ENV_FILE);
            if (!Files.isDirectory(Path.of(entry)) || !Files.isRegularFile(file)) {
                continue;
            }
            java.util.Properties p = new java.util.Properties();
            try (var in = Files.newBufferedReader(file)) {
                p.load(in);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
            }
            for (String name : new java.util.TreeSet<>(p.stringPropertyNames())) {
                env.putIfAbsent(name, p.getProperty(name).strip().replace("{threads}", Integer.toString(threads)));
            }
        }
        return env;
    }
}
