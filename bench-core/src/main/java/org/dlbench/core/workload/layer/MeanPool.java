package org.dlbench.core.workload.layer;

import java.util.Arrays;
import java.util.List;

/** The mean over the sequence: {@code [T, D]} to {@code [D]}. */
public record MeanPool() implements Layer {
    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.meanPool(this);
    }

    @Override
    public String type() {
        return "meanpool";
    }

    @Override
    public int[] outputShape(List<int[]> in) {
        int[] x = in.get(0);
        if (x.length != 2) {
            throw new LayerException(null, "needs a sequence [steps, features] but gets " + Arrays.toString(x));
        }
        return new int[] {x[1]};
    }

    @Override
    public long forwardFlops(Shapes s) {
        return Tensor.size(s.first());
    }

    @Override
    public long backwardFlops(Shapes s, boolean inputGradient) {
        return inputGradient ? Tensor.size(s.first()) : 0;
    }

    @Override
    public Tensor forward(Shapes s, List<Tensor> in, Params p) {
        Tensor x = in.get(0);
        int t = s.first()[0];
        int d = s.first()[1];
        Tensor y = Tensor.zeros(x.batch(), s.out());
        for (int b = 0; b < x.batch(); b++) {
            for (int i = 0; i < t; i++) {
                for (int j = 0; j < d; j++) {
                    y.data()[b * d + j] += x.data()[(b * t + i) * d + j] / t;
                }
            }
        }
        return y;
    }

    @Override
    public Tensor[] backward(Shapes s, List<Tensor> in, Tensor out, Tensor dOut, Params p, boolean[] needInput) {
        if (!needInput[0]) {
            return new Tensor[] {null};
        }
        Tensor x = in.get(0);
        int t = s.first()[0];
        int d = s.first()[1];
        Tensor dx = Tensor.zeros(x.batch(), x.shape());
        for (int b = 0; b < x.batch(); b++) {
            for (int i = 0; i < t; i++) {
                for (int j = 0; j < d; j++) {
                    dx.data()[(b * t + i) * d + j] = dOut.data()[b * d + j] / t;
                }
            }
        }
        return new Tensor[] {dx};
    }
}
