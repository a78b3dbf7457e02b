package org.dlbench.core.workload.layer;

import java.util.List;

/** Flattens CHW to a vector in C, H, W order (row-major, as NCHW engines do). */
public record Flatten() implements Layer {
    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.flatten(this);
    }

    @Override
    public String type() {
        return "flatten";
    }

    @Override
    public int[] outputShape(List<int[]> in) {
        return new int[] {Tensor.size(in.get(0))};
    }

    @Override
    public long forwardFlops(Shapes s) {
        return 0;
    }

    @Override
    public long backwardFlops(Shapes s, boolean inputGradient) {
        return 0;
    }

    @Override
    public Tensor forward(Shapes s, List<Tensor> in, Params p) {
        return new Tensor(in.get(0).batch(), s.out(), in.get(0).data()); // already stored row-major
    }

    @Override
    public Tensor[] backward(Shapes s, List<Tensor> in, Tensor out, Tensor dOut, Params p, boolean[] needInput) {
        return new Tensor[] {needInput[0] ? new Tensor(dOut.batch(), s.first(), dOut.data()) : null};
    }
}
