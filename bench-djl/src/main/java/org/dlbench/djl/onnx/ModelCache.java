package org.dlbench.djl.onnx;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import org.dlbench.core.data.Weights;
import org.dlbench.core.model.GeneratedModels;
import org.dlbench.core.result.ResultsIO;
import org.dlbench.core.workload.Workload;

/**
 * The ONNX model files in bench-core's {@link GeneratedModels} cache, each written through a temporary file and an
 * atomic rename, so a crashed or concurrent writer never leaves a half-written model under the final name.
 */
public final class ModelCache {
    public static final String ROOT_PROPERTY = GeneratedModels.ROOT_PROPERTY;

    private final Path root;

    public ModelCache(Path root) {
        this.root = root;
    }

    /** The cache configured for this JVM. */
    public static ModelCache standard() {
        return new ModelCache(GeneratedModels.root());
    }

    public Path root() {
        return root;
    }

    /** See {@link GeneratedModels#key}. */
    public static String key(String format, Workload workload, Weights weights) {
        return GeneratedModels.key(format, workload, weights);
    }

    /** The directory of one generated model; not created. */
    public Path directory(String engine, Workload workload, String key) {
        return root.resolve(engine).resolve(workload.name() + "-" + key);
    }

    /**
     * Renames a finished temporary file (in the target's directory) to its final name, readable by all, replacing an
     * older copy; readers of the final name never see a partial file.
     */
    public static void publish(Path tmp, Path target) throws IOException {
        if (Files.getFileAttributeView(tmp, PosixFileAttributeView.class) != null) {
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
        }
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** See {@link ResultsIO#writeAtomically}. */
    public static void writeAtomically(Path target, byte[] bytes) throws IOException {
        ResultsIO.writeAtomically(target, bytes);
    }
}
