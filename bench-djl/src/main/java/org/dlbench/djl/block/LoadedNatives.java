package org.dlbench.djl.block;

import org.dlbench.core.process.MappedLibraries;

import com.sun.jna.Function;
import com.sun.jna.Library;
import com.sun.jna.NativeLibrary;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Asks a native library that an engine has already loaded into this process for a number, e.g. the OpenMP default
 * thread count of MXNet's own libgomp or OpenBLAS's pool size: the library is found by its file name in
 * {@code /proc/self/maps}, so the very copy the engine uses answers (it is opened with {@code RTLD_NOLOAD}: the
 * loaded library's handle, never a second copy, its symbol scope unchanged).
 */
public final class LoadedNatives {
    /**
     * dlopen flags {@code RTLD_LAZY | RTLD_NOLOAD} (glibc values): return the handle of the copy already loaded, never
     * load one, and leave its symbol scope alone. JNA's default adds {@code RTLD_GLOBAL}, which would promote a
     * library its engine loaded locally (DJL loads libmxnet with {@code RTLD_LAZY} only) into the global scope: seen
     * to crash TensorFlow loaded later in the same JVM (its protobuf symbols then bound to libmxnet's copy).
     */
    private static final Map<String, Object> OPEN_LOADED = Map.of(Library.OPTION_OPEN_FLAGS, 1 | 4);

    private LoadedNatives() {
    }

    /** The path of a loaded library whose file name starts with {@code prefix} and lies under {@code dirPart}. */
    public static Optional<Path> find(String prefix, String dirPart) {
        return MappedLibraries.findByPrefix(prefix, dirPart);
    }

    /** Calls {@code int name(void)} of a loaded library, or empty when the library or the symbol is not there. */
    public static OptionalInt callInt(String prefix, String dirPart, String function) {
        return function(prefix, dirPart, function).map(f -> {
            try {
                return OptionalInt.of(f.invokeInt(new Object[0]));
            } catch (UnsatisfiedLinkError | RuntimeException e) {
                return OptionalInt.empty();
            }
        }).orElse(OptionalInt.empty());
    }

    /**
     * Calls {@code bool name(void)} of a loaded library (a C++ {@code bool} is returned in the low byte of the
     * return register, so only that byte is read), or empty when the library or the symbol is not there.
     */
    public static Optional<Boolean> callBool(String prefix, String dirPart, String function) {
        return function(prefix, dirPart, function).flatMap(f -> {
            try {
                return Optional.of((f.invokeInt(new Object[0]) & 0xFF) != 0);
            } catch (UnsatisfiedLinkError | RuntimeException e) {
                return Optional.empty();
            }
        });
    }

    /** A function of a loaded library, or empty when the library or the symbol is not there. */
    public static Optional<Function> function(String prefix, String dirPart, String function) {
        Optional<Path> lib = find(prefix, dirPart);
        if (lib.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(NativeLibrary.getInstance(lib.get().toString(), OPEN_LOADED).getFunction(function));
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            return Optional.empty();
        }
    }
}
