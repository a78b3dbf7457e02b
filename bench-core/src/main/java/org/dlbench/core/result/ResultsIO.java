package org.dlbench.core.result;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.dlbench.core.json.FieldError;
import org.dlbench.core.json.JsonErrors;

/** Reads and writes {@code results.json}; writes are atomic (temporary file, then rename). */
public final class ResultsIO {
    public static final String FILE = "results.json";

    /**
     * Shared mapper: snake_case fields, nulls left out, unknown fields tolerated within a schema version; a null for a
     * number or a flag, a number for a name (status), or anything after the document, is an error.
     */
    public static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .setSerializationInclusion(JsonInclude.Include.NON_NULL)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private ResultsIO() {
    }

    /** A results file that cannot be used; the message says which file and why. */
    public static class BadResultsException extends RuntimeException {
        public BadResultsException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Reads a results.json, or the one inside a run directory, and validates it: every problem is one
     * {@link BadResultsException} line {@code FILE: PATH: problem}, e.g. {@code r/results.json: results[3].status:
     * missing}. A run read here has every field its readers rely on (see {@link RunResult#validate()}).
     */
    public static RunResult read(Path fileOrDir) {
        Path file = Files.isDirectory(fileOrDir) ? fileOrDir.resolve(FILE) : fileOrDir;
        if (!Files.isRegularFile(file)) {
            throw new BadResultsException("no results file at " + file, null);
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new BadResultsException(file + ": cannot read: " + (e instanceof java.nio.file.AccessDeniedException
                    ? "permission denied" : e.getMessage()), e);
        }
        if (new String(bytes, java.nio.charset.StandardCharsets.UTF_8).isBlank()) {
            throw new BadResultsException(file + ": " + JsonErrors.TOP + ": empty file, not a dlbench results file",
                    null);
        }
        JsonNode tree;
        try {
            tree = JSON.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw new BadResultsException(file + ": " + JsonErrors.describe(e, null), e);
        } catch (IOException e) {
            throw new BadResultsException(file + ": cannot read: " + e.getMessage(), e);
        }
        if (tree == null || !tree.isObject()) {
            throw new BadResultsException(file + ": " + JsonErrors.TOP + ": expected an object, got "
                    + JsonErrors.describe(tree) + "; not a dlbench results file", null);
        }
        JsonNode version = tree.get("schema_version");
        if (version == null) {
            throw new BadResultsException(file + ": schema_version: missing; not a dlbench results file", null);
        }
        if (!version.isInt()) {
            throw new BadResultsException(file + ": schema_version: expected an integer, got "
                    + JsonErrors.describe(version), null);
        }
        if (version.asInt() != RunResult.SCHEMA_VERSION) {
            throw new BadResultsException(file + ": schema_version: " + version.asInt() + "; this dlbench reads "
                    + RunResult.SCHEMA_VERSION, null);
        }
        RunResult run;
        try {
            run = JSON.treeToValue(tree, RunResult.class);
        } catch (JsonProcessingException e) {
            throw new BadResultsException(file + ": " + JsonErrors.describe(e, tree), e);
        }
        try {
            run.validate();
        } catch (FieldError e) {
            throw new BadResultsException(file + ": " + e.getMessage(), e);
        }
        return run;
    }

    public static void write(RunResult run, Path file) throws IOException {
        writeAtomically(file, JSON.writeValueAsBytes(run));
    }

    /** Writes next to the target and renames over it, so readers never see half a file. */
    public static void writeAtomically(Path file, byte[] bytes) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
        try {
            Files.write(tmp, bytes);
            // temporary files start private; outputs are ordinary data, readable like any other file
            if (Files.getFileAttributeView(tmp, java.nio.file.attribute.PosixFileAttributeView.class) != null) {
                Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Deletes a directory and everything in it, as far as it can (best effort: a file it cannot delete stays); for
     * scratch directories and a run directory a refused request created.
     */
    public static void deleteQuietly(java.nio.file.Path dir) {
        if (!java.nio.file.Files.exists(dir)) {
            return;
        }
        try (var files = java.nio.file.Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (java.io.IOException | RuntimeException e) {
            // best effort
        }
    }
}
