package org.dlbench.core.variant;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.dlbench.core.host.CpuFlags;

/**
 * One named way to run one engine: a native build, a set of switches, or both. Engine modules declare their variants
 * fastest expected first, with exactly one {@link #shipped} variant: the engine as its users get it untuned.
 * Switches are JVM system properties and environment variables of the cell's child JVM only, so an engine option that
 * is an API call is expressed as a {@code dlbench.<engine>.*} property the adapter reads.
 *
 * @param engine the engine's name, as {@link org.dlbench.core.adapter.EngineAdapter#name} gives it
 * @param name lower case letters, digits, {@code . + -}; unique per engine; not {@code best}, {@code shipped} or
 *     {@code all}
 * @param kind what the variant changes; must agree with {@code classpath} (see {@link Kind})
 * @param shipped whether this is the engine's out-of-the-box setup
 * @param description one line for reports: what the variant is
 * @param requiredCpuFlags CPU flags (as {@code /proc/cpuinfo} names them) the variant's natives need
 * @param classpath null for the engine module's own classpath; else a file, relative to the engine module's
 *     directory, written by its Maven build, that lists the jars this variant adds in front of the module's classpath
 * @param systemProperties passed to the child JVM as {@code -Dkey=value}
 * @param environment set in the child JVM's environment; an empty value removes the variable
 * @param expectedSettings settings the engine must read back with exactly these values, else the result is invalid
 * @param unavailable null, or a fixed one-line reason this variant can never run with the natives the module ships
 */
