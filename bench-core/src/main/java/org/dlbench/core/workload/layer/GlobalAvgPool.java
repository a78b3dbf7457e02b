package org.dlbench.core.workload.layer;

import java.util.List;

/** Mean over height and width of CHW input: [C, H, W] to [C]. */
public record GlobalAvgPool() implements Layer {
    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.globalAvgPool(this);
    }

    @Override
    public String type() {
        return "globalavgpool";
    }

    @Override
    public int[] outputShape(List<int[]> in) {
        return new int[] {Pooling.needImage(in.get(0))[0]};
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
        int ch = s.first()[0];
        int area = s.first()[1] * s.first()[2];
        Tensor y = Tensor.zeros(x.batch(), s.out());
        for (int b = 0; b < x.batch(); b++) {
            for (int c = 0; c < ch; c++) {
                double acc = 0;
                int base = (b * ch + c) * area;
                for (int i = 0; i < area; i++) {
                    acc += x.data()[base + i];
                }
                y.data()[b * ch + c] = acc / area;
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
        int ch = s.first()[0];
        int area = s.first()[1] * s.first()[2];
        Tensor dx = Tensor.zeros(x.batch(), x.shape());
        for (int b = 0; b < x.batch(); b++) {
            for (int c = 0; c < ch; c++) {
                double share = dOut.data()[b * ch + c] / area;
                int base = (b * ch + c) * area;
                for (int i = 0; i < area; i++) {
                    dx.data()[base + i] = share;
                }
            }
        }
        return new Tensor[] {dx};
    }
}
