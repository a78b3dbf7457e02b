package org.dlbench.dl4j;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.CacheMode;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.graph.PreprocessorVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep;
import org.deeplearning4j.nn.conf.layers.recurrent.TimeDistributed;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.dlbench.core.data.Weights;
import org.dlbench.core.workload.ModelInput;
import org.dlbench.core.workload.ParamSpec;
import org.dlbench.core.workload.Stage;
import org.dlbench.core.workload.Workload;
import org.dlbench.core.workload.layer.Activation;
import org.dlbench.core.workload.layer.Add;
import org.dlbench.core.workload.layer.AvgPool2d;
import org.dlbench.core.workload.layer.BatchNorm;
import org.dlbench.core.workload.layer.Conv2d;
import org.dlbench.core.workload.layer.Dense;
import org.dlbench.core.workload.layer.Flatten;
import org.dlbench.core.workload.layer.GlobalAvgPool;
import org.dlbench.core.workload.layer.Layer;
import org.dlbench.core.workload.layer.MaxPool2d;
import org.dlbench.core.workload.layer.Embedding;
import org.dlbench.core.workload.layer.EmbeddingBag;
import org.dlbench.core.workload.layer.Lstm;
import org.dlbench.core.workload.layer.LayerNorm;
import org.dlbench.core.workload.layer.Gelu;
import org.dlbench.core.workload.layer.Attention;
import org.dlbench.core.workload.layer.Dot;
import org.dlbench.core.workload.layer.Concat;
import org.dlbench.core.workload.layer.MeanPool;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;

/**
 * Turns a workload into DL4J {@link ComputationGraphConfiguration}s (one graph input per model input, one vertex per
 * stage, or a few for a positional embedding, an embedding bag and stacked LSTM layers, wired by
 * {@link Stage#inputs()}) and copies the shared weights in and out by canonical name and layout.
 *
 * <p>Two configurations share one parameter array: the "logits" graph ends with the last stage (identity activation
 * on the last dense layer), so {@code output()} returns logits, and the "training" graph adds a {@link LossLayer}
 * with softmax and multi-class cross-entropy (MCXENT), the textbook DL4J classifier head. DL4J has no
 * cross-entropy-on-logits loss, so the softmax has to live in the loss layer for training and be left out for
 * inference. The loss layer has no parameters and comes last in DL4J's topological order, so both graphs lay out
 * their parameters identically.
 */
final class Networks {
    static final WorkspaceMode WORKSPACES = WorkspaceMode.ENABLED;
    static final ConvolutionMode CONVOLUTION_MODE = ConvolutionMode.Truncate;
    /**
     * MCXENT clips the softmax output to [eps, 1 - eps] before the log. DL4J's default eps 1e-10 caps each sample's
     * loss at 23.03, so the score stops being the mean cross-entropy as soon as a sample's probability of its label
     * falls below 1e-10 (LeNet does that in its first steps at learning rate 0.05; the training-step check caught
     * it). 1e-30 keeps the score exact up to a sample loss of 69 and still keeps a float32 probability that
     * underflows to 0 from making the score infinite or NaN; its effect on the gradient (p - y, with p clipped) is
     * below 1e-29.
     */
    static final double SOFTMAX_CLIP_EPS = 1e-30;
    private static final String LOSS = "#loss";
    /** The token lookup of a positional embedding, whose position add then carries the stage's name. */
    private static final String LOOKUP = "#lookup";
    /**
     * Ids travel as float32 in the network's dtype (DL4J's embedding layers read float ids), exact up to 2^24: a table
     * with more rows would address rows it cannot name.
     */
    static final int MAX_FLOAT_IDS = 1 << 24;
    /** DL4J's LSTM gate blocks (columns of W, RW, b): position p holds canonical block DL4J_GATES[p] (i0 f1 g2 o3). */
    private static final int[] DL4J_GATES = {2, 1, 3, 0};

    private Networks() {
    }

    /** One DL4J vertex: a layer or a parameterless graph vertex, and the vertices it reads. */
    record Vertex(String name, org.deeplearning4j.nn.conf.layers.Layer layer, GraphVertex vertex, String[] inputs) {
    }

