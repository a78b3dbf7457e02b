package org.dlbench.core.workload.layer;

import java.util.Arrays;
import java.util.List;

/**
 * Token lookup: ids {@code [T]} (an integer model input) to vectors {@code [T, dim]}, row {@code id} of
 * {@code weight [vocabulary, dim]}; with {@code positional}, a learned {@code position [T, dim]} is added (BERT's
 * position embedding). {@code vocabulary} comes from the input it reads when the file leaves it out. Lookups move
 * bytes rather than FLOPs: see {@link #lookupBytes}.
 */
public record Embedding(Integer dim, Integer vocabulary, Boolean positional) implements Layer {
    public Embedding {
        positional = positional != null && positional;
    }

    /** This layer with the vocabulary of the input it reads. */
    public Embedding withVocabulary(int v) {
        return new Embedding(dim, v, positional);
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.embedding(this);
    }

    @Override
    public String type() {
        return "embedding";
    }

    @Override
    public boolean readsIds() {
        return true;
    }

    @Override
    public int[] outputShape(List<int[]> in) {
        int[] x = in.get(0);
        if (x.length != 1) {
            throw new LayerException(null, "needs token ids of shape [sequence] but gets " + Arrays.toString(x));
        }
        LayerException.positive(vocabulary, "vocabulary");
        return new int[] {x[0], LayerException.positive(dim, "dim")};
    }

    @Override
    public List<Param> params(Shapes s) {
        Param w = Param.trainable("weight", new int[] {vocabulary, dim}, Param.Init.EMBEDDING);
        return positional ? List.of(w, Param.trainable("position", new int[] {s.first()[0], dim}, Param.Init.EMBEDDING))
                : List.of(w);
    }

    @Override
    public long forwardFlops(Shapes s) {
        return positional ? (long) s.first()[0] * dim : 0;
    }

    @Override
    public long backwardFlops(Shapes s, boolean inputGradient) {
        return positional ? (long) s.first()[0] * dim : 0;
    }

    @Override
    public long lookupBytes(Shapes s) {
        return 4L * s.first()[0] * dim;
    }

    @Override
    public Tensor forward(Shapes s, List<Tensor> in, Params p) {
        Tensor ids = in.get(0);
        int t = s.first()[0];
        double[] w = p.value("weight");
        double[] pos = positional ? p.value("position") : null;
        Tensor y = Tensor.zeros(ids.batch(), s.out());
        for (int b = 0; b < ids.batch(); b++) {
            for (int i = 0; i < t; i++) {
                int id = Ids.id(ids.data()[b * t + i], vocabulary);
                for (int d = 0; d < dim; d++) {
                    y.data()[(b * t + i) * dim + d] = w[id * dim + d] + (pos == null ? 0 : pos[i * dim + d]);
                }
            }
        }
        return y;
    }

    @Override
    public Tensor[] backward(Shapes s, List<Tensor> in, Tensor out, Tensor dOut, Params p, boolean[] needInput) {
        Tensor ids = in.get(0);
        int t = s.first()[0];
        double[] gw = p.gradient("weight");
        double[] gp = positional ? p.gradient("position") : null;
        for (int b = 0; b < ids.batch(); b++) {
            for (int i = 0; i < t; i++) {
                int id = Ids.id(ids.data()[b * t + i], vocabulary);
                for (int d = 0; d < dim; d++) {
                    double g = dOut.data()[(b * t + i) * dim + d];
                    gw[id * dim + d] += g;
                    if (gp != null) {
                        gp[i * dim + d] += g;
                    }
                }
            }
        }
        return new Tensor[] {null};
    }
}
