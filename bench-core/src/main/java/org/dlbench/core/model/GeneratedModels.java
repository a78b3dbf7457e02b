package org.dlbench.core.model;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import org.dlbench.core.data.Weights;
import org.dlbench.core.workload.Stage;
import org.dlbench.core.workload.Workload;

/**
 * The cache of model files the harness generates from a workload: {@code <root>/<engine>/<workload>-<key>/}, with
 * root the system property {@value #ROOT_PROPERTY} or {@code <java.io.tmpdir>/dlbench-models}. Never committed.
 */
public final class GeneratedModels {
    public static final String ROOT_PROPERTY = "dlbench.model.cache";

    private GeneratedModels() {
    }

    /** The cache root configured for this JVM. */
    public static Path root() {
        String configured = System.getProperty(ROOT_PROPERTY);
        return configured != null && !configured.isBlank() ? Path.of(configured)
                : Path.of(System.getProperty("java.io.tmpdir"), "dlbench-models");
    }

    /** One engine's folder under the root. */
    public static Path root(String engine) {
        return root().resolve(engine);
    }

    /** Floats hashed per update. */
    private static final int CHUNK = 1 << 20;

    /**
     * 16 hex digits of SHA-256 over the writer's format tag, the definition (name, shapes, every layer) and every
     * weight value, so a changed workload, weights seed or writer never reuses a stale file.
     */
    public static String key(String format, Workload workload, Weights weights) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
        StringBuilder definition = new StringBuilder(format).append('\n').append(workload.name()).append('\n')
                .append(workload.singleFloatInput() ? Arrays.toString(workload.inputShape())
                        : workload.inputs().toString()).append(" classes=").append(workload.classes());
        for (Stage stage : workload.stages()) {
            // records print every field, so any change to a layer or its wiring changes the text
            definition.append('\n').append(stage.name()).append(stage.inputs()).append(' ').append(stage.layer());
        }
        sha.update(definition.toString().getBytes(StandardCharsets.UTF_8));
        for (String name : weights.names()) {
            sha.update(("\n" + name + Arrays.toString(weights.spec(name).shape())).getBytes(StandardCharsets.UTF_8));
            float[] values = weights.get(name);
            // in chunks: one buffer of the whole tensor overflows an int above 2^29 values (a large embedding table)
            ByteBuffer bytes = ByteBuffer.allocate(CHUNK * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            for (int from = 0; from < values.length; from += CHUNK) {
                int n = Math.min(CHUNK, values.length - from);
                bytes.clear();
                bytes.asFloatBuffer().put(values, from, n);
                sha.update(bytes.array(), 0, n * Float.BYTES);
            }
        }
        return HexFormat.of().formatHex(sha.digest(), 0, 8);
    }
}
