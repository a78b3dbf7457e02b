package org.dlbench.djl.tf;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * Finds the TensorFlow natives (libjnitensorflow.so and the two libtensorflow*.so.2 beside it) and tells DJL where
 * they are.
 *
 * <p>DJL's TensorFlow engine only looks for natives through {@code TENSORFLOW_LIBRARY_PATH} (environment variable or
 * system property), {@code java.library.path}, a {@code native/lib} jar of its own or a download; the Maven Central
 * jar {@code tensorflow-core-native:linux-x86_64} fits none of these. The build unpacks that jar and records the
 * directory in {@code natives.properties} on the classpath, so any JVM started with the module classpath (tests, the
 * runner's child JVMs, JMH forks) finds it without extra flags. Setting the system property is enough: DJL then
 * points JavaCPP's preload path at the directory, which TF Java's own loader uses too.
 */
final class TfNatives {
    static final String LIBRARY_PATH = "TENSORFLOW_LIBRARY_PATH";
    static final String JNI_LIBRARY = "libjnitensorflow.so";
    private static final String RECORD = "natives.properties";

    /** Where the natives are and how that was decided. */
    record Location(Path dir, String source) {
    }

    private TfNatives() {
    }

    /**
     * Resolves the native directory: an explicit {@code TENSORFLOW_LIBRARY_PATH} (environment first, as DJL reads
     * it) wins, else the directory the build recorded.
     *
     * @throws IllegalStateException naming what is missing and how to get it
     */
    static Location locate() {
        Properties record = readRecord();
        return locate(System.getenv(LIBRARY_PATH), System.getProperty(LIBRARY_PATH), record);
    }

    static Location locate(String env, String property, Properties record) {
        String artifact = record == null ? "org.tensorflow:tensorflow-core-native:1.0.0-rc.1:jar:linux-x86_64"
                : record.getProperty("native.artifact");
        if (env != null && !env.isBlank()) {
            return check(Path.of(env), "environment variable " + LIBRARY_PATH, artifact);
        }
        if (property != null && !property.isBlank()) {
            return check(Path.of(property), "system property " + LIBRARY_PATH, artifact);
        }
        if (record == null || record.getProperty("native.dir") == null) {
            throw new IllegalStateException("TensorFlow natives not configured: " + RECORD
                    + " is missing from the classpath (it is written by the bench-djl build) and "
                    + LIBRARY_PATH + " is not set. Build bench-djl with Maven (it unpacks " + artifact
                    + "), or set " + LIBRARY_PATH + " to a directory holding " + JNI_LIBRARY + ".");
        }
        return check(Path.of(record.getProperty("native.dir")), "build record " + RECORD, artifact);
    }

    /** Cheap check for {@code supports}: null when the natives are there, else why not. */
    static String problem() {
        try {
            locate();
            return null;
        } catch (IllegalStateException e) {
            return e.getMessage();
        }
    }

    /** Makes DJL (and, through it, TF Java) load the natives from the located directory. Idempotent. */
    static Location install() {
        Location location = locate();
        if (System.getenv(LIBRARY_PATH) == null) {
            System.setProperty(LIBRARY_PATH, location.dir().toString());
        }
        return location;
    }

    private static Location check(Path dir, String source, String artifact) {
        Path jni = dir.resolve(JNI_LIBRARY);
        if (!Files.isRegularFile(jni)) {
            throw new IllegalStateException("TensorFlow natives missing: no " + JNI_LIBRARY + " in " + dir + " (from "
                    + source + "). It comes from " + artifact + ", unpacked by the bench-djl build into "
                    + "target/tensorflow-native; rebuild with 'mvn -pl bench-core,bench-djl clean package "
                    + "-DskipTests' (clean, because the unpack marker in target/ would skip it otherwise) or point "
                    + LIBRARY_PATH + " at a directory holding " + JNI_LIBRARY
                    + ", libtensorflow_cc.so.2 and libtensorflow_framework.so.2.");
        }
        for (String lib : new String[] {"libtensorflow_cc.so.2", "libtensorflow_framework.so.2"}) {
            if (!Files.isRegularFile(dir.resolve(lib))) {
                throw new IllegalStateException("TensorFlow natives incomplete: " + lib + " is missing in " + dir
                        + " (from " + source + "); unpack " + artifact + " there again (delete bench-djl/target and "
                        + "rebuild).");
            }
        }
        return new Location(dir.toAbsolutePath(), source);
    }

    static Properties readRecord() {
        try (InputStream in = TfNatives.class.getResourceAsStream(RECORD)) {
            if (in == null) {
                return null;
            }
            Properties p = new Properties();
            p.load(in);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RECORD, e);
        }
    }
}
