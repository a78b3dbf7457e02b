package org.dlbench.djl.onnx;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import org.dlbench.core.data.Weights;
import org.dlbench.core.workload.Layer;
import org.dlbench.core.workload.Workload;

/**
 * Where generated model files live: {@code <root>/<engine>/<workload>-<key>/}, with root the system property
 * {@value #ROOT_PROPERTY} or {@code <java.io.tmpdir>/dlbench-models}. The key hashes the workload definition, the
 * weight values (so the weights seed is covered without being known here) and the writer's format, so a changed
 * workload never reuses a stale file. Files are written to a temporary name and moved into place atomically, so a
 * crashed or concurrent writer never leaves a half-written model behind under the final name.
 */
public final class ModelCache {
    public static final String ROOT_PROPERTY = "dlbench.model.cache";

    private final Path root;

    public ModelCache(Path root) {
        this.root = root;
    }

    /** The cache configured for this JVM. */
    public static ModelCache standard() {
        String configured = System.getProperty(ROOT_PROPERTY);
        Path root = configured != null && !configured.isBlank()
                ? Path.of(configured)
                : Path.of(System.getProperty("java.io.tmpdir"), "dlbench-models");
        return new ModelCache(root);
    }

    public Path root() {
        return root;
    }

    /** 16 hex digits of SHA-256 over the format tag, the definition and the weights. */
    public static String key(String format, Workload workload, Weights weights) {
        MessageDigest sha = sha256();
        StringBuilder definition = new StringBuilder(format).append('\n')
                .append(Arrays.toString(workload.inputShape())).append(" classes=").append(workload.classes());
        for (Layer layer : workload.layers()) {
            // records print every field, so any change to a layer changes the text
            definition.append('\n').append(layer);
        }
        sha.update(definition.toString().getBytes(StandardCharsets.UTF_8));
        for (String name : weights.names()) {
            sha.update(("\n" + name + Arrays.toString(weights.spec(name).shape())).getBytes(StandardCharsets.UTF_8));
            float[] values = weights.get(name);
            ByteBuffer bytes = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            bytes.asFloatBuffer().put(values);
            sha.update(bytes.array());
        }
        return HexFormat.of().formatHex(sha.digest(), 0, 8);
    }

    /** The directory of one generated model; not created. */
    public Path directory(String engine, Workload workload, String key) {
        return root.resolve(engine).resolve(workload.name() + "-" + key);
    }

    /** Writes bytes to {@code target} through a temporary file in the same directory and an atomic rename. */
    public static void writeAtomically(Path target, byte[] bytes) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, target.getFileName().toString(), ".tmp");
        try {
            Files.write(tmp, bytes);
            // temporary files start private; a model file is ordinary data, readable like any other output
            if (Files.getFileAttributeView(tmp, PosixFileAttributeView.class) != null) {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }
}
