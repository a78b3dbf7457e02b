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

/** Reads and writes {@code results.json}; writes are atomic (temporary file, then rename). */
public final class ResultsIO {
    public static final String FILE = "results.json";

    /** Shared mapper: snake_case fields, nulls left out, unknown fields tolerated within a schema version. */
    public static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .setSerializationInclusion(JsonInclude.Include.NON_NULL)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private ResultsIO() {
    }

    /** A results file that cannot be used; the message says which file and why. */
    public static class BadResultsException extends RuntimeException {
        public BadResultsException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Reads a results.json, or the one inside a run directory. */
    public static RunResult read(Path fileOrDir) {
        Path file = Files.isDirectory(fileOrDir) ? fileOrDir.resolve(FILE) : fileOrDir;
        if (!Files.isRegularFile(file)) {
            throw new BadResultsException("no results file at " + file, null);
        }
        JsonNode tree;
        try {
            tree = JSON.readTree(file.toFile());
        } catch (JsonProcessingException e) {
            throw new BadResultsException(file + " is not valid JSON (line " + e.getLocation().getLineNr() + "): "
                    + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new BadResultsException("cannot read " + file + ": " + e.getMessage(), e);
        }
        JsonNode version = tree == null ? null : tree.get("schema_version");
        if (version == null || !version.isInt()) {
            throw new BadResultsException(file + " is not a dlbench results file (no schema_version)", null);
        }
        if (version.asInt() != RunResult.SCHEMA_VERSION) {
            throw new BadResultsException(file + " has schema_version " + version.asInt() + "; this dlbench reads "
                    + RunResult.SCHEMA_VERSION, null);
        }
        try {
            return JSON.treeToValue(tree, RunResult.class);
        } catch (JsonProcessingException e) {
            throw new BadResultsException(file + " does not match schema " + RunResult.SCHEMA_VERSION + ": "
                    + e.getOriginalMessage(), e);
        }
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
}