    /**
     * The graph's vertices in the workload's topological order, the vertex whose output is each stage's output, and
     * the graph's input vertices with their types, one per model input in the workload's input order; per input, the
     * row offset the session adds to each id of a sample (the tables of the embedding bags reading it), or null.
     */
    record Plan(List<Vertex> vertices, String[] outputOfStage, String[] inputNames, InputType[] inputTypes,
                int[][] idOffsets) {
        /** The vertex producing the logits: the last stage's. */
        String output() {
            return outputOfStage[outputOfStage.length - 1];
        }
    }

    /** The graph input vertex of a model input; '#' keeps DL4J's own vertex names apart from the workload's nodes. */
    static String inputName(ModelInput in) {
        return "#" + in.name();
    }

    static Plan plan(Workload w) {
        List<Vertex> vertices = new ArrayList<>();
        int n = w.stages().size();
        String[] outputOf = new String[n];
        for (Stage stage : w.stages()) {
            String[] inputs = stage.inputs().stream().map(i -> i < 0 ? inputName(w.input(i)) : outputOf[i])
                    .toArray(String[]::new);
            outputOf[stage.index()] = translate(stage, inputs, vertices);
        }
        List<ModelInput> ins = w.inputs();
        int[][] offsets = new int[ins.size()][];
        for (int k = 0; k < offsets.length; k++) {
            offsets[k] = idOffsets(w, k);
        }
        return new Plan(vertices, outputOf, ins.stream().map(Networks::inputName).toArray(String[]::new),
                ins.stream().map(Networks::inputType).toArray(InputType[]::new), offsets);
    }

    /**
     * The row offset of each id position of input {@code k}'s sample: table {@code t}'s offset for the {@code bag}
     * positions of row {@code t}, when embedding bags over several tables read it; else null.
     */
    static int[] idOffsets(Workload w, int k) {
        int[] out = null;
        for (Stage stage : w.stages()) {
            if (stage.layer() instanceof EmbeddingBag b && stage.in().length == 2
                    && stage.inputs().get(0) == Workload.inputIndex(k)) {
                int bag = EmbeddingBag.bag(stage.in());
                int[] o = b.offsets();
                int[] mine = new int[o.length * bag];
                for (int i = 0; i < mine.length; i++) {
                    mine[i] = o[i / bag];
                }
                if (out != null && !Arrays.equals(out, mine)) {
                    return null; // refused by whyNot(Workload)
                }
                out = mine;
            }
        }
        return out;
    }

    /**
     * Why the workload as a whole cannot be built, or null: embedding bags that read one id input with different
     * table sizes would need different row offsets added to the same ids.
     */
    static String whyNot(Workload w) {
        for (int k = 0; k < w.inputs().size(); k++) {
            java.util.Set<String> seen = new java.util.LinkedHashSet<>();
            for (Stage stage : w.stages()) {
                if (stage.layer() instanceof EmbeddingBag b && stage.in().length == 2
                        && stage.inputs().get(0) == Workload.inputIndex(k)) {
                    seen.add(b.rows().toString());
                }
            }
            if (seen.size() > 1) {
                return "embedding bags reading input '" + w.inputs().get(k).name() + "' have different tables "
                        + seen + "; DL4J adds the table offsets to the ids once per input";
            }
        }
        return null;
    }

    /**
     * The DL4J type of a model input. Floats: flat {@code [N, F]}, a sequence {@code [T, D]} as features-first
     * {@code [N, D, T]} (the session transposes it), an image NCHW (DL4J's default CNN format; its CnnToFeedForward
     * pre-processor flattens in C, H, W order, the workload's flatten order). Ids as floats, flat: {@code [N, T]} for
     * an embedding, {@code [N, tables * bag]} for a bag (EmbeddingSequenceLayer reads a feed-forward type).
     */
    static InputType inputType(ModelInput in) {
        int[] s = in.shape();
        if (in.type().ids()) {
            return InputType.feedForward(in.size());
        }
        return switch (s.length) {
            case 1 -> InputType.feedForward(s[0]);
            case 2 -> InputType.recurrent(s[1], s[0]);
            default -> InputType.convolutional(s[1], s[2], s[0]);
        };
    }

    /** A canonical sample shape in DL4J's layout (sequences features-first). */
    static long[] dl4jShape(int[] canonical) {
        return canonical.length == 2 ? new long[] {canonical[1], canonical[0]}
                : Arrays.stream(canonical).asLongStream().toArray();
    }

    /** The DL4J axis (batch first) holding a canonical sample axis. */
    static int dl4jAxis(int rank, int axis) {
        return rank == 2 ? 2 - axis : axis + 1;
    }

