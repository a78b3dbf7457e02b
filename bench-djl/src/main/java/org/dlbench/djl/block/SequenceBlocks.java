package org.dlbench.djl.block;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.core.Linear;
import ai.djl.nn.recurrent.LSTM;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.dlbench.core.workload.layer.Attention;
import org.dlbench.core.workload.layer.Dot;
import org.dlbench.core.workload.layer.EmbeddingBag;
import org.dlbench.core.workload.layer.Lstm;

/**
 * The DJL blocks of the sequence and sparse layers that DJL has no ready block for (or whose ready block holds
 * its parameters differently from the canonical layout), shared by PyTorch and MXNet. Each is an
 * {@link AbstractBlock} with its own {@link Parameter}s and {@code getOutputShapes}: never a {@code LambdaBlock},
 * whose shape inference runs the lambda on float zeros of the default engine. Constants (embedding-bag row offsets,
 * the dot selection matrix, the causal mask) are made once, on the model's manager, when the block is initialised.
 * Only engine-neutral {@code NDArray} operations are used: {@code matMul} (not {@code batchMatMul}, 3-D only on
 * PyTorch and refused by MXNet; not {@code batchDot}, refused by PyTorch), {@code Linear.linear} (PyTorch
 * {@code linear}, MXNet {@code FullyConnected} with flatten false: both on the last axis), {@code Embedding.embedding}.
 */
final class SequenceBlocks {
    private SequenceBlocks() {
    }

    /** A block that names its parameters by the workload's roles, so they bind to the shared tensors by role. */
    interface Canonical {
        /** Role (as the layer record names it) to the parameter holding it, in canonical layout. */
        Map<String, Parameter> canonical();
    }

    private static Map<String, Parameter> byName(Parameter... ps) {
        Map<String, Parameter> m = new LinkedHashMap<>();
        for (Parameter p : ps) {
            if (p != null) {
                m.put(p.getName(), p);
            }
        }
        return Collections.unmodifiableMap(m);
    }

    /** Common part: the stage's output sample shape, the output shape for any batch. */
    private abstract static class Stage extends AbstractBlock implements Canonical {
        private final int[] out;

        Stage(int[] out) {
            this.out = out.clone();
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputShapes) {
            return new Shape[] {GraphBlock.batched(inputShapes[0].get(0), out)};
        }

        @Override
        public Map<String, Parameter> canonical() {
            return byName();
        }

        Parameter parameter(String name, Parameter.Type type, long... shape) {
            return addParameter(Parameter.builder().setName(name).setType(type).optShape(new Shape(shape)).build());
        }

        NDArray value(ParameterStore store, Parameter p, Device device, boolean training) {
            return store.getValue(p, device, training);
        }
    }

    /** Token lookup: INT64 ids [N, T] to [N, T, dim] (+ the position table [T, dim] when positional). */
    static final class EmbeddingBlock extends Stage {
        private final Parameter weight;
        private final Parameter position;

        EmbeddingBlock(int vocabulary, int dim, int positionalSteps, int[] out) {
            super(out);
            weight = parameter("weight", Parameter.Type.WEIGHT, vocabulary, dim);
            position = positionalSteps > 0 ? parameter("position", Parameter.Type.WEIGHT, positionalSteps, dim)
                    : null;
        }

        @Override
        public Map<String, Parameter> canonical() {
            return byName(weight, position);
        }

