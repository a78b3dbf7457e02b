package org.dlbench.core.workload.layer;

import java.util.List;

/** Square avg pooling over CHW input, no padding, floor rounding; {@code stride} defaults to {@code kernel}. */
public record AvgPool2d(Integer kernel, Integer stride) implements Layer {
    public AvgPool2d {
        stride = stride == null ? kernel : stride;
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.avgPool2d(this);
    }

    @Override
    public String type() {
        return "avgpool2d";
    }

    @Override
    public int[] outputShape(List<int[]> in) {
        return Pooling.outputShape(in, kernel, stride);
    }

    @Override
    public long forwardFlops(Shapes s) {
        return Pooling.flops(s, kernel);
    }

    @Override
    public long backwardFlops(Shapes s, boolean inputGradient) {
        return inputGradient ? Pooling.flops(s, kernel) : 0;
    }

    @Override
    public Tensor forward(Shapes s, List<Tensor> in, Params p) {
        return Pooling.forward(s, in.get(0), kernel, stride, false);
    }

    @Override
    public Tensor[] backward(Shapes s, List<Tensor> in, Tensor out, Tensor dOut, Params p, boolean[] needInput) {
        return new Tensor[] {needInput[0] ? Pooling.backward(s, in.get(0), dOut, kernel, stride, false) : null};
    }
}
