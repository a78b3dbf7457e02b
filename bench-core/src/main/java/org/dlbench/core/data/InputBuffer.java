package org.dlbench.core.data;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;

/**
 * One direct, native-order buffer an engine session reuses for every call's input, refilled in place. Creating each
 * call's input tensor from a {@code float[]} makes DJL allocate a fresh, zeroed direct buffer that only a garbage
 * collection frees: native memory then grows by a batch per call between collections and every call faults in new
 * pages (measured with ONNX Runtime on mlp: about 20 page faults per call and 3-8x the engine's own time).
 */
public final class InputBuffer {
    private final ByteBuffer bytes;
    private final FloatBuffer floats;
    private final LongBuffer longs;

    /** A buffer of {@code values} float32 values. */
    public InputBuffer(int values) {
        bytes = ByteBuffer.allocateDirect(values * Float.BYTES).order(ByteOrder.nativeOrder());
        floats = bytes.asFloatBuffer();
        longs = null;
    }

    private InputBuffer(ByteBuffer bytes) {
        this.bytes = bytes;
        this.floats = null;
        this.longs = bytes.asLongBuffer();
    }

    /** A buffer of {@code values} int64 values, for id inputs ({@link #fill(int[])} widens). */
    public static InputBuffer longs(int values) {
        return new InputBuffer(ByteBuffer.allocateDirect(values * Long.BYTES).order(ByteOrder.nativeOrder()));
    }

    /** The ids widened to int64, copied into the buffer (made by {@link #longs}), positioned at 0. */
    public ByteBuffer fill(int[] values) {
        if (longs == null) {
            throw new IllegalStateException("a float32 buffer cannot take ids; make it with InputBuffer.longs");
        }
        if (values.length != longs.capacity()) {
            throw new IllegalArgumentException("expected " + longs.capacity() + " ids, got " + values.length);
        }
        longs.clear();
        for (int v : values) {
            longs.put(v);
        }
        bytes.clear();
        return bytes;
    }

    /** The values copied into the buffer, positioned at 0 (some engines read it relative to its position). */
    public ByteBuffer fill(float[] values) {
        if (floats == null) {
            throw new IllegalStateException("an int64 buffer cannot take floats");
        }
        if (values.length != floats.capacity()) {
            throw new IllegalArgumentException("expected " + floats.capacity() + " values, got " + values.length);
        }
        floats.clear();
        floats.put(values);
        bytes.clear();
        return bytes;
    }
}
