package org.dlbench.dl4j;

import java.util.Collection;
import java.util.Map;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.samediff.SDLayerParams;
import org.deeplearning4j.nn.conf.layers.samediff.SDVertexParams;
import org.deeplearning4j.nn.conf.layers.samediff.SameDiffLayer;
import org.deeplearning4j.nn.conf.layers.samediff.SameDiffVertex;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.samediff.SameDiffGraphVertex;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * The layers DL4J's layer API lacks, written as {@link SameDiffLayer}, {@link SameDiffLambdaLayer} and
 * {@link SameDiffVertex} subclasses (DL4J's own extension points: they sit in a {@code ComputationGraph} like any
 * layer, and DL4J derives their gradients from the SameDiff graph). Every one works on DL4J's layouts: a flat sample
 * is {@code [N, F]}, a sequence {@code [T, D]} is features-first {@code [N, D, T]}, an image {@code [N, C, H, W]}.
 * Parameters are named by the workload's roles (without underscores: DL4J splits "layer_param" gradient names at the
 * last one) and keep the canonical layout (biases and gains as {@code [1, D]}),
 * so {@link Networks} copies them without reordering. Each class has a no-argument constructor and its fields marked
 * for DL4J's (shaded) Jackson, as DL4J's JSON form (model saving, Spark) needs.
 *
 * <p>Every layer and vertex here runs as a {@link RowMajorLayer} or {@link RowMajorVertex}: DL4J's own SameDiff
 * layer and vertex, fed row-major copies of views and column-major arrays (DL4J's dense layers hand back transposed
 * gradients; the SameDiff session is given them as they are), and with the gradient correction of {@link #halved}.
 */
public final class Dl4jLayers {
    private Dl4jLayers() {
    }

    /** The array itself when it is dense row-major, else a row-major copy in the given workspace. */
    static INDArray rowMajor(INDArray a, LayerWorkspaceMgr mgr, ArrayType type) {
        if (a == null || (a.ordering() == 'c' && !a.isView() && Shape.hasDefaultStridesForShape(a))) {
            return a;
        }
        return mgr.dup(type, a, 'c');
    }

    /**
     * Half the incoming gradient, as a fresh row-major array (the caller's may be shared: an add vertex hands one
     * array to all its inputs). M2.1's SameDiff layers and vertices return twice the gradient of their output, for
     * their parameters and their input alike: measured against finite differences of the score and against the
     * reference step, one SameDiff layer in a chain doubled every gradient below it, two quadrupled them. Halving the
     * gradient they get makes them exact; the first-step conformance checks guard it.
     */
    static INDArray halved(INDArray epsilon, LayerWorkspaceMgr mgr) {
        return mgr.dup(ArrayType.ACTIVATION_GRAD, epsilon, 'c').muli(0.5);
    }

    /** DL4J's SameDiff layer, fed row-major arrays only. */
    static final class RowMajorLayer extends org.deeplearning4j.nn.layers.samediff.SameDiffLayer {
        RowMajorLayer(NeuralNetConfiguration conf, DataType dataType) {
            super(conf, dataType);
        }

        @Override
        public INDArray activate(boolean training, LayerWorkspaceMgr mgr) {
            input = rowMajor(input, mgr, ArrayType.INPUT);
            return super.activate(training, mgr);
        }

        @Override
        public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr mgr) {
            input = rowMajor(input, mgr, ArrayType.INPUT);
            return super.backpropGradient(halved(epsilon, mgr), mgr);
        }
    }

    /** DL4J's SameDiff graph vertex, fed row-major arrays only. */
    static final class RowMajorVertex extends SameDiffGraphVertex {
        RowMajorVertex(SameDiffVertex config, ComputationGraph graph, String name, int index, INDArray params,
                       boolean initialize, DataType dataType) {
            super(config, graph, name, index, params, initialize, dataType);
        }

        private void inputsRowMajor(LayerWorkspaceMgr mgr) {
            for (int k = 0; k < inputs.length; k++) {
                inputs[k] = rowMajor(inputs[k], mgr, ArrayType.INPUT);
            }
        }

        @Override
        public INDArray doForward(boolean training, LayerWorkspaceMgr mgr) {
            inputsRowMajor(mgr);
            return super.doForward(training, mgr);
        }

        @Override
        public Pair<Gradient, INDArray[]> doBackward(boolean tbptt, LayerWorkspaceMgr mgr) {
            inputsRowMajor(mgr);
            epsilon = halved(epsilon, mgr);
            return super.doBackward(tbptt, mgr);
        }
    }

    /** A SameDiff layer whose DL4J layer is a {@link RowMajorLayer}; no parameters unless a subclass defines some. */
    abstract static class Base extends SameDiffLayer {
        @Override
        public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf,
                                                           Collection<TrainingListener> listeners, int index,
                                                           INDArray view, boolean initialize, DataType dataType) {
            RowMajorLayer layer = new RowMajorLayer(conf, dataType);
            layer.setIndex(index);
            layer.setParamsViewArray(view);
            layer.setParamTable(initializer().init(conf, view, initialize));
            layer.setConf(conf);
            return layer;
        }

        @Override
        public void defineParameters(SDLayerParams params) {
        }

        @Override
        public void initializeParameters(Map<String, INDArray> params) {
        }
    }

    /** A SameDiff vertex whose DL4J vertex is a {@link RowMajorVertex}; no parameters. */
    abstract static class BaseVertex extends SameDiffVertex {
        @Override
        public org.deeplearning4j.nn.graph.vertex.GraphVertex instantiate(ComputationGraph graph, String name, int index,
                                                                         INDArray params, boolean initialize,
                                                                         DataType dataType) {
            return new RowMajorVertex(this, graph, name, index, params, initialize, dataType);
        }

        @Override
        public void initializeParameters(Map<String, INDArray> params) {
        }
    }

    /** A float32 constant of the given shape, row-major values. */
    private static SDVariable constant(SameDiff sd, float[] values, long... shape) {
        return sd.constant(Nd4j.create(values, shape, 'c').castTo(DataType.FLOAT));
    }

    /** Learned positions added to a token embedding's output: {@code [N, D, T] + position^T}, position {@code [T, D]}. */
    public static final class PositionAdd extends Base {
        @JsonProperty
        private int steps;
        @JsonProperty
        private int width;

        /** For JSON. */
        public PositionAdd() {
        }

        PositionAdd(int steps, int width) {
            this.steps = steps;
            this.width = width;
        }

        @Override
        public SDVariable defineLayer(SameDiff sd, SDVariable x, Map<String, SDVariable> p, SDVariable mask) {
            SDVariable pos = sd.reshape(sd.permute(p.get("position"), 1, 0), 1, width, steps);
            return x.add(pos);
        }

        @Override
        public void defineParameters(SDLayerParams params) {
            params.addWeightParam("position", steps, width);
        }

        @Override
        public void initializeParameters(Map<String, INDArray> params) {
            params.get("position").assign(0);
        }

        @Override
        public InputType getOutputType(int layerIndex, InputType inputType) {
            return InputType.recurrent(width, steps);
        }
    }

    /**
     * The bags of an embedding bag: the rows DL4J's EmbeddingSequenceLayer looked up for {@code tables * bag} ids,
     * {@code [N, D, tables * bag]}, summed (or averaged) per bag: {@code [N, D, tables]} (features-first, like a
     * sequence over the tables).
     */
    public static final class BagPool extends Base {
        @JsonProperty
        private int width;
        @JsonProperty
        private int tables;
        @JsonProperty
        private int bag;
        @JsonProperty
        private boolean mean;

        /** For JSON. */
        public BagPool() {
        }

        BagPool(int width, int tables, int bag, boolean mean) {
            this.width = width;
            this.tables = tables;
            this.bag = bag;
            this.mean = mean;
        }

        @Override
        public SDVariable defineLayer(SameDiff sd, SDVariable x, Map<String, SDVariable> p, SDVariable mask) {
            SDVariable rows = sd.reshape(x, -1, width, tables, bag);
            return mean ? rows.mean(3) : rows.sum(3);
        }

        @Override
        public InputType getOutputType(int layerIndex, InputType inputType) {
            return InputType.recurrent(width, tables);
        }
    }

    /**
     * Layer normalisation over the canonical last axis (DL4J axis 1 of {@code [N, F]} and {@code [N, D, T]}, axis 3 of
     * {@code [N, C, H, W]}), biased variance, {@code gamma}/{@code beta} {@code [1, D]}; composed of mean, subtract,
     * square, rsqrt so the epsilon is the workload's (libnd4j's layer_norm op fixes its own).
     */
    public static final class LayerNormLayer extends Base {
        @JsonProperty
        private int width;
        @JsonProperty
        private int rank;
        @JsonProperty
        private double epsilon;

        /** For JSON. */
        public LayerNormLayer() {
        }

        LayerNormLayer(int width, int rank, double epsilon) {
            this.width = width;
            this.rank = rank;
            this.epsilon = epsilon;
        }

        @Override
        public SDVariable defineLayer(SameDiff sd, SDVariable x, Map<String, SDVariable> p, SDVariable mask) {
            int axis = rank == 4 ? 3 : 1;
            long[] shape = new long[rank];
            java.util.Arrays.fill(shape, 1);
            shape[axis] = width;
            SDVariable centred = x.sub(x.mean(true, axis));
            SDVariable variance = centred.mul(centred).mean(true, axis);
            SDVariable normed = centred.mul(sd.math.rsqrt(variance.add(epsilon)));
            return normed.mul(sd.reshape(p.get("gamma"), shape)).add(sd.reshape(p.get("beta"), shape));
        }

        @Override
        public void defineParameters(SDLayerParams params) {
            params.addWeightParam("gamma", 1, width);
            params.addBiasParam("beta", 1, width);
        }

        @Override
        public void initializeParameters(Map<String, INDArray> params) {
            params.get("gamma").assign(1);
            params.get("beta").assign(0);
        }

        @Override
        public InputType getOutputType(int layerIndex, InputType inputType) {
            return inputType;
        }
    }

    /** GELU in its erf form, {@code 0.5 x (1 + erf(x / sqrt 2))} (DL4J's {@code Activation.GELU} is a sigmoid form). */
    public static final class GeluLayer extends Base {
        /** For JSON. */
        public GeluLayer() {
        }

        @Override
        public SDVariable defineLayer(SameDiff sd, SDVariable x, Map<String, SDVariable> p, SDVariable mask) {
            return x.mul(sd.math.erf(x.mul(1 / Math.sqrt(2))).add(1.0)).mul(0.5);
        }

        @Override
        public InputType getOutputType(int layerIndex, InputType inputType) {
            return inputType;
        }
    }

    /** A sequence {@code [N, D, T]} flattened in the canonical step-major order: {@code [N, T * D]}. */
    public static final class SequenceFlatten extends Base {
        @JsonProperty
        private int size;

        /** For JSON. */
        public SequenceFlatten() {
        }

        SequenceFlatten(int size) {
            this.size = size;
        }

        @Override
        public SDVariable defineLayer(SameDiff sd, SDVariable x, Map<String, SDVariable> p, SDVariable mask) {
            return sd.reshape(sd.permute(x, 0, 2, 1), -1, size);
        }

        @Override
        public InputType getOutputType(int layerIndex, InputType inputType) {
            return InputType.feedForward(size);
        }
    }

    /**
     * Multi-head self-attention with projection biases and an optional causal mask (DL4J's SelfAttentionLayer has
     * neither) on {@code [N, D, T]}: projections as {@code x W^T + b} with {@code W [out, in]}, heads as contiguous
     * column blocks, batched matrix products over {@code [N * heads, T, dh]}.
     */
    public static final class AttentionLayer extends Base {
        private static final String[] PROJECTIONS = {"q", "k", "v", "o"};
        @JsonProperty
        private int width;
        @JsonProperty
        private int steps;
        @JsonProperty
        private int heads;
        @JsonProperty
        private boolean causal;

        /** For JSON. */
        public AttentionLayer() {
        }

        AttentionLayer(int width, int steps, int heads, boolean causal) {
            this.width = width;
            this.steps = steps;
            this.heads = heads;
            this.causal = causal;
        }

        /** The DL4J key of a projection's weight: no underscore, DL4J splits gradient names at the last one. */
        static String weightKey(String which) {
            return "W" + which;
        }

        /** The DL4J key of a projection's bias. */
        static String biasKey(String which) {
            return "b" + which;
        }

        private SDVariable project(SameDiff sd, SDVariable rows, Map<String, SDVariable> p, String which) {
            return sd.mmul(rows, p.get(weightKey(which)), false, true, false).add(p.get(biasKey(which)));
        }

        /** [N*T, D] rows to [N*heads, T, dh]. */
        private SDVariable split(SameDiff sd, SDVariable rows) {
            int dh = width / heads;
            return sd.reshape(sd.permute(sd.reshape(rows, -1, steps, heads, dh), 0, 2, 1, 3), -1, steps, dh);
        }

        @Override
        public SDVariable defineLayer(SameDiff sd, SDVariable x, Map<String, SDVariable> p, SDVariable mask) {
            int dh = width / heads;
            SDVariable rows = sd.reshape(sd.permute(x, 0, 2, 1), -1, width); // [N*T, D]
            SDVariable q = split(sd, project(sd, rows, p, "q"));
            SDVariable k = split(sd, project(sd, rows, p, "k"));
            SDVariable v = split(sd, project(sd, rows, p, "v"));
            SDVariable scores = sd.mmul(q, k, false, true, false).mul(1 / Math.sqrt(dh)); // [N*h, T, T]
            if (causal) {
                float[] m = new float[steps * steps];
                for (int i = 0; i < steps; i++) {
                    for (int j = i + 1; j < steps; j++) {
                        m[i * steps + j] = (float) org.dlbench.core.workload.layer.Attention.MASK;
                    }
                }
                scores = scores.add(constant(sd, m, 1, steps, steps));
            }
            SDVariable mixed = sd.mmul(sd.nn.softmax(scores, 2), v); // [N*h, T, dh]
            SDVariable joined = sd.reshape(sd.permute(sd.reshape(mixed, -1, heads, steps, dh), 0, 2, 1, 3), -1, width);
            SDVariable out = project(sd, joined, p, "o"); // [N*T, D]
            return sd.permute(sd.reshape(out, -1, steps, width), 0, 2, 1);
        }

        @Override
        public void defineParameters(SDLayerParams params) {
            for (String which : PROJECTIONS) {
                params.addWeightParam(weightKey(which), width, width);
                params.addBiasParam(biasKey(which), 1, width);
            }
        }

        @Override
        public void initializeParameters(Map<String, INDArray> params) {
            for (INDArray a : params.values()) {
                a.assign(0);
            }
        }

        @Override
        public InputType getOutputType(int layerIndex, InputType inputType) {
            return InputType.recurrent(width, steps);
        }
    }

    /**
     * DLRM's pairwise dot interaction over several inputs, each a vector {@code [N, d]} or a stack {@code [N, d, F_a]}
     * (features-first): stacked to {@code z [N, F, d]}, Gram matrix {@code z z^T} by a batched product, then the pairs
     * picked in canonical order by a constant 0/1 selection matrix {@code [F*F, P]} (differentiable, no gather).
     */
    public static final class DotVertex extends BaseVertex {
        @JsonProperty
        private int[] counts;
        @JsonProperty
        private int width;
        @JsonProperty
        private int[][] pairs;

        /** For JSON. */
        public DotVertex() {
        }

        /**
         * @param counts per input, the vectors it holds, 0 for a single vector {@code [N, d]}
         * @param pairs  the pairs {i, j} of the output in order
         */
        DotVertex(int[] counts, int width, int[][] pairs) {
            this.counts = counts.clone();
            this.width = width;
            this.pairs = pairs;
        }

        private int vectors() {
            int f = 0;
            for (int c : counts) {
                f += Math.max(c, 1);
            }
            return f;
        }

        @Override
        public SDVariable defineVertex(SameDiff sd, Map<String, SDVariable> inputs, Map<String, SDVariable> params,
                                       Map<String, SDVariable> masks) {
            SDVariable[] parts = new SDVariable[counts.length];
            for (int k = 0; k < counts.length; k++) {
                SDVariable x = inputs.get("in" + k);
                parts[k] = counts[k] == 0 ? sd.reshape(x, -1, 1, width) : sd.permute(x, 0, 2, 1);
            }
            SDVariable z = parts.length == 1 ? parts[0] : sd.concat(1, parts); // [N, F, d]
            int f = vectors();
            SDVariable gram = sd.reshape(sd.mmul(z, z, false, true, false), -1, (long) f * f);
            float[] select = new float[f * f * pairs.length];
            for (int p = 0; p < pairs.length; p++) {
                select[(pairs[p][0] * f + pairs[p][1]) * pairs.length + p] = 1f;
            }
            return sd.mmul(gram, constant(sd, select, (long) f * f, pairs.length));
        }

        @Override
        public void defineParametersAndInputs(SDVertexParams params) {
            String[] names = new String[counts.length];
            for (int k = 0; k < names.length; k++) {
                names[k] = "in" + k;
            }
            params.defineInputs(names);
        }

        @Override
        public void initializeParameters(Map<String, INDArray> params) {
        }

        @Override
        public InputType getOutputType(int layerIndex, InputType... vertexInputs) {
            return InputType.feedForward(pairs.length);
        }

        @Override
        public DotVertex clone() {
            return new DotVertex(counts, width, pairs);
        }
    }

    /** Concatenation along a DL4J axis other than 1 (which DL4J's MergeVertex covers), e.g. the steps of sequences. */
    public static final class ConcatVertex extends BaseVertex {
        @JsonProperty
        private int inputs;
        @JsonProperty
        private int axis;
        @JsonProperty
        private long[] outShape;

        /** For JSON. */
        public ConcatVertex() {
        }

        /**
         * @param outShape the output's DL4J shape without the batch dimension
         */
        ConcatVertex(int inputs, int axis, long[] outShape) {
            this.inputs = inputs;
            this.axis = axis;
            this.outShape = outShape.clone();
        }

        @Override
        public SDVariable defineVertex(SameDiff sd, Map<String, SDVariable> in, Map<String, SDVariable> params,
                                       Map<String, SDVariable> masks) {
            SDVariable[] parts = new SDVariable[inputs];
            for (int k = 0; k < inputs; k++) {
                parts[k] = in.get("in" + k);
            }
            return sd.concat(axis, parts);
        }

        @Override
        public void defineParametersAndInputs(SDVertexParams params) {
            String[] names = new String[inputs];
            for (int k = 0; k < names.length; k++) {
                names[k] = "in" + k;
            }
            params.defineInputs(names);
        }

        @Override
        public void initializeParameters(Map<String, INDArray> params) {
        }

        @Override
        public InputType getOutputType(int layerIndex, InputType... vertexInputs) {
            return switch (outShape.length) {
                case 1 -> InputType.feedForward(outShape[0]);
                case 2 -> InputType.recurrent(outShape[0], outShape[1]);
                default -> InputType.convolutional(outShape[1], outShape[2], outShape[0]);
            };
        }

        @Override
        public ConcatVertex clone() {
            return new ConcatVertex(inputs, axis, outShape);
        }
    }
}
