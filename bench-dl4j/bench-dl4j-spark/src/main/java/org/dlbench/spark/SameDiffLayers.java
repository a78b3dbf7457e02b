package org.dlbench.spark;

import java.util.Collection;
import java.util.Map;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.samediff.SameDiffGraphVertex;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.common.primitives.Pair;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.samediff.SDLayerParams;
import org.deeplearning4j.nn.conf.layers.samediff.SDVertexParams;
import org.deeplearning4j.nn.conf.layers.samediff.SameDiffLambdaLayer;
import org.deeplearning4j.nn.conf.layers.samediff.SameDiffLayer;
import org.deeplearning4j.nn.conf.layers.samediff.SameDiffVertex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * The layers DL4J 1.0.0-M2 has no built-in layer for, written as SameDiff layers and vertices of a
 * ComputationGraph (their gradients come from SameDiff's autodiff). Every one works on DL4J's activation layouts:
 * a sample {@code [D]} is {@code [N, D]}, a sequence sample {@code [T, D]} is features-first {@code [N, D, T]} (DL4J's
 * NCW, what EmbeddingSequenceLayer, LSTM and GlobalPoolingLayer use). Parameters are named by the workload's roles
 * and hold the canonical layout (a bias {@code [D]} as {@code [1, D]}, the same values), so they load and read back
 * as they are. Each class has a public no-argument constructor and plain fields, each marked for DL4J's (shaded)
 * Jackson: Spark workers rebuild the network from the configuration (Java serialisation, and DL4J's JSON, which
 * leaves out unmarked fields).
 */
final class SameDiffLayers {
    private SameDiffLayers() {
    }

    /** Features-first input of a sequence layer: the number of steps, or 0 for a flat {@code [N, D]} input. */
    static InputType type(int width, int steps) {
        return steps == 0 ? InputType.feedForward(width) : InputType.recurrent(width, steps);
    }

    /** The input names of a vertex of {@code n} inputs: in0, in1, ... */
    static String[] names(int n) {
        String[] out = new String[n];
        for (int k = 0; k < n; k++) {
            out[k] = "in" + k;
        }
        return out;
    }

    /** A constant of the graph's data type. */
    private static SDVariable constant(SameDiff sd, INDArray values, DataType type) {
        return sd.constant(values.castTo(type));
    }

    /**
     * DL4J 1.0.0-M2's SameDiff layer and vertex hand SameDiff twice the gradient they receive: every parameter and
     * input gradient comes out exactly 2x (checked against finite differences on {@code y = x * gamma + beta}, and
     * against the reference maths). These implementations halve the incoming gradient, which makes them exact.
     */
    static final double EXTERNAL_GRADIENT_FIX = 0.5;

    /**
     * The second DL4J 1.0.0-M2 SameDiff fault these layers work around: an intermediate variable read by two or more
     * ops gets a wrong gradient (finite differences: {@code c = x - mean(x)}, then {@code c * rsqrt(mean(c^2))} is
     * wrong, the same with {@code c} computed twice is exact; model inputs and parameters read several times are
     * fine). So every intermediate here has one reader, recomputed where two need it.
     */
    static final String SINGLE_READER = "one reader per intermediate";

    /** DL4J's SameDiff layer with the incoming gradient halved ({@link #EXTERNAL_GRADIENT_FIX}). */
    static final class FixedLayer extends org.deeplearning4j.nn.layers.samediff.SameDiffLayer {
        private static final long serialVersionUID = 1L;

        FixedLayer(NeuralNetConfiguration conf, DataType type) {
            super(conf, type);
        }

        @Override
        public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
            return super.backpropGradient(epsilon.mul(EXTERNAL_GRADIENT_FIX), workspaceMgr);
        }
    }

    /** DL4J's SameDiff vertex with the incoming gradient halved ({@link #EXTERNAL_GRADIENT_FIX}). */
    static final class FixedVertex extends SameDiffGraphVertex {
        FixedVertex(SameDiffVertex config, ComputationGraph graph, String name, int index, INDArray params,
                    boolean initialize, DataType type) {
            super(config, graph, name, index, params, initialize, type);
        }

        @Override
        public Pair<Gradient, INDArray[]> doBackward(boolean tbptt, LayerWorkspaceMgr workspaceMgr) {
            epsilon = epsilon.mul(EXTERNAL_GRADIENT_FIX);
            return super.doBackward(tbptt, workspaceMgr);
        }
    }

    /** What DL4J's {@code SameDiffLayer.instantiate} does, with {@link FixedLayer}. */
    static org.deeplearning4j.nn.api.Layer instantiate(SameDiffLayer layer, NeuralNetConfiguration conf, int index,
                                                      INDArray view, boolean initialize, DataType type) {
        FixedLayer ret = new FixedLayer(conf, type);
        ret.setIndex(index);
        ret.setParamsViewArray(view);
        ret.setParamTable(layer.initializer().init(conf, view, initialize));
        ret.setConf(conf);
        return ret;
    }

    /** Base of the parameterised layers here: no pre-processor, input size fixed by the configuration. */
    abstract static class Base extends SameDiffLayer {
        private static final long serialVersionUID = 1L;

        @Override
        public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf,
                                                           Collection<TrainingListener> listeners, int index,
                                                           INDArray view, boolean initialize, DataType type) {
            return SameDiffLayers.instantiate(this, conf, index, view, initialize, type);
        }

        @Override
        public void setNIn(InputType inputType, boolean override) {
            // sizes come from the workload's shapes
        }

        @Override
        public InputPreProcessor getPreProcessorForInputType(InputType inputType) {
            return null;
        }

        @Override
        public void initializeParameters(Map<String, INDArray> params) {
            // overwritten with the workload's shared weights right after init
            params.values().forEach(p -> p.assign(0));
        }
    }

    /**
     * BERT's learned position embedding: {@code x [N, D, T] + position^T}, parameter {@code position [T, D]} in the
     * canonical layout.
     */
    public static final class PositionAdd extends Base {
        private static final long serialVersionUID = 1L;
        @JsonProperty
        private int steps;
        @JsonProperty
        private int width;

        public PositionAdd() {
        }

        PositionAdd(int steps, int width) {
            this.steps = steps;
            this.width = width;
        }

        @Override
        public SDVariable defineLayer(SameDiff sd, SDVariable x, Map<String, SDVariable> p, SDVariable mask) {
            SDVariable pos = sd.expandDims(sd.permute(p.get("position"), 1, 0), 0);
            return x.add(pos);
        }

        @Override
        public void defineParameters(SDLayerParams params) {
            params.addWeightParam("position", steps, width);
        }

        @Override
        public InputType getOutputType(int layerIndex, InputType inputType) {
            return InputType.recurrent(width, steps);
        }
    }

    /**
     * Layer normalisation over the features of {@code [N, D]} or {@code [N, D, T]} (dimension 1): mean, biased
     * variance, {@code (x - mean) / sqrt(var + eps) * gamma + beta}; {@code gamma}, {@code beta} hold {@code D}
     * values each.
     */
    public static final class LayerNorm extends Base {
        private static final long serialVersionUID = 1L;
        @JsonProperty
        private int width;
        @JsonProperty
        private int steps;
        @JsonProperty
        private double epsilon;

        public LayerNorm() {
        }

        LayerNorm(int width, int steps, double epsilon) {
            this.width = width;
            this.steps = steps;
            this.epsilon = epsilon;
        }

        @Override
        public SDVariable defineLayer(SameDiff sd, SDVariable x, Map<String, SDVariable> p, SDVariable mask) {
            // x - mean(x) twice: one intermediate read by two ops gets a wrong gradient (see SINGLE_READER)
            SDVariable centred = x.sub(x.mean(true, 1));
            SDVariable var = sd.math.square(x.sub(x.mean(true, 1))).mean(true, 1);
            SDVariable normed = centred.mul(sd.math.rsqrt(var.add(epsilon)));
            return normed.mul(p.get("gamma")).add(p.get("beta"));
        }

        @Override
        public void defineParameters(SDLayerParams params) {
            long[] shape = steps == 0 ? new long[] {1, width} : new long[] {1, width, 1};
            params.addWeightParam("gamma", shape);
            params.addBiasParam("beta", shape);
        }

        @Override
        public InputType getOutputType(int layerIndex, InputType inputType) {
            return type(width, steps);
        }
    }

    /** GELU in its erf form, {@code x (1 + erf(x / sqrt 2)) / 2} (DL4J's GELU activations are other formulas). */
    public static final class Gelu extends SameDiffLambdaLayer {
        private static final long serialVersionUID = 1L;

        public Gelu() {
        }

        @Override
        public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf,
                                                           Collection<TrainingListener> listeners, int index,
                                                           INDArray view, boolean initialize, DataType type) {
            return SameDiffLayers.instantiate(this, conf, index, view, initialize, type);
        }

        @Override
        public SDVariable defineLayer(SameDiff sd, SDVariable x) {
            return x.mul(sd.math.erf(x.mul(1 / Math.sqrt(2))).add(1)).mul(0.5);
        }

        @Override
        public InputType getOutputType(int layerIndex, InputType inputType) {
            return inputType;
        }

        @Override
        public InputPreProcessor getPreProcessorForInputType(InputType inputType) {
            return null;
        }
    }

    /** Flattens a features-first sequence {@code [N, D, T]} in the canonical order, {@code [N, T * D]} (step-major). */
    public static final class FlattenSequence extends SameDiffLambdaLayer {
        private static final long serialVersionUID = 1L;
        @JsonProperty
        private int steps;
        @JsonProperty
        private int width;

        public FlattenSequence() {
        }

        FlattenSequence(int steps, int width) {
            this.steps = steps;
            this.width = width;
        }

        @Override
        public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf,
                                                           Collection<TrainingListener> listeners, int index,
                                                           INDArray view, boolean initialize, DataType type) {
            return SameDiffLayers.instantiate(this, conf, index, view, initialize, type);
        }

        @Override
        public SDVariable defineLayer(SameDiff sd, SDVariable x) {
            return sd.reshape(sd.permute(x, 0, 2, 1), -1, (long) steps * width);
        }

        @Override
        public InputType getOutputType(int layerIndex, InputType inputType) {
            return InputType.feedForward((long) steps * width);
        }

        @Override
        public InputPreProcessor getPreProcessorForInputType(InputType inputType) {
            return null;
        }
    }

    /** Multiplies by a constant (an embedding bag's mean pooling times the bag: its sum). */
    public static final class Scale extends SameDiffLambdaLayer {
        private static final long serialVersionUID = 1L;
        @JsonProperty
        private double factor;

        public Scale() {
        }

        Scale(double factor) {
            this.factor = factor;
        }

        @Override
        public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf,
                                                           Collection<TrainingListener> listeners, int index,
                                                           INDArray view, boolean initialize, DataType type) {
            return SameDiffLayers.instantiate(this, conf, index, view, initialize, type);
        }

        @Override
        public SDVariable defineLayer(SameDiff sd, SDVariable x) {
            return x.mul(factor);
        }

        @Override
        public InputType getOutputType(int layerIndex, InputType inputType) {
            return inputType;
        }

        @Override
        public InputPreProcessor getPreProcessorForInputType(InputType inputType) {
            return null;
        }
    }

    /**
     * Multi-head self-attention on {@code [N, D, T]}: projections {@code x W^T + b} ({@code q/k/v/o_weight [D, D]}
     * [out, in], biases [D]), heads as contiguous column blocks, {@code softmax(Q_h K_h^T / sqrt(dh) + M) V_h}, with
     * {@code M} the causal constant (-1e9 above the diagonal) when causal; output {@code [N, D, T]}.
     */
    public static final class Attention extends Base {
        private static final long serialVersionUID = 1L;
        @JsonProperty
        private int width;
        @JsonProperty
        private int steps;
        @JsonProperty
        private int heads;
        @JsonProperty
        private boolean causal;

        public Attention() {
        }

        Attention(int width, int steps, int heads, boolean causal) {
            this.width = width;
            this.steps = steps;
            this.heads = heads;
            this.causal = causal;
        }

        /**
         * The parameter key of a workload role such as {@code q_weight}: {@code qweight}, without the underscore (DL4J's
         * updater splits {@code <layer>_<key>} at the last underscore to find the layer).
         */
        static String key(String projection, String tensor) {
            return projection + tensor;
        }

        /** {@code x W^T + b} on rows {@code [N*T, D]}. */
        private static SDVariable project(SameDiff sd, SDVariable rows, Map<String, SDVariable> p, String role) {
            return sd.mmul(rows, p.get(key(role, "weight")), false, true, false).add(p.get(key(role, "bias")));
        }

        /** Features-first {@code [N, D, T]} as rows {@code [N*T, D]}. */
        private SDVariable rows(SameDiff sd, SDVariable x) {
            return sd.reshape(sd.permute(x, 0, 2, 1), -1, width);
        }

        /** Rows {@code [N*T, D]} to heads {@code [N*h, T, dh]}. */
        private SDVariable heads(SameDiff sd, SDVariable rows) {
            int dh = width / heads;
            SDVariable split = sd.permute(sd.reshape(rows, -1, steps, heads, dh), 0, 2, 1, 3);
            return sd.reshape(split, -1, steps, dh);
        }

        @Override
        public SDVariable defineLayer(SameDiff sd, SDVariable x, Map<String, SDVariable> p, SDVariable mask) {
            int dh = width / heads;
            // the rows [N*T, D] once per projection: one intermediate read by three ops gets a wrong gradient
            SDVariable q = heads(sd, project(sd, rows(sd, x), p, "q"));
            SDVariable k = heads(sd, project(sd, rows(sd, x), p, "k"));
            SDVariable v = heads(sd, project(sd, rows(sd, x), p, "v"));
            SDVariable scores = sd.mmul(q, k, false, true, false).mul(1 / Math.sqrt(dh)); // [N*h, T, T]
            if (causal) {
                INDArray m = Nd4j.zeros(DataType.DOUBLE, steps, steps);
                for (int i = 0; i < steps; i++) {
                    for (int j = i + 1; j < steps; j++) {
                        m.putScalar(i, j, org.dlbench.core.workload.layer.Attention.MASK);
                    }
                }
                scores = scores.add(constant(sd, m, x.dataType()));
            }
            SDVariable a = sd.nn.softmax(scores, 2);
            SDVariable o = sd.mmul(a, v); // [N*h, T, dh]
            SDVariable merged = sd.reshape(sd.permute(sd.reshape(o, -1, heads, steps, dh), 0, 2, 1, 3), -1, width);
            SDVariable y = project(sd, merged, p, "o"); // [N*T, D]
            return sd.permute(sd.reshape(y, -1, steps, width), 0, 2, 1);
        }

        @Override
        public void defineParameters(SDLayerParams params) {
            for (String role : new String[] {"q", "k", "v", "o"}) {
                params.addWeightParam(key(role, "weight"), width, width);
                params.addBiasParam(key(role, "bias"), 1, width);
            }
        }

        @Override
        public InputType getOutputType(int layerIndex, InputType inputType) {
            return InputType.recurrent(width, steps);
        }
    }

    /**
     * DLRM's interaction: the inputs ({@code [N, d]} vectors or {@code [N, d, F_a]} features-first stacks) stacked
     * in order into {@code z [N, F, d]}, the Gram matrix {@code z z^T}, and the pairs {@code (i, j)} ({@code i < j}, or
     * {@code i <= j} with self) in row-major order picked by a constant 0/1 selection matrix: {@code [N, P]}.
     */
    public static final class Dot extends SameDiffVertex {
        private static final long serialVersionUID = 1L;
        /** Vectors per input: 0 for a flat {@code [d]} input, else the stack's length. */
        @JsonProperty
        private int[] counts;
        @JsonProperty
        private int width;
        @JsonProperty
        private boolean self;

        public Dot() {
        }

        Dot(int[] counts, int width, boolean self) {
            this.counts = counts.clone();
            this.width = width;
            this.self = self;
        }

        private int vectors() {
            int f = 0;
            for (int c : counts) {
                f += Math.max(c, 1);
            }
            return f;
        }

        @Override
        public SDVariable defineVertex(SameDiff sd, Map<String, SDVariable> in, Map<String, SDVariable> p,
                                       Map<String, SDVariable> masks) {
            SDVariable[] parts = new SDVariable[counts.length];
            for (int k = 0; k < counts.length; k++) {
                SDVariable x = in.get("in" + k);
                parts[k] = counts[k] == 0 ? sd.expandDims(x, 1) : sd.permute(x, 0, 2, 1);
            }
            SDVariable z = parts.length == 1 ? parts[0] : sd.concat(1, parts); // [N, F, d]
            int f = vectors();
            int[][] pairs = new org.dlbench.core.workload.layer.Dot(self).pairs(f);
            INDArray select = Nd4j.zeros(DataType.DOUBLE, (long) f * f, pairs.length);
            for (int k = 0; k < pairs.length; k++) {
                select.putScalar(pairs[k][0] * f + pairs[k][1], k, 1.0);
            }
            SDVariable gram = sd.mmul(z, z, false, true, false); // [N, F, F]
            return sd.mmul(sd.reshape(gram, -1, (long) f * f), constant(sd, select, z.dataType()));
        }

        @Override
        public void defineParametersAndInputs(SDVertexParams params) {
            params.defineInputs(names(counts.length));
        }

        @Override
        public void initializeParameters(Map<String, INDArray> params) {
            // none
        }

        @Override
        public InputType getOutputType(int layerIndex, InputType... vertexInputs) {
            int f = vectors();
            return InputType.feedForward(f * (f - 1) / 2 + (self ? f : 0));
        }

        @Override
        public GraphVertex clone() {
            return new Dot(counts, width, self);
        }

        @Override
        public org.deeplearning4j.nn.graph.vertex.GraphVertex instantiate(ComputationGraph graph, String name, int idx,
                                                                          INDArray params, boolean initialize,
                                                                          DataType type) {
            return new FixedVertex(this, graph, name, idx, params, initialize, type);
        }
    }

    /**
     * Concatenation along a DL4J dimension other than 1 (MergeVertex's): the time axis of features-first sequences,
     * or the height or width of images. Output type: the first input's with the merged dimension summed.
     */
    public static final class Concat extends SameDiffVertex {
        private static final long serialVersionUID = 1L;
        @JsonProperty
        private int inputs;
        @JsonProperty
        private int axis;
        /** The output sample shape, canonical. */
        @JsonProperty
        private int[] out;

        public Concat() {
        }

        Concat(int inputs, int axis, int[] out) {
            this.inputs = inputs;
            this.axis = axis;
            this.out = out.clone();
        }

        @Override
        public SDVariable defineVertex(SameDiff sd, Map<String, SDVariable> in, Map<String, SDVariable> p,
                                       Map<String, SDVariable> masks) {
            SDVariable[] parts = new SDVariable[inputs];
            for (int k = 0; k < inputs; k++) {
                parts[k] = in.get("in" + k);
            }
            return sd.concat(axis, parts);
        }

        @Override
        public void defineParametersAndInputs(SDVertexParams params) {
            params.defineInputs(names(inputs));
        }

        @Override
        public void initializeParameters(Map<String, INDArray> params) {
            // none
        }

        @Override
        public InputType getOutputType(int layerIndex, InputType... vertexInputs) {
            return NetworkFactory.typeOf(out);
        }

        @Override
        public GraphVertex clone() {
            return new Concat(inputs, axis, out);
        }

        @Override
        public org.deeplearning4j.nn.graph.vertex.GraphVertex instantiate(ComputationGraph graph, String name, int idx,
                                                                          INDArray params, boolean initialize,
                                                                          DataType type) {
            return new FixedVertex(this, graph, name, idx, params, initialize, type);
        }
    }
}