public record Variant(String engine, String name, Kind kind, boolean shipped, String description,
                      SortedSet<String> requiredCpuFlags, String classpath, SortedMap<String, String> systemProperties,
                      SortedMap<String, String> environment, SortedMap<String, String> expectedSettings,
                      String unavailable) {

    /** Selection keywords, which no variant may be named. */
    public static final Set<String> RESERVED = Set.of("best", "shipped", "all");
    /** The name of the only variant of an engine that declares none. */
    public static final String DEFAULT_NAME = "default";
    static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9.+-]*");
    static final Pattern ENGINE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+-]*");
    private static final Pattern FLAG = Pattern.compile("[a-z0-9_.]+");
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern PROPERTY = Pattern.compile("[A-Za-z0-9_.-]+");

    /** What a variant changes. */
    public enum Kind {
        /** A native build: its own classpath file (or the module's own build); its switches only select the build. */
        NATIVE_BUILD,
        /** Switches on the module's own natives; no classpath file. */
        SWITCHES,
        /** A native build of its own plus tuning switches. */
        BOTH;

        /** The word results and reports use: {@code native_build}, {@code switches}, {@code both}. */
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public Variant {
        if (engine == null || !ENGINE.matcher(engine).matches()) {
            throw new VariantException("variant of engine '" + engine + "': engine name must be letters, digits and"
                    + " . _ + -");
        }
        String id = engine + ":" + name;
        if (name == null || !NAME.matcher(name).matches()) {
            throw new VariantException("variant " + id + ": name must be lower case letters, digits and . + -,"
                    + " starting with a letter or digit");
        }
        if (RESERVED.contains(name)) {
            throw new VariantException("variant " + id + ": '" + name + "' is a --variants keyword, not a name");
        }
        if (kind == null) {
            throw new VariantException("variant " + id + ": kind is missing");
        }
        requireLine(id, "description", description, false);
        requireLine(id, "unavailable", unavailable, true);
        TreeSet<String> flags = new TreeSet<>();
        for (String f : requiredCpuFlags == null ? Set.<String>of() : requiredCpuFlags) {
            String flag = f == null ? "" : f.strip().toLowerCase(Locale.ROOT);
            if (!FLAG.matcher(flag).matches()) {
                throw new VariantException("variant " + id + ": '" + f + "' is not a CPU flag name");
            }
            flags.add(flag);
        }
        requiredCpuFlags = Collections.unmodifiableSortedSet(flags);
        systemProperties = checkedMap(id, "system property", systemProperties, PROPERTY);
        environment = checkedMap(id, "environment variable", environment, ENV_NAME);
        expectedSettings = checkedMap(id, "expected setting", expectedSettings, PROPERTY);
        if (classpath != null) {
            if (classpath.isBlank() || Path.of(classpath).isAbsolute()) {
                throw new VariantException("variant " + id + ": classpath must be a file relative to the engine"
                        + " module's directory, got '" + classpath + "'");
            }
        }
        boolean switches = !systemProperties.isEmpty() || !environment.isEmpty();
        switch (kind) {
            case NATIVE_BUILD -> {
                // its own classpath file, or null for the module's own build
            }
            case SWITCHES -> {
                if (classpath != null) {
                    throw new VariantException("variant " + id + ": kind switches runs on the module's own classpath,"
                            + " but classpath is " + classpath + " (use native_build or both)");
                }
            }
            case BOTH -> {
                if (classpath == null || !switches) {
                    throw new VariantException("variant " + id + ": kind both needs a classpath file and switches");
                }
            }
        }
    }

    /** The only variant of an engine that declares none: shipped, no switches. */
    public static Variant shippedOnly(String engine) {
        return builder(engine, DEFAULT_NAME, Kind.SWITCHES).shipped()
                .description("the engine as shipped; no variant declared").build();
    }

    /** Starts a variant declaration. */
    public static Builder builder(String engine, String name, Kind kind) {
        return new Builder(engine, name, kind);
    }

    /** {@code engine:name}, as {@code --variants} accepts it. */
    public String id() {
        return engine + ":" + name;
    }

    /** The system properties as child JVM options, {@code -Dkey=value}, in key order. */
    public List<String> jvmArgs() {
        List<String> args = new ArrayList<>();
        systemProperties.forEach((k, v) -> args.add("-D" + k + "=" + v));
        return List.copyOf(args);
    }

    /**
     * Why this variant cannot run on this host, in one line, or empty when it can: its fixed unavailability first,
     * then the CPU flags it needs, then its classpath file (present, naming at least one jar, every jar present).
     *
     * @param host the host's CPU flags
     * @param moduleDir the engine module's directory, against which {@link #classpath} is resolved
     */
    public Optional<String> unsupportedReason(CpuFlags host, Path moduleDir) {
        if (unavailable != null) {
            return Optional.of(unavailable);
        }
        Optional<String> flags = host.lacking(requiredCpuFlags);
        if (flags.isPresent()) {
            return flags;
        }
        if (classpath == null) {
            return Optional.empty();
        }
        Path file = moduleDir.resolve(classpath);
        String shown = moduleDir.getFileName() == null ? classpath : moduleDir.getFileName() + "/" + classpath;
        if (!Files.isRegularFile(file)) {
            return Optional.of("not built: " + shown + " is missing (the engine module's Maven build writes it)");
        }
        List<String> entries;
        try {
            entries = readEntries(file);
        } catch (IOException e) {
            return Optional.of("not built: cannot read " + shown + ": " + e.getMessage());
        }
        if (entries.isEmpty()) {
            return Optional.of("not built: " + shown + " lists no jar");
        }
        for (String entry : entries) {
            if (!Files.exists(Path.of(entry))) {
                return Optional.of("not built: " + shown + " names " + entry + ", which is missing");
            }
        }
        return Optional.empty();
    }

    /**
     * The jars this variant puts in front of the module's classpath: none for the module's own classpath, else the
     * entries of its classpath file (separated by the platform's path separator or line breaks).
     *
     * @throws VariantException when the file is missing or unreadable (one line naming it)
     */
    public List<String> classpathEntries(Path moduleDir) {
        if (classpath == null) {
            return List.of();
        }
        Path file = moduleDir.resolve(classpath);
        try {
            return readEntries(file);
        } catch (IOException e) {
            throw new VariantException("variant " + id() + ": cannot read its classpath file " + file + ": "
                    + e.getMessage());
        }
    }

    /**
     * Where the settings an engine read back contradict what this variant expects, one line each (empty when they
     * agree): the check that a result named after a variant really ran it.
     */
    public List<String> mismatches(Map<String, String> settings) {
        List<String> problems = new ArrayList<>();
        expectedSettings.forEach((key, expected) -> {
            String actual = settings == null ? null : settings.get(key);
            if (actual == null) {
                problems.add("variant " + name + " expects " + key + "=" + expected + ", but the engine reported no "
                        + key);
            } else if (!actual.equals(expected)) {
                problems.add("variant " + name + " expects " + key + "=" + expected + ", the engine read back "
                        + actual);
            }
        });
        return List.copyOf(problems);
    }

    private static List<String> readEntries(Path file) throws IOException {
        List<String> entries = new ArrayList<>();
        for (String part : Files.readString(file).split("\\R|" + Pattern.quote(File.pathSeparator))) {
            if (!part.isBlank()) {
                entries.add(part.strip());
            }
        }
        return List.copyOf(entries);
    }

    private static void requireLine(String id, String field, String value, boolean optional) {
        if (value == null) {
            if (!optional) {
                throw new VariantException("variant " + id + ": " + field + " is missing");
            }
            return;
        }
        if (value.isBlank() || value.contains("\n") || value.contains("\r")) {
            throw new VariantException("variant " + id + ": " + field + " must be one non-blank line");
        }
    }

    private static SortedMap<String, String> checkedMap(String id, String what, Map<String, String> map,
                                                        Pattern keyPattern) {
        TreeMap<String, String> copy = new TreeMap<>();
        if (map != null) {
            map.forEach((k, v) -> {
                if (k == null || !keyPattern.matcher(k).matches()) {
                    throw new VariantException("variant " + id + ": '" + k + "' is not a valid " + what + " name");
                }
                if (v == null || v.contains("\n") || v.contains("\r")) {
                    throw new VariantException("variant " + id + ": " + what + " " + k
                            + " needs a one-line value");
                }
                copy.put(k, v);
            });
        }
        return Collections.unmodifiableSortedMap(copy);
    }

    /** Declares a variant field by field; {@link #build} checks it. */
    public static final class Builder {
        private final String engine;
        private final String name;
        private final Kind kind;
        private boolean shipped;
        private String description;
        private final TreeSet<String> flags = new TreeSet<>();
        private String classpath;
        private final TreeMap<String, String> properties = new TreeMap<>();
        private final TreeMap<String, String> environment = new TreeMap<>();
        private final TreeMap<String, String> expected = new TreeMap<>();
        private String unavailable;

        private Builder(String engine, String name, Kind kind) {
            this.engine = engine;
            this.name = name;
            this.kind = kind;
        }

        /** Marks the engine's out-of-the-box setup. */
        public Builder shipped() {
            shipped = true;
            return this;
        }

        public Builder description(String text) {
            description = text;
            return this;
        }

        /** CPU flags the natives need. */
        public Builder requires(String... cpuFlags) {
            flags.addAll(List.of(cpuFlags));
            return this;
        }

        /** The classpath file, relative to the engine module's directory. */
        public Builder classpath(String file) {
            classpath = file;
            return this;
        }

        /** A {@code -D} system property for the child JVM. */
        public Builder property(String key, String value) {
            properties.put(key, value);
            return this;
        }

        /** An environment variable for the child JVM ({@code ""} removes it). */
        public Builder env(String variable, String value) {
            environment.put(variable, value);
            return this;
        }

        /** A setting the engine must read back with this value. */
        public Builder expect(String setting, String value) {
            expected.put(setting, value);
            return this;
        }

        /** Makes the variant unavailable for good, with the one-line reason. */
        public Builder unavailable(String reason) {
            unavailable = reason;
            return this;
        }

        public Variant build() {
            return new Variant(engine, name, kind, shipped, description, flags, classpath, properties, environment,
                    expected, unavailable);
        }
    }
}
