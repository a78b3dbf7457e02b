package org.dlbench.core.data;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import org.dlbench.core.workload.ModelInput;

/**
 * One direct, native-order buffer an engine session reuses for every call's input, refilled in place. Creating each
 * call's input tensor from a {@code float[]} makes DJL allocate a fresh, zeroed direct buffer that only a garbage
 * collection frees: native memory then grows by a batch per call between collections and every call faults in new
 * pages (measured with ONNX Runtime on mlp: about 20 page faults per call and 3-8x the engine's own time).
 *
 * <p>A buffer holds float32, int64 or int32 values; {@link #of} makes the one a model input needs and
 * {@link #fill(Feed)} refills it from that input's feed, checking kind and length.
 */
public final class InputBuffer {
    private final String name;
    private final ByteBuffer bytes;
    private final FloatBuffer floats;
    private final LongBuffer longs;
    private final IntBuffer ints;

    /** A buffer of {@code values} float32 values. */
    public InputBuffer(int values) {
        this("input", ModelInput.Type.FLOAT32, values);
    }

    private InputBuffer(String name, ModelInput.Type type, int values) {
        this.name = name;
        int width = switch (type) {
            case FLOAT32 -> Float.BYTES;
            case INT64 -> Long.BYTES;
            case INT32 -> Integer.BYTES;
        };
        bytes = ByteBuffer.allocateDirect(values * width).order(ByteOrder.nativeOrder());
        floats = type == ModelInput.Type.FLOAT32 ? bytes.asFloatBuffer() : null;
        longs = type == ModelInput.Type.INT64 ? bytes.asLongBuffer() : null;
        ints = type == ModelInput.Type.INT32 ? bytes.asIntBuffer() : null;
    }

    /** A buffer of {@code values} int64 values, for id inputs ({@link #fill(int[])} widens). */
    public static InputBuffer longs(int values) {
        return new InputBuffer("ids", ModelInput.Type.INT64, values);
    }

    /** The buffer a model input needs for a batch of {@code batch} samples, in the input's own element type. */
    public static InputBuffer of(ModelInput input, int batch) {
        return new InputBuffer(input.name(), input.type(), batch * input.size());
    }

    /**
     * The feed's values copied into the buffer, positioned at 0: floats into a float32 buffer, ids into an int64
     * (widened) or int32 one. A feed of the other kind or length is an {@link IllegalArgumentException} naming the
     * input.
     */
    public ByteBuffer fill(Feed feed) {
        // Java 17 has no pattern switch; Feed is sealed to these two
        if (feed instanceof Feed.Floats f) {
            if (floats == null) {
                throw new IllegalArgumentException("input '" + name + "' takes ids, the batch holds floats");
            }
            return fill(f.values());
        }
        Feed.Ids ids = (Feed.Ids) feed;
        if (floats != null) {
            throw new IllegalArgumentException("input '" + name + "' takes float32 values, the batch holds ids");
        }
        return fill(ids.values());
    }

    /** The ids copied into the buffer (int64: widened; int32: as they are), positioned at 0. */
    public ByteBuffer fill(int[] values) {
        if (floats != null) {
            throw new IllegalStateException("a float32 buffer cannot take ids; make it with InputBuffer.longs or of");
        }
        int capacity = longs != null ? longs.capacity() : ints.capacity();
        if (values.length != capacity) {
            throw new IllegalArgumentException("input '" + name + "': expected " + capacity + " ids, got "
                    + values.length);
        }
        if (longs != null) {
            longs.clear();
            for (int v : values) {
                longs.put(v);
            }
        } else {
            ints.clear();
            ints.put(values);
        }
        bytes.clear();
        return bytes;
    }

    /** The values copied into the buffer, positioned at 0 (some engines read it relative to its position). */
    public ByteBuffer fill(float[] values) {
        if (floats == null) {
            throw new IllegalStateException("an id buffer cannot take floats");
        }
        if (values.length != floats.capacity()) {
            throw new IllegalArgumentException("input '" + name + "': expected " + floats.capacity() + " values, got "
                    + values.length);
        }
        floats.clear();
        floats.put(values);
        bytes.clear();
        return bytes;
    }
}