    /** Adds the stage's vertices and returns the name of the one giving its output. */
    private static String translate(Stage stage, String[] inputs, List<Vertex> vertices) {
        String name = stage.name();
        return stage.layer().accept(new Layer.Visitor<String>() {
            @Override
            public String embedding(Embedding e) {
                // ids [N, T] as floats -> [N, D, T]; activation IDENTITY (the global default is sigmoid), no bias
                int steps = stage.in()[0];
                String lookup = layer(e.positional() ? name + LOOKUP : name, new EmbeddingSequenceLayer.Builder()
                        .nIn(e.vocabulary()).nOut(e.dim()).inputLength(steps).inferInputLength(false).hasBias(false)
                        .activation(org.nd4j.linalg.activations.Activation.IDENTITY).build(), inputs);
                return e.positional() ? layer(name, new Dl4jLayers.PositionAdd(steps, e.dim()), lookup) : lookup;
            }

            @Override
            public String embeddingBag(EmbeddingBag b) {
                // the session adds each table's row offset to the ids (Plan.idOffsets), so one lookup over the whole
                // weight gives every id's row: [N, tables * bag] -> [N, D, tables * bag]; then the bags are pooled
                int[] x = stage.in();
                int tables = EmbeddingBag.tables(x);
                int bag = EmbeddingBag.bag(x);
                String lookup = layer(name + LOOKUP, new EmbeddingSequenceLayer.Builder().nIn(b.totalRows())
                        .nOut(b.dim()).inputLength(tables * bag).inferInputLength(false).hasBias(false)
                        .activation(org.nd4j.linalg.activations.Activation.IDENTITY).build(), inputs);
                if (x.length == 1) {
                    return layer(name, new GlobalPoolingLayer.Builder(b.mean() ? PoolingType.AVG : PoolingType.SUM)
                            .build(), lookup);
                }
                return layer(name, new Dl4jLayers.BagPool(b.dim(), tables, bag, b.mean()), lookup);
            }

            @Override
            public String lstm(Lstm l) {
                // LSTM (not GravesLSTM: no peepholes), tanh cell activation (the default is sigmoid), sigmoid gates;
                // one DL4J layer per stacked layer, the last wrapped in LastTimeStep for output last
                String from = inputs[0];
                int in = stage.in()[1];
                for (int k = 0; k < l.layers(); k++) {
                    org.deeplearning4j.nn.conf.layers.Layer cell = new LSTM.Builder().nIn(in).nOut(l.hidden())
                            .activation(org.nd4j.linalg.activations.Activation.TANH)
                            .gateActivationFunction(org.nd4j.linalg.activations.Activation.SIGMOID).build();
                    boolean last = k == l.layers() - 1;
                    from = layer(lstmVertex(name, l, k), last && !l.sequence() ? new LastTimeStep(cell) : cell, from);
                    in = l.hidden();
                }
                return from;
            }

            @Override
            public String layerNorm(LayerNorm l) {
                int[] x = stage.in();
                return layer(name, new Dl4jLayers.LayerNormLayer(x[x.length - 1], x.length + 1, l.epsilon()), inputs);
            }

            @Override
            public String gelu(Gelu g) {
                return layer(name, new Dl4jLayers.GeluLayer(), inputs);
            }

            @Override
            public String attention(Attention a) {
                return layer(name, new Dl4jLayers.AttentionLayer(stage.in()[1], stage.in()[0], a.heads(), a.causal()),
                        inputs);
            }

            @Override
            public String dot(Dot d) {
                int[] counts = stage.ins().stream().mapToInt(x -> x.length == 2 ? x[0] : 0).toArray();
                vertices.add(new Vertex(name, null, new Dl4jLayers.DotVertex(counts, Dot.width(stage.ins()),
                        d.pairs(Dot.vectors(stage.ins()))), inputs));
                return name;
            }

            @Override
            public String concat(Concat c) {
                int axis = dl4jAxis(stage.out().length, c.axis());
                GraphVertex v = axis == 1 ? new MergeVertex()
                        : new Dl4jLayers.ConcatVertex(inputs.length, axis, dl4jShape(stage.out()));
                vertices.add(new Vertex(name, null, v, inputs));
                return name;
            }

            @Override
            public String meanPool(MeanPool m) {
                // [N, D, T] -> [N, D]
                return layer(name, new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), inputs);
            }

            private String layer(String vertexName, org.deeplearning4j.nn.conf.layers.Layer l, String... from) {
                vertices.add(new Vertex(vertexName, l, null, from));
                return vertexName;
            }

            @Override
            public String dense(Dense d) {
                int[] x = stage.in();
                DenseLayer dense = new DenseLayer.Builder().nIn(x[x.length - 1]).nOut(d.units())
                        .activation(activation(d.activation())).hasBias(true).build();
                // on a sequence [N, in, T]: the same dense layer at every step, [N, units, T]
                return layer(name, x.length == 2 ? new TimeDistributed(dense, RNNFormat.NCW) : dense, inputs);
            }

            @Override
            public String conv2d(Conv2d c) {
                int channels = stage.in()[0];
                if (c.groups() == 1) {
                    return layer(name, new ConvolutionLayer.Builder(c.kernel(), c.kernel()).stride(c.stride(), c.stride())
                            .padding(c.padding(), c.padding()).nIn(channels).nOut(c.filters())
                            .convolutionMode(CONVOLUTION_MODE).activation(activation(c.activation())).hasBias(true)
                            .build(), inputs);
                }
                if (c.groups() == channels) {
                    return layer(name, new DepthwiseConvolution2D.Builder(c.kernel(), c.kernel())
                            .stride(c.stride(), c.stride()).padding(c.padding(), c.padding()).nIn(channels)
                            .depthMultiplier(c.filters() / channels).nOut(c.filters())
                            .convolutionMode(CONVOLUTION_MODE).activation(activation(c.activation())).hasBias(true)
                            .build(), inputs);
                }
                throw new UnsupportedOperationException(whyNot(stage));
            }

            @Override
            public String maxPool2d(MaxPool2d p) {
                return layer(name, pooling(SubsamplingLayer.PoolingType.MAX, p.kernel(), p.stride()), inputs);
            }

            @Override
            public String avgPool2d(AvgPool2d p) {
                return layer(name, pooling(SubsamplingLayer.PoolingType.AVG, p.kernel(), p.stride()), inputs);
            }

            @Override
            public String flatten(Flatten f) {
                int[] x = stage.in();
                if (x.length == 2) {
                    return layer(name, new Dl4jLayers.SequenceFlatten(x[0] * x[1]), inputs);
                }
                if (x.length != 3) {
                    return inputs[0]; // already flat: nothing to do
                }
                vertices.add(new Vertex(name, null,
                        new PreprocessorVertex(new CnnToFeedForwardPreProcessor(x[1], x[2], x[0])), inputs));
                return name;
            }

            @Override
            public String globalAvgPool(GlobalAvgPool g) {
                // gives [batch, channels]
                return layer(name, new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), inputs);
            }

            @Override
            public String batchNorm(BatchNorm b) {
                // useLogStd(false): the variance itself is the "var" parameter (the default stores log10 of the std);
                // DL4J's decay is the weight of the old running value. BatchNormalization ignores its activation
                // (M2.1: a relu there changed neither output nor loss), so the activation is a layer of its own
                int channels = BatchNorm.channels(stage.in());
                String bn = layer(name, new BatchNormalization.Builder().nIn(channels).nOut(channels).useLogStd(false)
                        .eps(b.epsilon()).decay(1 - b.momentum())
                        .activation(org.nd4j.linalg.activations.Activation.IDENTITY).build(), inputs);
                return activated(bn, b.activation());
            }

            /** An {@link ActivationLayer} after the vertex unless the activation is none. */
            private String activated(String vertex, Activation a) {
                return a == Activation.NONE ? vertex : layer(name + "#act",
                        new ActivationLayer.Builder().activation(activation(a)).build(), vertex);
            }

            @Override
            public String add(Add a) {
                vertices.add(new Vertex(name, null, new ElementWiseVertex(ElementWiseVertex.Op.Add), inputs));
                return activated(name, a.activation());
            }
        });
    }

    /** The vertex of stacked LSTM layer {@code k}: the stage's name for the last, which gives the stage's output. */
    private static String lstmVertex(String name, Lstm l, int k) {
        return k == l.layers() - 1 ? name : name + "#l" + k;
    }

    private static SubsamplingLayer pooling(SubsamplingLayer.PoolingType type, int kernel, int stride) {
        return new SubsamplingLayer.Builder(type).kernelSize(kernel, kernel).stride(stride, stride)
                .padding(0, 0).convolutionMode(CONVOLUTION_MODE).build();
    }

    /** Why this translation cannot build a stage, or null when it can. */
    static String whyNot(Stage stage) {
        return stage.layer().accept(new Layer.Visitor<String>() {
            @Override
            public String embedding(Embedding e) {
                return floatIds(e.vocabulary());
            }

            @Override
            public String embeddingBag(EmbeddingBag b) {
                return floatIds(b.totalRows());
            }

            @Override
            public String lstm(Lstm layer) {
                return null;
            }

            @Override
            public String layerNorm(LayerNorm layer) {
                return null;
            }

            @Override
            public String gelu(Gelu layer) {
                return null;
            }

            @Override
            public String attention(Attention layer) {
                return null;
            }

            @Override
            public String dot(Dot layer) {
                return null;
            }

            @Override
            public String concat(Concat layer) {
                return null;
            }

            @Override
            public String meanPool(MeanPool layer) {
                return null;
            }

            @Override
            public String dense(Dense d) {
                return null;
            }

            @Override
            public String conv2d(Conv2d c) {
                return c.groups() == 1 || c.groups() == stage.in()[0] ? null : "grouped convolution with "
                        + c.groups() + " groups over " + stage.in()[0] + " channels is not translated to DL4J "
                        + "(ConvolutionLayer has no groups; DepthwiseConvolution2D covers groups = input channels only)";
            }

            @Override
            public String maxPool2d(MaxPool2d p) {
                return null;
            }

            @Override
            public String avgPool2d(AvgPool2d p) {
                return null;
            }

            @Override
            public String flatten(Flatten f) {
                return null;
            }

            @Override
            public String globalAvgPool(GlobalAvgPool g) {
                return null;
            }

            @Override
            public String batchNorm(BatchNorm b) {
                return stage.in().length == 2 ? "batchnorm on a sequence " + Arrays.toString(stage.in())
                        + " is not translated to DL4J (the workload normalises per row of the sample's first axis; "
                        + "DL4J's BatchNormalization on [N, D, T] per feature D)" : null;
            }

            @Override
            public String add(Add a) {
                return null;
            }
        });
    }

    /** Why a table of this many rows cannot be addressed by float32 ids, or null. */
    private static String floatIds(long rows) {
        return rows <= MAX_FLOAT_IDS ? null : "DL4J takes ids as float32 (its embedding layers read float ids), exact "
                + "only up to " + MAX_FLOAT_IDS + " rows; this table has " + rows;
    }

    static org.nd4j.linalg.activations.Activation activation(Activation a) {
        return switch (a) {
            case NONE -> org.nd4j.linalg.activations.Activation.IDENTITY;
            case RELU -> org.nd4j.linalg.activations.Activation.RELU;
            case RELU6 -> org.nd4j.linalg.activations.Activation.RELU6;
            case TANH -> org.nd4j.linalg.activations.Activation.TANH;
            case SIGMOID -> org.nd4j.linalg.activations.Activation.SIGMOID;
        };
    }

    /** The configuration of the logits graph, or with {@code withLoss} of the training graph. */
    static ComputationGraphConfiguration configuration(Workload w, Plan plan, boolean withLoss) {
        // plain SGD on the mean loss: miniBatch(true) divides gradients by the batch size; no regularisation,
        // no gradient normalisation; weights are overwritten from the shared ones, the init scheme is irrelevant
        ComputationGraphConfiguration.GraphBuilder graph = new NeuralNetConfiguration.Builder()
                .dataType(DataType.FLOAT)
                .updater(new Sgd(w.learningRate()))
                .miniBatch(true)
                .gradientNormalization(GradientNormalization.None)
                .weightInit(WeightInit.ZERO)
                .trainingWorkspaceMode(WORKSPACES)
                .inferenceWorkspaceMode(WORKSPACES)
                .cacheMode(CacheMode.NONE)
                .graphBuilder()
                .addInputs(plan.inputNames());
        for (Vertex v : plan.vertices()) {
            if (v.layer() != null) {
                graph.addLayer(v.name(), v.layer().clone(), v.inputs());
            } else {
                graph.addVertex(v.name(), v.vertex().clone(), v.inputs());
            }
        }
        if (withLoss) {
            graph.addLayer(LOSS, new LossLayer.Builder(new LossMCXENT(SOFTMAX_CLIP_EPS, null))
                    .activation(org.nd4j.linalg.activations.Activation.SOFTMAX).build(), plan.output());
            graph.setOutputs(LOSS);
        } else {
            graph.setOutputs(plan.output());
        }
        ComputationGraphConfiguration conf = graph.setInputTypes(plan.inputTypes()).build();
        // setInputTypes sets an EmbeddingSequenceLayer's nIn to its input's width (the sequence length), whatever the
        // builder said: give it back its vocabulary
        for (Vertex v : plan.vertices()) {
            if (v.layer() instanceof EmbeddingSequenceLayer e) {
                ((EmbeddingSequenceLayer) ((LayerVertex) conf.getVertices().get(v.name())).getLayerConf().getLayer())
                        .setNIn(e.getNIn());
            }
        }
        return conf;
    }

    /** How a canonical tensor is laid out in its DL4J parameter. */
    private enum Layout {
        /** Same values in the same order (DL4J may add a leading 1, as for biases [1, n]). */
        SAME,
        /** DenseLayer W [nIn, nOut]: the transpose of the canonical [out, in]. */
        TRANSPOSED,
        /** DepthwiseConvolution2D W [kH, kW, C, mult]: canonical [C * mult, 1, kH, kW] with f = c * mult + m. */
        DEPTHWISE,
        /**
         * LSTM W [I, 4H] / RW [H, 4H] / b [4H]: the transpose of canonical [4H, I] (the bias as it is), with the gate
         * blocks in DL4J's order g, f, o, i instead of i, f, g, o.
         */
        GATES
    }

    /**
     * Where one canonical tensor (by role) lives: the DL4J layer (vertex name), its parameter key, and the layout.
     */
    private record Binding(String role, String vertex, String key, Layout layout) {
    }

    /** The bindings of every tensor of a stage (empty for layers without parameters). */
    private static List<Binding> bindings(Stage stage) {
        String name = stage.name();
        return stage.layer().accept(new Layer.Visitor<List<Binding>>() {
            @Override
            public List<Binding> embedding(Embedding e) {
                return e.positional() ? List.of(new Binding("weight", name + LOOKUP, "W", Layout.SAME),
                        new Binding("position", name, "position", Layout.SAME))
                        : List.of(new Binding("weight", name, "W", Layout.SAME));
            }

            @Override
            public List<Binding> embeddingBag(EmbeddingBag b) {
                return List.of(new Binding("weight", name + LOOKUP, "W", Layout.SAME));
            }

            @Override
            public List<Binding> lstm(Lstm l) {
                List<Binding> out = new ArrayList<>();
                for (int k = 0; k < l.layers(); k++) {
                    String v = lstmVertex(name, l, k);
                    out.add(new Binding(Lstm.role(k, "weight_ih"), v, "W", Layout.GATES));
                    out.add(new Binding(Lstm.role(k, "weight_hh"), v, "RW", Layout.GATES));
                    out.add(new Binding(Lstm.role(k, "bias"), v, "b", Layout.GATES));
                }
                return out;
            }

            @Override
            public List<Binding> layerNorm(LayerNorm l) {
                return List.of(new Binding("gamma", name, "gamma", Layout.SAME),
                        new Binding("beta", name, "beta", Layout.SAME));
            }

            @Override
            public List<Binding> gelu(Gelu g) {
                return List.of();
            }

            @Override
            public List<Binding> attention(Attention a) {
                List<Binding> out = new ArrayList<>();
                for (String which : new String[] {"q", "k", "v", "o"}) {
                    // [out, in] used as x W^T in the layer: the canonical layout itself
                    out.add(new Binding(which + "_weight", name, Dl4jLayers.AttentionLayer.weightKey(which),
                            Layout.SAME));
                    out.add(new Binding(which + "_bias", name, Dl4jLayers.AttentionLayer.biasKey(which), Layout.SAME));
                }
                return out;
            }

            @Override
            public List<Binding> dot(Dot d) {
                return List.of();
            }

            @Override
            public List<Binding> concat(Concat c) {
                return List.of();
            }

            @Override
            public List<Binding> meanPool(MeanPool m) {
                return List.of();
            }

            @Override
            public List<Binding> dense(Dense d) {
                return List.of(new Binding("weight", name, "W", Layout.TRANSPOSED),
                        new Binding("bias", name, "b", Layout.SAME));
            }

            @Override
            public List<Binding> conv2d(Conv2d c) {
                return List.of(new Binding("weight", name, "W", c.groups() == 1 ? Layout.SAME : Layout.DEPTHWISE),
                        new Binding("bias", name, "b", Layout.SAME));
            }

            @Override
            public List<Binding> maxPool2d(MaxPool2d p) {
                return List.of();
            }

            @Override
            public List<Binding> avgPool2d(AvgPool2d p) {
                return List.of();
            }

            @Override
            public List<Binding> flatten(Flatten f) {
                return List.of();
            }

            @Override
            public List<Binding> globalAvgPool(GlobalAvgPool g) {
                return List.of();
            }

            @Override
            public List<Binding> batchNorm(BatchNorm b) {
                return List.of(new Binding("gamma", name, "gamma", Layout.SAME),
                        new Binding("beta", name, "beta", Layout.SAME),
                        new Binding("running_mean", name, "mean", Layout.SAME),
                        new Binding("running_var", name, "var", Layout.SAME));
            }

            @Override
            public List<Binding> add(Add a) {
                return List.of();
            }
        });
    }

    /**
     * Canonical row blocks [4, H, cols] reordered: to DL4J's gate order ({@code toDl4j}) or back. Row-major values
     * of {@code [4H, cols]} in and out.
     */
    private static float[] gates(float[] values, boolean toDl4j) {
        int block = values.length / 4;
        float[] out = new float[values.length];
        for (int p = 0; p < 4; p++) {
            int canonical = DL4J_GATES[p];
            if (toDl4j) {
                System.arraycopy(values, canonical * block, out, p * block, block);
            } else {
                System.arraycopy(values, p * block, out, canonical * block, block);
            }
        }
        return out;
    }

    /** Copies the shared weights (trainable tensors and state) into the graph's parameter views, in DL4J's layouts. */
    static void load(ComputationGraph net, Workload w, Plan plan, Weights weights) {
        for (Stage stage : w.stages()) {
            for (Binding b : bindings(stage)) {
                ParamSpec spec = stage.param(b.role());
                INDArray param = net.getLayer(b.vertex()).getParam(b.key());
                float[] values = weights.get(spec.name());
                INDArray canonical = Nd4j.create(values, Arrays.stream(spec.shape()).asLongStream().toArray(), 'c');
                INDArray value = switch (b.layout()) {
                    case SAME -> param.rank() == canonical.rank() ? canonical : canonical.reshape('c', param.shape());
                    case TRANSPOSED -> canonical.transpose();
                    case DEPTHWISE -> canonical.reshape('c', depthwiseCanonical(param)).permute(2, 3, 0, 1);
                    // M2.1 keeps b as a vector [4H]
                    case GATES -> param.rank() == 1 ? Nd4j.create(gates(values, true), param.shape(), 'c')
                            : Nd4j.create(gates(values, true), new long[] {param.size(1), param.size(0)}, 'c')
                            .transpose();
                };
                // assign() copies by logical index, so the 'f'/'c' order of DL4J's flattened parameter views does
                // not matter
                if (!Arrays.equals(param.shape(), value.shape())) {
                    throw new IllegalStateException("DL4J parameter " + b.key() + " for " + spec.name() + " has shape "
                            + Arrays.toString(param.shape()) + ", expected " + Arrays.toString(value.shape()));
                }
                param.assign(value);
            }
        }
    }

    /** [C, mult, kH, kW] of a DL4J depthwise weight [kH, kW, C, mult]. */
    private static long[] depthwiseCanonical(INDArray param) {
        long[] s = param.shape();
        return new long[] {s[2], s[3], s[0], s[1]};
    }

    /**
     * The graph's parameters and batchnorm state by canonical name in canonical layout: the inverse of {@link #load}.
     * Fresh Java arrays, read in logical (row-major) order.
     */
    static Map<String, float[]> read(ComputationGraph net, Workload w, Plan plan) {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (Stage stage : w.stages()) {
            for (Binding b : bindings(stage)) {
                INDArray param = net.getLayer(b.vertex()).getParam(b.key());
                float[] canonical = switch (b.layout()) {
                    case SAME -> Arrays4j.toFloats(param);
                    case TRANSPOSED -> Arrays4j.toFloats(param.transpose());
                    // [C, mult, kH, kW]: row-major is [C * mult, 1, k, k]
                    case DEPTHWISE -> Arrays4j.toFloats(param.permute(2, 3, 0, 1));
                    case GATES -> gates(Arrays4j.toFloats(param.rank() == 1 ? param : param.transpose()), false);
                };
                out.put(stage.param(b.role()).name(), canonical);
            }
        }
        return out;
    }
}
