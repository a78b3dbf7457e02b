package org.dlbench.djl.onnx;

import java.io.IOException;
import java.nio.file.Path;
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

    /** See {@link ResultsIO#writeAtomically}. */
    public static void writeAtomically(Path target, byte[] bytes) throws IOException {
        ResultsIO.writeAtomically(target, bytes);
    }
}
