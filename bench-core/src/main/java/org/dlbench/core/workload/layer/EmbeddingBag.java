package org.dlbench.core.workload.layer;

import java.util.Arrays;
import java.util.List;

/**
 * Sparse features as DLRM reads them: ids {@code [tables, bag]} (or {@code [bag]}, one table) to one vector per table,
 * {@code [tables, dim]} (or {@code [dim]}), the sum (or mean, {@code mode}) of the bag's rows. All tables live in one
 * {@code weight [sum of rows, dim]}, table {@code k} from row {@code rows[0] + ... + rows[k-1]}; {@code rows} comes
 * from the input's vocabulary when the file leaves it out.
 */
public record EmbeddingBag(Integer dim, String mode, List<Integer> rows) implements Layer {
    public EmbeddingBag {
        mode = mode == null ? "sum" : mode;
        rows = rows == null ? null : List.copyOf(rows);
    }

    /** This layer with the per-table vocabularies of the input it reads. */
    public EmbeddingBag withRows(List<Integer> r) {
        return new EmbeddingBag(dim, mode, r);
    }

    /** True for {@code mode: mean}. */
    public boolean mean() {
        return "mean".equals(mode);
    }

    /** Tables, from the input shape. */
    public static int tables(int[] in) {
        return in.length == 2 ? in[0] : 1;
    }

    /** Ids per bag, from the input shape. */
    public static int bag(int[] in) {
        return in[in.length - 1];
    }

    /** The first row of each table in {@code weight}. */
    public int[] offsets() {
        int[] o = new int[rows.size()];
        for (int k = 1; k < o.length; k++) {
            o[k] = o[k - 1] + rows.get(k - 1);
        }
        return o;
    }

    /** Rows of all tables together. */
    public int totalRows() {
        long n = 0;
        for (int r : rows) {
            n += r;
        }
        if (n > Integer.MAX_VALUE) {
            throw new LayerException("rows", "the tables hold " + n + " rows together, more than dlbench allows");
        }
        return (int) n;
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.embeddingBag(this);
    }

    @Override
    public String type() {
        return "embeddingbag";
    }

    @Override
    public boolean readsIds() {
        return true;
    }

    @Override
    public int[] outputShape(List<int[]> in) {
        int[] x = in.get(0);
        if (x.length != 1 && x.length != 2) {
            throw new LayerException(null, "needs ids of shape [tables, bag] or [bag] but gets " + Arrays.toString(x));
        }
        if (!mode.equals("sum") && !mode.equals("mean")) {
            throw new LayerException("mode", "must be 'sum' or 'mean', got '" + mode + "'");
        }
        int d = LayerException.positive(dim, "dim");
        if (rows == null || rows.isEmpty()) {
            throw new LayerException("rows", "missing (it comes from the input's vocabulary)");
        }
        if (rows.size() != tables(x)) {
            throw new LayerException("rows", "needs one row count per table (" + tables(x) + "), got " + rows);
        }
        for (int i = 0; i < rows.size(); i++) {
            LayerException.positive(rows.get(i), "rows[" + i + "]");
        }
        totalRows();
        return x.length == 2 ? new int[] {x[0], d} : new int[] {d};
    }

    @Override
    public List<Param> params(Shapes s) {
        return List.of(Param.trainable("weight", new int[] {totalRows(), dim}, Param.Init.EMBEDDING));
    }

    @Override
    public long forwardFlops(Shapes s) {
        long tables = tables(s.first());
        return tables * (bag(s.first()) - 1) * dim + (mean() ? tables * dim : 0);
    }

    @Override
    public long backwardFlops(Shapes s, boolean inputGradient) {
        return 0;
    }

    @Override
    public long lookupBytes(Shapes s) {
        return 4L * tables(s.first()) * bag(s.first()) * dim;
    }

    @Override
    public Tensor forward(Shapes s, List<Tensor> in, Params p) {
        Tensor ids = in.get(0);
        int tables = tables(s.first());
        int bag = bag(s.first());
        int[] offsets = offsets();
        double[] w = p.value("weight");
        double scale = mean() ? 1.0 / bag : 1.0;
        Tensor y = Tensor.zeros(ids.batch(), s.out());
        for (int b = 0; b < ids.batch(); b++) {
            for (int k = 0; k < tables; k++) {
                for (int j = 0; j < bag; j++) {
                    int row = offsets[k] + Ids.id(ids.data()[(b * tables + k) * bag + j], rows.get(k));
                    for (int d = 0; d < dim; d++) {
                        y.data()[(b * tables + k) * dim + d] += w[row * dim + d];
                    }
                }
                for (int d = 0; d < dim; d++) {
                    y.data()[(b * tables + k) * dim + d] *= scale;
                }
            }
        }
        return y;
    }

    @Override
    public Tensor[] backward(Shapes s, List<Tensor> in, Tensor out, Tensor dOut, Params p, boolean[] needInput) {
        Tensor ids = in.get(0);
        int tables = tables(s.first());
        int bag = bag(s.first());
        int[] offsets = offsets();
        double[] gw = p.gradient("weight");
        double scale = mean() ? 1.0 / bag : 1.0;
        for (int b = 0; b < ids.batch(); b++) {
            for (int k = 0; k < tables; k++) {
                for (int j = 0; j < bag; j++) {
                    int row = offsets[k] + Ids.id(ids.data()[(b * tables + k) * bag + j], rows.get(k));
                    for (int d = 0; d < dim; d++) {
                        gw[row * dim + d] += scale * dOut.data()[(b * tables + k) * dim + d];
                    }
                }
            }
        }
        return new Tensor[] {null};
    }
}
