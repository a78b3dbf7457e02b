package org.dlbench.core.workload.layer;

import java.util.Arrays;
import java.util.List;

/** Joins two or more inputs along a sample axis ({@code axis}, 0 by default); every other dimension must agree. */
public record Concat(Integer axis) implements Layer {
    public Concat {
        axis = axis == null ? 0 : axis;
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.concat(this);
    }

    @Override
    public String type() {
        return "concat";
    }

    @Override
    public int minInputs() {
        return 2;
    }

    @Override
    public int maxInputs() {
        return Integer.MAX_VALUE;
    }

    @Override
    public int[] outputShape(List<int[]> in) {
        int rank = in.get(0).length;
        if (axis < 0 || axis >= rank) {
            throw new LayerException("axis", "must be a sample axis in 0.." + (rank - 1) + ", got " + axis);
        }
        int[] out = in.get(0).clone();
        out[axis] = 0;
        for (int[] x : in) {
            boolean fits = x.length == rank;
            for (int i = 0; fits && i < rank; i++) {
                fits = i == axis || x[i] == out[i];
            }
            if (!fits) {
                throw new LayerException("inputs", "needs inputs that differ only on axis " + axis + " but gets "
                        + in.stream().map(Arrays::toString).toList());
            }
            out[axis] += x[axis];
        }
        return out;
    }

    @Override
    public long forwardFlops(Shapes s) {
        return 0;
    }

    @Override
    public long backwardFlops(Shapes s, boolean inputGradient) {
        return 0;
    }

    /** Values per sample before the axis (outer) and at and after it, per input and for the output. */
    private int outer(int[] shape) {
        int n = 1;
        for (int i = 0; i < axis; i++) {
            n *= shape[i];
        }
        return n;
    }

    private int block(int[] shape) {
        int n = 1;
        for (int i = axis; i < shape.length; i++) {
            n *= shape[i];
        }
        return n;
    }

    @Override
    public Tensor forward(Shapes s, List<Tensor> in, Params p) {
        int batch = in.get(0).batch();
        Tensor y = Tensor.zeros(batch, s.out());
        int outer = outer(s.out());
        int outBlock = block(s.out());
        for (int b = 0; b < batch; b++) {
            for (int o = 0; o < outer; o++) {
                int at = (b * outer + o) * outBlock;
                for (int k = 0; k < in.size(); k++) {
                    int blk = block(s.in().get(k));
                    System.arraycopy(in.get(k).data(), (b * outer + o) * blk, y.data(), at, blk);
                    at += blk;
                }
            }
        }
        return y;
    }

    @Override
    public Tensor[] backward(Shapes s, List<Tensor> in, Tensor out, Tensor dOut, Params p, boolean[] needInput) {
        int batch = dOut.batch();
        int outer = outer(s.out());
        int outBlock = block(s.out());
        Tensor[] dx = new Tensor[in.size()];
        for (int k = 0; k < in.size(); k++) {
            dx[k] = needInput[k] ? Tensor.zeros(batch, s.in().get(k)) : null;
        }
        for (int b = 0; b < batch; b++) {
            for (int o = 0; o < outer; o++) {
                int at = (b * outer + o) * outBlock;
                for (int k = 0; k < in.size(); k++) {
                    int blk = block(s.in().get(k));
                    if (dx[k] != null) {
                        System.arraycopy(dOut.data(), at, dx[k].data(), (b * outer + o) * blk, blk);
                    }
                    at += blk;
                }
            }
        }
        return dx;
    }
}
