package org.dlbench.paddle;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.dlbench.core.data.Weights;
import org.dlbench.core.workload.ParamSpec;
import org.dlbench.core.workload.Stage;
import org.dlbench.core.workload.Workload;
import org.dlbench.paddle.proto.PaddleFramework.VarType;

/**
 * Paddle's combined parameter file ({@code inference.pdiparams}), the stream {@code load_combine} reads: one
 * LoDTensor record per persistable variable in sorted name order, each little-endian
 * {@code uint32 version=0, uint64 lod_levels=0, uint32 tensor_version=0, int32 desc_length, TensorDesc, data} (float32;
 * int64 for the program's integer constants).
 */
final class ParamsFile {
    /** Bytes before the TensorDesc in one record: version, lod level count, tensor version, desc length. */
    static final int HEADER_BYTES = 4 + 8 + 4 + 4;

    /** One parameter or constant in Paddle's layout: float32 {@code data}, or int64 {@code longs} (then data is null). */
    record Tensor(String name, long[] dims, float[] data, long[] longs) {
        /** A float32 tensor. */
        Tensor(String name, long[] dims, float[] data) {
            this(name, dims, data, null);
        }

        /** An int64 tensor. */
        static Tensor ofLongs(String name, long[] dims, long[] values) {
            return new Tensor(name, dims, null, values);
        }

        /** The element type. */
        VarType.Type type() {
            return longs == null ? VarType.Type.FP32 : VarType.Type.INT64;
        }

        /** How many values the tensor holds. */
        int count() {
            return longs == null ? data.length : longs.length;
        }
    }

    private ParamsFile() {
    }

    /**
     * The workload's parameters from the shared weights (dense and attention weights transposed to [in, out]), then
     * the program's constants ({@link ProgramWriter.Program#constants}).
     */
    static List<Tensor> tensors(Workload workload, Weights weights) {
        List<Tensor> list = new ArrayList<>();
        for (Stage stage : workload.stages()) {
            for (ParamSpec p : stage.params()) {
                float[] data = ProgramWriter.transposed(stage, p) ? weights.transposed(p.name()) : weights.get(p.name());
                int[] shape = ProgramWriter.paddleShape(stage, p);
                long[] dims = new long[shape.length];
                for (int k = 0; k < shape.length; k++) {
                    dims[k] = shape[k];
                }
                list.add(new Tensor(p.name(), dims, data));
            }
        }
        list.addAll(ProgramWriter.build(workload).constants());
        return list;
    }

    /** Writes the tensors in sorted name order, the order Paddle's predictor loads a combined file in. */
    static void write(List<Tensor> tensors, OutputStream out) throws IOException {
        List<Tensor> sorted = new ArrayList<>(tensors);
        sorted.sort(Comparator.comparing(Tensor::name));
        for (Tensor t : sorted) {
            writeTensor(t, out);
        }
    }

    static byte[] tensorDesc(long[] dims) {
        return tensorDesc(dims, VarType.Type.FP32);
    }

    static byte[] tensorDesc(long[] dims, VarType.Type type) {
        VarType.TensorDesc.Builder desc = VarType.TensorDesc.newBuilder().setDataType(type);
        for (long d : dims) {
            desc.addDims(d);
        }
        return desc.build().toByteArray();
    }

    private static void writeTensor(Tensor t, OutputStream out) throws IOException {
        long count = 1;
        for (long d : t.dims()) {
            count *= d;
        }
        if (count != t.count()) {
            throw new IllegalArgumentException(t.name() + ": dims hold " + count + " values, data has " + t.count());
        }
        byte[] desc = tensorDesc(t.dims(), t.type());
        ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        header.putInt(0);     // LoDTensor version
        header.putLong(0L);   // number of LoD levels: none
        header.putInt(0);     // Tensor version
        header.putInt(desc.length);
        out.write(header.array());
        out.write(desc);
        if (t.longs() != null) {
            ByteBuffer data = ByteBuffer.allocate(t.longs().length * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            data.asLongBuffer().put(t.longs());
            out.write(data.array());
            return;
        }
        ByteBuffer data = ByteBuffer.allocate(t.data().length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        data.asFloatBuffer().put(t.data());
        out.write(data.array());
    }
}
