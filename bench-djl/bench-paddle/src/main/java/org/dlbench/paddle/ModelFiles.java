package org.dlbench.paddle;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Base64;
import java.util.Comparator;
import java.util.stream.Stream;
import org.dlbench.core.data.Weights;
import org.dlbench.core.model.GeneratedModels;
import org.dlbench.core.workload.Workload;
import org.dlbench.paddle.proto.PaddleFramework.ProgramDesc;

/**
 * The Paddle inference model of a workload on disk: {@code inference.pdmodel} + {@code inference.pdiparams} in a
 * cache directory named by a hash of the definition and the weights, written once and atomically so concurrent
 * JVMs never load a half-written model.
 */
final class ModelFiles {
    static final String MODEL_FILE = "inference.pdmodel";
    static final String PARAMS_FILE = "inference.pdiparams";
    /** Bump when the parameter file's layout changes (program changes are keyed by the program's bytes). */
    private static final String FORMAT = "dlbench-paddle-program-3";

    private ModelFiles() {
    }

    /** The directory holding this workload's model, written now if no earlier run left it. */
    static Path prepare(Workload workload, Weights weights) throws IOException {
        Path dir = cacheRoot().resolve(workload.name() + "-" + key(workload, weights));
        if (complete(dir)) {
            return dir;
        }
        Files.createDirectories(dir.getParent());
        Path tmp = Files.createTempDirectory(dir.getParent(), dir.getFileName() + ".tmp-");
        try {
            write(workload, weights, tmp);
            try {
                Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileSystemException raced) {
                // another JVM moved the same model in first; identical key, identical content
                if (!complete(dir)) {
                    throw raced;
                }
            }
        } finally {
            deleteTree(tmp);
        }
        return dir;
    }

    /** Writes both files into {@code dir}. */
    static void write(Workload workload, Weights weights, Path dir) throws IOException {
        ProgramDesc program = ProgramWriter.write(workload);
        Files.write(dir.resolve(MODEL_FILE), program.toByteArray());
        try (OutputStream out = Files.newOutputStream(dir.resolve(PARAMS_FILE))) {
            ParamsFile.write(ParamsFile.tensors(workload, weights), out);
        }
    }

    /** This engine's folder in bench-core's {@link GeneratedModels} cache. */
    static Path cacheRoot() {
        return GeneratedModels.root(PaddleAdapter.NAME);
    }

    /**
     * See {@link GeneratedModels#key}; the program's own bytes are part of the key too, so a change to
     * {@link ProgramWriter}'s output never reuses a cached model even when {@link #FORMAT} was not bumped.
     */
    static String key(Workload workload, Weights weights) {
        byte[] program = ProgramWriter.write(workload).toByteArray();
        return GeneratedModels.key(FORMAT + "\n" + Base64.getEncoder().encodeToString(program), workload, weights);
    }

    private static boolean complete(Path dir) {
        return Files.isRegularFile(dir.resolve(MODEL_FILE)) && Files.isRegularFile(dir.resolve(PARAMS_FILE));
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove temporary model folder " + dir, e);
        }
    }
}