        @Override
        protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
                                         PairList<String, Object> params) {
            NDArray ids = inputs.singletonOrThrow();
            Device device = ids.getDevice();
            NDArray y = Embedding.embedding(ids, value(store, weight, device, training), SparseFormat.DENSE)
                    .singletonOrThrow();
            return new NDList(position == null ? y : y.add(value(store, position, device, training)));
        }
    }

    /**
     * Embedding bags: INT64 ids [N, tables, bag] (or [N, bag]) plus each table's row offset (a constant), looked up in
     * the one weight [sum of rows, dim], then summed (or averaged) over the bag: [N, tables, dim] (or [N, dim]).
     */
    static final class EmbeddingBagBlock extends Stage {
        private final Parameter weight;
        private final long[] offsets;
        private final boolean mean;
        private NDArray offsetArray;

        EmbeddingBagBlock(EmbeddingBag layer, int[] in, int[] out) {
            super(out);
            weight = parameter("weight", Parameter.Type.WEIGHT, layer.totalRows(), layer.dim());
            this.mean = layer.mean();
            // ids [bag] read one table at offset 0: nothing to add
            this.offsets = in.length == 2 ? java.util.Arrays.stream(layer.offsets()).asLongStream().toArray() : null;
        }

        @Override
        public Map<String, Parameter> canonical() {
            return byName(weight);
        }

        @Override
        protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
            if (offsets != null && offsetArray == null) {
                // INT64 [tables, 1]: broadcasts over the batch and the bag
                offsetArray = manager.create(offsets, new Shape(offsets.length, 1));
            }
        }

        @Override
        protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
                                         PairList<String, Object> params) {
            NDArray ids = inputs.singletonOrThrow();
            int bagAxis = ids.getShape().dimension() - 1;
            NDArray rows = offsetArray == null ? ids : ids.add(offsetArray);
            NDArray looked = Embedding.embedding(rows, value(store, weight, ids.getDevice(), training),
                    SparseFormat.DENSE).singletonOrThrow();
            int[] axis = {bagAxis};
            return new NDList(mean ? looked.mean(axis) : looked.sum(axis));
        }
    }

    /**
     * Stacked LSTM as one DJL {@link LSTM} block per layer (batch first, zero initial state): DJL packs a multi-layer
     * block's parameters per layer, which MXNet's fused RNN op reads as all weights then all biases, so stacking
     * single-layer blocks keeps both engines right. Each layer block has two biases (DJL {@code i2h} and {@code h2h});
     * the canonical single bias is {@code i2h}, and {@code h2h} starts at zero and is frozen (not trained: the trainer
     * updates only parameters that require a gradient), so that SGD moves the sum of the two as the one bias.
     *
     * <p>When the block is initialised, each layer's fused op is run once on the session's input shape (random
     * input, the real weights) and compared with the same layer composed of plain ops ({@code linear}, sigmoid,
     * tanh, one step at a time). A layer whose fused op disagrees runs composed from then on, and
     * {@link #kernels()} says so. Seen: LibTorch 2.7.1's oneDNN LSTM with AVX-512 on an AMD EPYC gives wrong
     * hidden states for some hidden sizes (1-16, 33, 48 wrong; 17-32, 64, 128 right; right with
     * {@code ONEDNN_MAX_CPU_ISA=AVX2}).
     */
    static final class LstmBlock extends Stage {
        /** Largest difference between the fused and the composed op accepted as float32 rounding. */
        static final double FUSED_TOLERANCE = 1e-4;
        private final String name;
        private final List<LSTM> layers = new ArrayList<>();
        private final List<Parameter[]> tensors = new ArrayList<>();
        private final Map<String, Parameter> canonical = new LinkedHashMap<>();
        private final int hidden;
        private final boolean sequence;
        private boolean[] composed;
        private final List<String> kernels = new ArrayList<>();

        LstmBlock(String name, Lstm layer, int[] out) {
            super(out);
            this.name = name;
            this.hidden = layer.hidden();
            this.sequence = layer.sequence();
            for (int l = 0; l < layer.layers(); l++) {
                LSTM block = addChildBlock("layer" + l, LSTM.builder().setStateSize(hidden).setNumLayers(1).build());
                layers.add(block);
                Parameter ih = direct(block, "l_0_i2h_WEIGHT");
                Parameter hh = direct(block, "l_0_h2h_WEIGHT");
                Parameter bias = direct(block, "l_0_i2h_BIAS");
                Parameter second = direct(block, "l_0_h2h_BIAS");
                canonical.put(Lstm.role(l, "weight_ih"), ih);
                canonical.put(Lstm.role(l, "weight_hh"), hh);
                canonical.put(Lstm.role(l, "bias"), bias);
                second.setInitializer(Initializer.ZEROS);
                second.freeze(true);
                tensors.add(new Parameter[] {ih, hh, bias, second});
            }
        }

        private static Parameter direct(LSTM block, String name) {
            Parameter p = block.getDirectParameters().get(name);
            if (p == null) {
                throw new IllegalStateException("DJL's LSTM block has no parameter '" + name + "' (has "
                        + block.getDirectParameters().keys() + ")");
            }
            return p;
        }

        @Override
        public Map<String, Parameter> canonical() {
            return Collections.unmodifiableMap(canonical);
        }

        /** Per layer, which op runs it and why (after initialisation). */
        List<String> kernels() {
            return List.copyOf(kernels);
        }

        @Override
        protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
            Shape x = inputShapes[0];
            composed = new boolean[layers.size()];
            kernels.clear();
            for (int l = 0; l < layers.size(); l++) {
                layers.get(l).initialize(manager, dataType, x);
                double diff = fusedVersusComposed(manager, l, x);
                composed[l] = !(diff <= FUSED_TOLERANCE);
                kernels.add(name + " layer " + l + ": " + (composed[l]
                        ? String.format(java.util.Locale.ROOT, "composed (the fused LSTM op differs from the LSTM maths"
                                + " by %.3g on input %s here)", diff, x)
                        : "fused LSTM op"));
                x = new Shape(x.get(0), x.get(1), hidden);
            }
        }

        /** Largest difference between layer {@code l}'s fused and composed output on a random input. */
        private double fusedVersusComposed(NDManager manager, int l, Shape shape) {
            try (NDManager probe = manager.newSubManager()) {
                ParameterStore store = new ParameterStore(probe, false);
                NDArray x = probe.randomUniform(-1f, 1f, shape);
                NDArray fused = layers.get(l).forward(store, new NDList(x), false).head();
                NDArray plain = composedLayer(store, l, x, false);
                return fused.sub(plain).abs().max().getFloat();
            }
        }

        /**
         * One layer from plain ops: {@code a_t = (x_t W_ih^T + b_ih) + (h W_hh^T + b_hh)}, gate blocks i, f, g, o;
         * returns every hidden state, [N, T, H].
         */
        private NDArray composedLayer(ParameterStore store, int l, NDArray x, boolean training) {
            Device device = x.getDevice();
            Parameter[] p = tensors.get(l);
            NDArray wih = value(store, p[0], device, training);
            NDArray whh = value(store, p[1], device, training);
            NDArray bih = value(store, p[2], device, training);
            NDArray bhh = value(store, p[3], device, training);
            long n = x.getShape().get(0);
            long steps = x.getShape().get(1);
            NDArray inputPart = Linear.linear(x, wih, bih).singletonOrThrow();
            NDArray h = x.getManager().zeros(new Shape(n, hidden));
            NDArray c = x.getManager().zeros(new Shape(n, hidden));
            NDList states = new NDList((int) steps);
            String i = ":, 0:" + hidden;
            String f = ":, " + hidden + ":" + 2 * hidden;
            String g = ":, " + 2 * hidden + ":" + 3 * hidden;
            String o = ":, " + 3 * hidden + ":";
            for (long t = 0; t < steps; t++) {
                NDArray a = inputPart.get(":, " + t + ", :").add(Linear.linear(h, whh, bhh).singletonOrThrow());
                c = ai.djl.nn.Activation.sigmoid(a.get(f)).mul(c)
                        .add(ai.djl.nn.Activation.sigmoid(a.get(i)).mul(a.get(g).tanh()));
                h = ai.djl.nn.Activation.sigmoid(a.get(o)).mul(c.tanh());
                states.add(h);
            }
            return NDArrays.stack(states, 1);
        }

        @Override
        protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
                                         PairList<String, Object> params) {
            NDArray x = inputs.singletonOrThrow();
            for (int l = 0; l < layers.size(); l++) {
                x = composed[l] ? composedLayer(store, l, x, training)
                        : layers.get(l).forward(store, new NDList(x), training, params).head();
            }
            return new NDList(sequence ? x : x.get(":, -1, :"));
        }
    }

    /**
     * Multi-head self-attention on [N, T, D]: q, k, v projections on the last axis, heads as contiguous column blocks
     * ([N, T, h, dh] transposed to [N, h, T, dh]), scores {@code Q K^T / sqrt(dh)} (plus the constant causal mask),
     * softmax over the last axis, {@code A V}, heads joined back, output projection.
     */
    static final class AttentionBlock extends Stage {
        private final Parameter[] weights = new Parameter[4];
        private final Parameter[] biases = new Parameter[4];
        private final int heads;
        private final int steps;
        private final int width;
        private final boolean causal;
        private NDArray mask;

        AttentionBlock(Attention layer, int[] in) {
            super(in);
            this.steps = in[0];
            this.width = in[1];
            this.heads = layer.heads();
            this.causal = layer.causal();
            String[] names = {"q", "k", "v", "o"};
            for (int i = 0; i < 4; i++) {
                weights[i] = parameter(names[i] + "_weight", Parameter.Type.WEIGHT, width, width);
                biases[i] = parameter(names[i] + "_bias", Parameter.Type.BIAS, width);
            }
        }

        @Override
        public Map<String, Parameter> canonical() {
            return byName(weights[0], biases[0], weights[1], biases[1], weights[2], biases[2], weights[3], biases[3]);
        }

        @Override
        protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
            if (causal && mask == null) {
                float[] m = new float[steps * steps];
                for (int i = 0; i < steps; i++) {
                    for (int j = i + 1; j < steps; j++) {
                        m[i * steps + j] = (float) Attention.MASK;
                    }
                }
                mask = manager.create(m, new Shape(steps, steps));
            }
        }

        @Override
        protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
                                         PairList<String, Object> params) {
            NDArray x = inputs.singletonOrThrow();
            Device device = x.getDevice();
            long n = x.getShape().get(0);
            int dh = width / heads;
            NDArray[] qkv = new NDArray[3];
            for (int i = 0; i < 3; i++) {
                NDArray p = project(store, x, i, device, training);
                qkv[i] = p.reshape(n, steps, heads, dh).transpose(0, 2, 1, 3);
            }
            NDArray scores = qkv[0].matMul(qkv[1].transpose(0, 1, 3, 2)).mul((float) (1.0 / Math.sqrt(dh)));
            if (mask != null) {
                scores = scores.add(mask);
            }
            NDArray mixed = scores.softmax(-1).matMul(qkv[2]).transpose(0, 2, 1, 3).reshape(n, steps, width);
            return new NDList(project(store, mixed, 3, device, training));
        }

        private NDArray project(ParameterStore store, NDArray x, int i, Device device, boolean training) {
            NDArray w = value(store, weights[i], device, training);
            return Linear.linear(x, w, value(store, biases[i], device, training)).singletonOrThrow();
        }
    }

    /**
     * DLRM's pairwise dot interaction: the inputs ([N, d] or [N, F_a, d]) stacked to z [N, F, d], the Gram matrix
     * {@code z z^T} [N, F, F] flattened to [N, F*F], times a constant 0/1 selection matrix [F*F, P] that picks the
     * pairs in the layer's order (portable: MXNet's {@code gather} refuses this and {@code take} flattens).
     */
    static final class DotBlock extends Stage {
        private final List<int[]> ins;
        private final int[][] pairs;
        private final int vectors;
        private NDArray selection;

        DotBlock(Dot layer, List<int[]> ins, int[] out) {
            super(out);
            this.ins = List.copyOf(ins);
            this.vectors = Dot.vectors(ins);
            this.pairs = layer.pairs(vectors);
        }

        @Override
        protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
            if (selection == null) {
                float[] s = new float[vectors * vectors * pairs.length];
                for (int k = 0; k < pairs.length; k++) {
                    s[(pairs[k][0] * vectors + pairs[k][1]) * pairs.length + k] = 1f;
                }
                selection = manager.create(s, new Shape((long) vectors * vectors, pairs.length));
            }
        }

        @Override
        protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
                                         PairList<String, Object> params) {
            NDList parts = new NDList(inputs.size());
            for (int k = 0; k < inputs.size(); k++) {
                NDArray a = inputs.get(k);
                parts.add(ins.get(k).length == 1 ? a.expandDims(1) : a);
            }
            NDArray z = parts.size() == 1 ? parts.head() : NDArrays.concat(parts, 1);
            long n = z.getShape().get(0);
            NDArray gram = z.matMul(z.transpose(0, 2, 1));
            return new NDList(gram.reshape(n, (long) vectors * vectors).matMul(selection));
        }
    }
}
