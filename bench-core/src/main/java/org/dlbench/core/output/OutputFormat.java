package org.dlbench.core.output;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/**
 * A way to write one kind of result ({@code T}: a run or a comparison) as a file.
 *
 * @param <T> what is written
 */
public interface OutputFormat<T> {
    /** The name users give on the command line ({@code --format NAME}): lower case, no spaces. */
    String name();

    /** The file's name when written into a directory, e.g. {@code results.csv}. */
    String fileName();

    /** One line for {@code --help} and the README: what the file holds and which tool reads it. */
    String description();

    /** Writes {@code value} to {@code out}, leaving the stream open. */
    void write(T value, OutputStream out) throws IOException;

    /** The whole file in memory, to be written atomically or printed. */
    default byte[] bytes(T value) {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        try {
            write(value, buffer);
        } catch (IOException e) {
            // a ByteArrayOutputStream does not fail; a format that throws here has a bug of its own
            throw new UncheckedIOException(e);
        }
        return buffer.toByteArray();
    }
}
