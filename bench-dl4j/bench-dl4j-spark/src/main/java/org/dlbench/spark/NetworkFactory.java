package org.dlbench.spark;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.dlbench.core.adapter.Support;
import org.dlbench.core.data.Batch;
import org.dlbench.core.data.Weights;
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
import org.dlbench.core.data.Feed;
import org.dlbench.core.workload.ModelInput;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep;
import org.deeplearning4j.nn.conf.layers.recurrent.TimeDistributed;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.PreprocessorVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.Subsampling1DLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;

/**
 * Builds a workload as a DL4J {@link ComputationGraph} with the shared initial weights: one vertex per stage, named
 * after the stage and fed by the vertices of {@link Stage#inputs()} (one graph input per model input, named as it; a
 * single-input file's is {@value #INPUT}); plain SGD at the workload's learning rate; the last stage (dense) is a
 * softmax + cross-entropy output layer (mean over the minibatch). Activations: {@code [N, D]}, images NCHW, sequences
 * features-first {@code [N, D, T]}; ids as float32 {@code [N, T]} or {@code [N, tables * bag]} ({@link #inputs}).
 * Translations, through one {@link Layer.Visitor}:
 * <ul>
 *   <li>dense: DenseLayer, W [in, out] (the canonical [out, in] transposed); on a sequence the same inside
 *       TimeDistributed;</li>
 *   <li>conv2d: ConvolutionLayer (W [out, in, k, k] as canonical); with {@code groups} equal to the input channels
 *       DepthwiseConvolution2D, depth multiplier {@code filters / channels}, W [k, k, channels, multiplier] where
 *       {@code W[ky, kx, c, m]} is the canonical {@code weight[c * multiplier + m, 0, ky, kx]}; other group counts are
 *       unsupported (DL4J's convolution layers have no groups);</li>
 *   <li>maxpool2d / avgpool2d: SubsamplingLayer; globalavgpool: GlobalPoolingLayer AVG ([batch, channels]);</li>
 *   <li>flatten: a CNN-to-dense preprocessor vertex (C, H, W order); on flat input nothing;</li>
 *   <li>batchnorm: BatchNormalization with {@code useLogStd(false)} (it stores the variance), the stage's epsilon and
 *       decay {@code 1 - momentum}; gamma, beta, mean, var hold {@code gamma}, {@code beta}, {@code running_mean},
 *       {@code running_var}; its activation is an ActivationLayer {@code <stage>/act} after it (DL4J's
 *       BatchNormalization layer ignores a configured activation);</li>
 *   <li>add: ElementWiseVertex Add, then an ActivationLayer {@code <stage>/act} when it has an activation;</li>
 *   <li>embedding: EmbeddingSequenceLayer (identity, no bias, W [V, D] as canonical), positional: a
 *       {@link SameDiffLayers.PositionAdd} {@code <stage>/position} after it;</li>
 *   <li>embeddingbag: EmbeddingSequenceLayer over all tables at once (the session adds each table's row offset to
 *       its ids), then the mean of every bag (Subsampling1DLayer AVG, or GlobalPoolingLayer AVG for one bag), times
 *       the bag for a sum ({@link SameDiffLayers.Scale}; DL4J's 1-D pooling has no SUM);</li>
 *   <li>lstm: one LSTM per layer {@code <stage>/l<k>} (tanh, sigmoid gates), the top one inside LastTimeStep for
 *       output last; W [I, 4H], RW [H, 4H], b [1, 4H] with DL4J's column blocks g, f, o, i ({@link #LSTM_GATES});</li>
 *   <li>layernorm, gelu (erf), attention (projection biases, optional causal mask), dot: the SameDiff layers and
 *       vertices of {@link SameDiffLayers}; concat: MergeVertex on features or channels, else a SameDiff vertex;
 *       meanpool: GlobalPoolingLayer AVG; flatten of a sequence: a SameDiff reshape in step-major order.</li>
 * </ul>
 */
final class NetworkFactory {
    /**
     * MCXENT's softmax clipping: DL4J's default 1e-10 caps each sample's reported loss at 23.03, which LeNet's
     * first averaging round exceeds (the training-step check caught the score 1.1 below the mean cross-entropy);
     * 1e-30 keeps the score exact up to a sample loss of 69 and finite when a probability underflows to 0.
     */
    static final double SOFTMAX_CLIP_EPS = 1e-30;
    /** The graph's input vertex of a single-input workload. */
    static final String INPUT = "input";
    /** Rows a table may have when ids travel as float32 (every integer up to 2^24 is exact). */
    static final long MAX_FLOAT_ID_ROWS = 1L << 24;

    private NetworkFactory() {
    }

    /** Why this workload cannot be built, or null when it can. */
    static String unsupportedReason(Workload w) {
        List<Stage> stages = w.stages();
        if (!(stages.get(stages.size() - 1).layer() instanceof Dense)) {
            return "DL4J's output layer is dense: the workload's last layer must be dense";
        }
        Support layers = Support.forStages(w, stage -> whyNot(w, stage));
        if (!layers.supported()) {
            return layers.reason();
        }
        return null;
    }

    /**
     * Ids reach DL4J as float32 (EmbeddingSequenceLayer takes its ids in the network's data type), exact only up to
     * 2^24: a table with more rows cannot be addressed.
     */
    private static String tooManyRows(long rows, String what) {
        return rows <= MAX_FLOAT_ID_ROWS ? null : what + " holds " + rows + " rows: DL4J takes ids as float32, exact only"
                + " up to " + MAX_FLOAT_ID_ROWS + " (2^24) rows";
    }

    /** Why this translation cannot build a stage, or null when it can. */
    static String whyNot(Workload w, Stage stage) {
        boolean last = stage.index() == w.stages().size() - 1;
        return stage.layer().accept(new Layer.Visitor<String>() {
            @Override
            public String embedding(Embedding layer) {
                return tooManyRows(layer.vocabulary(), "the vocabulary");
            }

            @Override
            public String embeddingBag(EmbeddingBag layer) {
                int input = stage.inputs().get(0);
                long readers = w.stages().stream().filter(s -> s.inputs().contains(input)).count();
                if (readers > 1) {
                    return "the ids input '" + w.input(input).name() + "' of an embeddingbag is read by " + readers
                            + " stages: DL4J-Spark adds the tables' row offsets to that input itself, so an"
                            + " embeddingbag must be its only reader";
                }
                return tooManyRows(layer.totalRows(), "the tables' rows together");
            }

            @Override
            public String lstm(Lstm layer) {
                return null;
            }

            @Override
            public String layerNorm(LayerNorm layer) {
                return stage.in().length <= 2 ? null : "layernorm over the last axis of a " + stage.in().length
                        + "-D sample " + Arrays.toString(stage.in()) + ": only [D] and [T, D] are translated";
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
                return last && Dense.onSequence(stage.shapes()) ? "the output dense layer reads a sequence "
                        + Arrays.toString(stage.in()) + ": DL4J's OutputLayer needs a flat input" : null;
            }

            @Override
            public String conv2d(Conv2d c) {
                return c.groups() == 1 || depthwise(c, stage) ? null
                        : "grouped convolution with " + c.groups() + " groups over " + stage.in()[0]
                                + " input channels: DL4J's ConvolutionLayer has no groups and DepthwiseConvolution2D"
                                + " needs groups = input channels";
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
                return null;
            }

            @Override
            public String add(Add a) {
                return null;
            }
        });
    }

    /** A grouped convolution DL4J runs as DepthwiseConvolution2D: one group per input channel. */
    private static boolean depthwise(Conv2d c, Stage stage) {
        return c.groups() > 1 && c.groups() == stage.in()[0];
    }

    static ComputationGraphConfiguration configuration(Workload w) {
        return configuration(w, DataType.FLOAT);
    }

    /** The graph in another data type (tests tell float rounding from translation errors in double). */
    static ComputationGraphConfiguration configuration(Workload w, DataType type) {
        ComputationGraphConfiguration.GraphBuilder g = new NeuralNetConfiguration.Builder()
                .seed(42)
                .dataType(type)
                .updater(new Sgd(w.learningRate()))
                .graphBuilder()
                .addInputs(inputNames(w));
        List<Stage> stages = w.stages();
        String[] vertexOf = new String[stages.size()];
        for (Stage stage : stages) {
            boolean last = stage.index() == stages.size() - 1;
            String name = stage.name();
            String[] in = stage.inputs().stream().map(i -> i < 0 ? w.input(i).name() : vertexOf[i])
                    .toArray(String[]::new);
            vertexOf[stage.index()] = name;
            stage.layer().accept(new Layer.Visitor<Void>() {
                @Override
                public Void embedding(Embedding e) {
                    int steps = stage.in()[0];
                    // ids [N, T] as floats; output features-first [N, dim, T]; no bias, identity (the default is sigmoid)
                    g.addLayer(name, new EmbeddingSequenceLayer.Builder().nIn(e.vocabulary()).nOut(e.dim())
                            .inputLength(steps).hasBias(false).outputDataFormat(RNNFormat.NCW)
                            .activation(org.nd4j.linalg.activations.Activation.IDENTITY).build(), in);
                    if (e.positional()) {
                        String pos = name + POSITION;
                        g.addLayer(pos, new SameDiffLayers.PositionAdd(steps, e.dim()), name);
                        vertexOf[stage.index()] = pos;
                    }
                    return null;
                }

                @Override
                public Void embeddingBag(EmbeddingBag e) {
                    // ids [N, tables * bag] with each table's row offset added (inputs): one lookup in the joint
                    // table, [N, dim, tables * bag], then the sum or mean of every bag's run of steps
                    int[] x = stage.in();
                    int bag = EmbeddingBag.bag(x);
                    g.addLayer(name, new EmbeddingSequenceLayer.Builder().nIn(e.totalRows()).nOut(e.dim())
                            .inputLength(EmbeddingBag.tables(x) * bag).hasBias(false).outputDataFormat(RNNFormat.NCW)
                            .activation(org.nd4j.linalg.activations.Activation.IDENTITY).build(), in);
                    // Subsampling1DLayer has no SUM pooling: a sum is the mean times the bag
                    String pooled = name + BAG;
                    g.addLayer(pooled, x.length == 1 ? new GlobalPoolingLayer.Builder(PoolingType.AVG).build()
                            : new Subsampling1DLayer.Builder(bag, bag).poolingType(PoolingType.AVG).build(), name);
                    if (!e.mean()) {
                        g.addLayer(name + BAG_SUM, new SameDiffLayers.Scale(bag), pooled);
                        pooled = name + BAG_SUM;
                    }
                    vertexOf[stage.index()] = pooled;
                    return null;
                }

                @Override
                public Void lstm(Lstm l) {
                    String previous = in[0];
                    int width = stage.in()[1];
                    for (int k = 0; k < l.layers(); k++) {
                        String layer = lstmLayer(name, k);
                        LSTM cell = new LSTM.Builder().nIn(width).nOut(l.hidden()).dataFormat(RNNFormat.NCW)
                                .activation(org.nd4j.linalg.activations.Activation.TANH)
                                .gateActivationFunction(org.nd4j.linalg.activations.Activation.SIGMOID).build();
                        boolean top = k == l.layers() - 1;
                        g.addLayer(layer, top && !l.sequence() ? new LastTimeStep(cell) : cell, previous);
                        previous = layer;
                        width = l.hidden();
                    }
                    vertexOf[stage.index()] = previous;
                    return null;
                }

                @Override
                public Void layerNorm(LayerNorm n) {
                    int[] x = stage.in();
                    g.addLayer(name, new SameDiffLayers.LayerNorm(x[x.length - 1], x.length == 2 ? x[0] : 0,
                            n.epsilon()), in);
                    return null;
                }

                @Override
                public Void gelu(Gelu e) {
                    g.addLayer(name, new SameDiffLayers.Gelu(), in);
                    return null;
                }

                @Override
                public Void attention(Attention a) {
                    g.addLayer(name, new SameDiffLayers.Attention(stage.in()[1], stage.in()[0], a.heads(), a.causal()),
                            in);
                    return null;
                }

                @Override
                public Void dot(Dot d) {
                    int[] counts = stage.ins().stream().mapToInt(x -> x.length == 2 ? x[0] : 0).toArray();
                    g.addVertex(name, new SameDiffLayers.Dot(counts, Dot.width(stage.ins()), d.self()), in);
                    return null;
                }

                @Override
                public Void concat(Concat c) {
                    int axis = dl4jAxis(c.axis(), stage.out().length);
                    g.addVertex(name, axis == 1 ? new MergeVertex()
                            : new SameDiffLayers.Concat(in.length, axis, stage.out()), in);
                    return null;
                }

                @Override
                public Void meanPool(MeanPool m) {
                    g.addLayer(name, new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), in);
                    return null;
                }

                @Override
                public Void dense(Dense d) {
                    if (last) {
                        g.addLayer(name, new OutputLayer.Builder(new LossMCXENT(SOFTMAX_CLIP_EPS, null))
                                .nOut(d.units()).activation(org.nd4j.linalg.activations.Activation.SOFTMAX).build(), in);
                    } else if (Dense.onSequence(stage.shapes())) {
                        // the same dense layer on every step of [N, in, T]
                        g.addLayer(name, new TimeDistributed(new DenseLayer.Builder().nIn(stage.in()[1])
                                .nOut(d.units()).activation(activation(d.activation())).build(), RNNFormat.NCW), in);
                    } else {
                        g.addLayer(name, new DenseLayer.Builder().nOut(d.units()).activation(activation(d.activation()))
                                .build(), in);
                    }
                    return null;
                }

                @Override
                public Void conv2d(Conv2d c) {
                    if (depthwise(c, stage)) {
                        g.addLayer(name, new DepthwiseConvolution2D.Builder(c.kernel(), c.kernel())
                                .depthMultiplier(c.filters() / c.groups())
                                .stride(c.stride(), c.stride()).padding(c.padding(), c.padding())
                                .convolutionMode(ConvolutionMode.Truncate).activation(activation(c.activation()))
                                .build(), in);
                    } else if (c.groups() == 1) {
                        g.addLayer(name, new ConvolutionLayer.Builder(c.kernel(), c.kernel()).nOut(c.filters())
                                .stride(c.stride(), c.stride()).padding(c.padding(), c.padding())
                                .convolutionMode(ConvolutionMode.Truncate).activation(activation(c.activation()))
                                .build(), in);
                    } else {
                        throw new UnsupportedOperationException(whyNot(w, stage));
                    }
                    return null;
                }

                @Override
                public Void maxPool2d(MaxPool2d p) {
                    g.addLayer(name, pool(PoolingType.MAX, p.kernel(), p.stride()), in);
                    return null;
                }

                @Override
                public Void avgPool2d(AvgPool2d p) {
                    g.addLayer(name, pool(PoolingType.AVG, p.kernel(), p.stride()), in);
                    return null;
                }

                @Override
                public Void flatten(Flatten f) {
                    int[] x = stage.in();
                    if (x.length == 3) {
                        g.addVertex(name, new PreprocessorVertex(new CnnToFeedForwardPreProcessor(x[1], x[2], x[0])),
                                in);
                    } else if (x.length == 2) {
                        g.addLayer(name, new SameDiffLayers.FlattenSequence(x[0], x[1]), in);
                    } else {
                        vertexOf[stage.index()] = in[0]; // already flat: the stage is its input
                    }
                    return null;
                }

                @Override
                public Void globalAvgPool(GlobalAvgPool p) {
                    g.addLayer(name, new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), in);
                    return null;
                }

                @Override
                public Void batchNorm(BatchNorm b) {
                    g.addLayer(name, new BatchNormalization.Builder().useLogStd(false).eps(b.epsilon())
                            .decay(1 - b.momentum()).activation(org.nd4j.linalg.activations.Activation.IDENTITY)
                            .build(), in);
                    // DL4J's BatchNormalization layer does not apply its configured activation (a relu there is lost)
                    activationAfter(b.activation());
                    return null;
                }

                @Override
                public Void add(Add a) {
                    g.addVertex(name, new ElementWiseVertex(ElementWiseVertex.Op.Add), in);
                    activationAfter(a.activation());
                    return null;
                }

                /** An ActivationLayer {@code <name>/act} after the stage's vertex, which it then stands for. */
                private void activationAfter(Activation a) {
                    if (a != Activation.NONE) {
                        String act = name + "/act";
                        g.addLayer(act, new ActivationLayer.Builder().activation(activation(a)).build(), name);
                        vertexOf[stage.index()] = act;
                    }
                }
            });
        }
        g.setInputTypes(w.inputs().stream().map(NetworkFactory::inputType).toArray(InputType[]::new));
        g.setOutputs(vertexOf[stages.size() - 1]);
        ComputationGraphConfiguration conf = g.build();
        for (Stage stage : stages) {
            long rows = stage.layer() instanceof Embedding e ? e.vocabulary()
                    : stage.layer() instanceof EmbeddingBag e ? e.totalRows() : 0;
            if (rows > 0) {
                // the input types set nIn of EmbeddingSequenceLayer to the sequence length: it is the table's rows
                LayerVertex v = (LayerVertex) conf.getVertices().get(stage.name());
                ((EmbeddingSequenceLayer) v.getLayerConf().getLayer()).setNIn(rows);
            }
        }
        return conf;
    }

    /** The graph's input names, in the workload's input order. */
    static String[] inputNames(Workload w) {
        return w.inputs().stream().map(ModelInput::name).toArray(String[]::new);
    }

    /** The vertex of layer {@code k} of an lstm stage. */
    static String lstmLayer(String stage, int k) {
        return stage + "/l" + k;
    }

    /** Suffix of the pooling layer that sums (or averages) each bag after the embedding-bag lookup. */
    static final String BAG = "/bag";
    /** Suffix of the layer turning a bag's mean into its sum. */
    static final String BAG_SUM = "/bagsum";

    /** Suffix of the layer adding a positional embedding after the token lookup. */
    static final String POSITION = "/position";

    /**
     * DL4J's activation of a sample shape: {@code [D]} is feed-forward {@code [N, D]}, a sequence {@code [T, D]} is
     * features-first {@code [N, D, T]}, an image {@code [C, H, W]} is {@code [N, C, H, W]}.
     */
    static InputType typeOf(int[] sample) {
        return switch (sample.length) {
            case 1 -> InputType.feedForward(sample[0]);
            case 2 -> InputType.recurrent(sample[1], sample[0], RNNFormat.NCW);
            default -> InputType.convolutional(sample[1], sample[2], sample[0]);
        };
    }

    /**
     * A model input's type: floats as {@link #typeOf}; ids flat, {@code [N, T]} or {@code [N, tables * bag]} (what
     * EmbeddingSequenceLayer reads).
     */
    static InputType inputType(ModelInput in) {
        int[] s = in.shape();
        return in.type().ids() ? InputType.feedForward(in.size()) : typeOf(s);
    }

    /** The DL4J dimension of a canonical sample axis for a sample of this rank (sequences are features-first). */
    static int dl4jAxis(int axis, int rank) {
        return rank == 2 ? (axis == 0 ? 2 : 1) : axis + 1;
    }

    private static SubsamplingLayer pool(PoolingType type, int kernel, int stride) {
        return new SubsamplingLayer.Builder(type).kernelSize(kernel, kernel).stride(stride, stride)
                .convolutionMode(ConvolutionMode.Truncate).build();
    }

    private static org.nd4j.linalg.activations.Activation activation(Activation a) {
        return switch (a) {
            case NONE -> org.nd4j.linalg.activations.Activation.IDENTITY;
            case RELU -> org.nd4j.linalg.activations.Activation.RELU;
            case RELU6 -> org.nd4j.linalg.activations.Activation.RELU6;
            case TANH -> org.nd4j.linalg.activations.Activation.TANH;
            case SIGMOID -> org.nd4j.linalg.activations.Activation.SIGMOID;
        };
    }

    /**
     * Where one canonical tensor lives in the graph: the DL4J parameter key of the stage's layer, and how the
     * canonical layout maps to DL4J's.
     */
    private enum Layout {
        AS_IS, DENSE_TRANSPOSED, DEPTHWISE, LSTM_WEIGHT, LSTM_BIAS
    }

    /** The parameter {@code key} of the graph layer {@code vertex} (null: the stage's own vertex). */
    private record Binding(String vertex, String key, Layout layout) {
        Binding(String key, Layout layout) {
            this(null, key, layout);
        }
    }

    /** The DL4J parameter holding a stage's tensor of a role. */
    private static Binding binding(Stage stage, String role) {
        Binding b = stage.layer().accept(new Layer.Visitor<Binding>() {
            @Override
            public Binding embedding(Embedding layer) {
                return switch (role) {
                    case "weight" -> new Binding("W", Layout.AS_IS);
                    case "position" -> new Binding(stage.name() + POSITION, "position", Layout.AS_IS);
                    default -> null;
                };
            }

            @Override
            public Binding embeddingBag(EmbeddingBag layer) {
                return role.equals("weight") ? new Binding("W", Layout.AS_IS) : null;
            }

            @Override
            public Binding lstm(Lstm layer) {
                for (int k = 0; k < layer.layers(); k++) {
                    String vertex = lstmLayer(stage.name(), k);
                    if (role.equals(Lstm.role(k, "weight_ih"))) {
                        return new Binding(vertex, "W", Layout.LSTM_WEIGHT);
                    } else if (role.equals(Lstm.role(k, "weight_hh"))) {
                        return new Binding(vertex, "RW", Layout.LSTM_WEIGHT);
                    } else if (role.equals(Lstm.role(k, "bias"))) {
                        return new Binding(vertex, "b", Layout.LSTM_BIAS);
                    }
                }
                return null;
            }

            @Override
            public Binding layerNorm(LayerNorm layer) {
                return role.equals("gamma") || role.equals("beta") ? new Binding(role, Layout.AS_IS) : null;
            }

            @Override
            public Binding gelu(Gelu layer) {
                return null;
            }

            @Override
            public Binding attention(Attention layer) {
                // q/k/v/o_weight [D, D] [out, in] and the biases [D], as they are, under keys without the underscore
                String[] parts = role.split("_");
                return new Binding(SameDiffLayers.Attention.key(parts[0], parts[1]), Layout.AS_IS);
            }

            @Override
            public Binding dot(Dot layer) {
                return null;
            }

            @Override
            public Binding concat(Concat layer) {
                return null;
            }

            @Override
            public Binding meanPool(MeanPool layer) {
                return null;
            }

            @Override
            public Binding dense(Dense d) {
                return switch (role) {
                    case "weight" -> new Binding("W", Layout.DENSE_TRANSPOSED);
                    case "bias" -> new Binding("b", Layout.AS_IS);
                    default -> null;
                };
            }

            @Override
            public Binding conv2d(Conv2d c) {
                return switch (role) {
                    case "weight" -> new Binding("W", depthwise(c, stage) ? Layout.DEPTHWISE : Layout.AS_IS);
                    case "bias" -> new Binding("b", Layout.AS_IS);
                    default -> null;
                };
            }

            @Override
            public Binding maxPool2d(MaxPool2d p) {
                return null;
            }

            @Override
            public Binding avgPool2d(AvgPool2d p) {
                return null;
            }

            @Override
            public Binding flatten(Flatten f) {
                return null;
            }

            @Override
            public Binding globalAvgPool(GlobalAvgPool g) {
                return null;
            }

            @Override
            public Binding batchNorm(BatchNorm n) {
                return switch (role) {
                    case "gamma" -> new Binding("gamma", Layout.AS_IS);
                    case "beta" -> new Binding("beta", Layout.AS_IS);
                    case "running_mean" -> new Binding("mean", Layout.AS_IS);
                    case "running_var" -> new Binding("var", Layout.AS_IS);
                    default -> null;
                };
            }

            @Override
            public Binding add(Add a) {
                return null;
            }
        });
        if (b == null) {
            throw new IllegalStateException(stage.name() + " (" + stage.layer().type() + "): no DL4J parameter for role "
                    + role);
        }
        return b;
    }

    /** A graph initialised with the shared weights, every tensor (state included) by canonical name. */
    static ComputationGraph build(Workload w, Weights weights) {
        return build(w, weights, DataType.FLOAT);
    }

    /** {@link #build} in another data type (tests). */
    static ComputationGraph build(Workload w, Weights weights, DataType type) {
        ComputationGraph net = new ComputationGraph(configuration(w, type));
        net.init();
        for (Stage stage : w.stages()) {
            for (ParamSpec p : stage.params()) {
                Binding b = binding(stage, p.role());
                INDArray target = param(net, stage, b);
                float[] data = switch (b.layout()) {
                    case AS_IS -> weights.get(p.name());
                    case DENSE_TRANSPOSED -> weights.transposed(p.name());
                    case DEPTHWISE -> depthwiseToDl4j(weights.get(p.name()), p.shape(), stage.in()[0]);
                    case LSTM_WEIGHT -> lstmWeightToDl4j(weights.get(p.name()), p.shape());
                    case LSTM_BIAS -> lstmBiasToDl4j(weights.get(p.name()));
                };
                copyInto(target, data, p.name());
            }
        }
        return net;
    }

    /**
     * The graph's tensors by canonical name in canonical layout (running statistics included), the inverse of
     * {@link #build}.
     */
    static Map<String, float[]> read(ComputationGraph net, Workload w) {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (Stage stage : w.stages()) {
            for (ParamSpec p : stage.params()) {
                Binding b = binding(stage, p.role());
                INDArray v = param(net, stage, b);
                out.put(p.name(), switch (b.layout()) {
                    case AS_IS -> floats(v);
                    case DENSE_TRANSPOSED -> floats(v.transpose());
                    case DEPTHWISE -> depthwiseFromDl4j(floats(v), p.shape(), stage.in()[0]);
                    case LSTM_WEIGHT -> lstmWeightFromDl4j(floats(v), p.shape());
                    case LSTM_BIAS -> lstmBiasFromDl4j(floats(v));
                });
            }
        }
        return out;
    }

    /** The graph's array behind a binding (a view: assigning to it sets the parameter). */
    private static INDArray param(ComputationGraph net, Stage stage, Binding b) {
        String vertex = b.vertex() == null ? stage.name() : b.vertex();
        INDArray v = net.getLayer(vertex).getParam(b.key());
        if (v == null) {
            throw new IllegalStateException(vertex + " has no DL4J parameter " + b.key());
        }
        return v;
    }

    /**
     * Where DL4J's LSTM keeps each canonical gate block: its columns are blocks g, f, o, i (LSTMHelpers: block input,
     * forget, output, input modulation), the canonical rows i, f, g, o; DL4J block {@code k} holds canonical block
     * {@code LSTM_GATES[k]}.
     */
    static final int[] LSTM_GATES = {2, 1, 3, 0};

    /** Canonical [4H, X] (gate row blocks i, f, g, o) to DL4J's [X, 4H] (column blocks g, f, o, i), row-major. */
    static float[] lstmWeightToDl4j(float[] canonical, int[] shape) {
        int h = shape[0] / 4;
        int x = shape[1];
        float[] out = new float[canonical.length];
        for (int k = 0; k < 4; k++) {
            for (int j = 0; j < h; j++) {
                int row = LSTM_GATES[k] * h + j;
                for (int i = 0; i < x; i++) {
                    out[i * 4 * h + k * h + j] = canonical[row * x + i];
                }
            }
        }
        return out;
    }

    /** The inverse of {@link #lstmWeightToDl4j}. */
    static float[] lstmWeightFromDl4j(float[] dl4j, int[] shape) {
        int h = shape[0] / 4;
        int x = shape[1];
        float[] out = new float[dl4j.length];
        for (int k = 0; k < 4; k++) {
            for (int j = 0; j < h; j++) {
                int row = LSTM_GATES[k] * h + j;
                for (int i = 0; i < x; i++) {
                    out[row * x + i] = dl4j[i * 4 * h + k * h + j];
                }
            }
        }
        return out;
    }

    /** Canonical bias [4H] (i, f, g, o) to DL4J's [1, 4H] (g, f, o, i). */
    static float[] lstmBiasToDl4j(float[] canonical) {
        int h = canonical.length / 4;
        float[] out = new float[canonical.length];
        for (int k = 0; k < 4; k++) {
            System.arraycopy(canonical, LSTM_GATES[k] * h, out, k * h, h);
        }
        return out;
    }

    /** The inverse of {@link #lstmBiasToDl4j}. */
    static float[] lstmBiasFromDl4j(float[] dl4j) {
        int h = dl4j.length / 4;
        float[] out = new float[dl4j.length];
        for (int k = 0; k < 4; k++) {
            System.arraycopy(dl4j, k * h, out, LSTM_GATES[k] * h, h);
        }
        return out;
    }

    /** Canonical [C * mult, 1, k, k] (output channel c * mult + m) to DL4J's [k, k, C, mult], row-major. */
    static float[] depthwiseToDl4j(float[] canonical, int[] shape, int channels) {
        int mult = shape[0] / channels;
        int k = shape[2];
        float[] out = new float[canonical.length];
        for (int c = 0; c < channels; c++) {
            for (int m = 0; m < mult; m++) {
                for (int y = 0; y < k; y++) {
                    for (int x = 0; x < k; x++) {
                        out[((y * k + x) * channels + c) * mult + m] = canonical[((c * mult + m) * k + y) * k + x];
                    }
                }
            }
        }
        return out;
    }

    /** The inverse of {@link #depthwiseToDl4j}. */
    static float[] depthwiseFromDl4j(float[] dl4j, int[] shape, int channels) {
        int mult = shape[0] / channels;
        int k = shape[2];
        float[] out = new float[dl4j.length];
        for (int c = 0; c < channels; c++) {
            for (int m = 0; m < mult; m++) {
                for (int y = 0; y < k; y++) {
                    for (int x = 0; x < k; x++) {
                        out[((c * mult + m) * k + y) * k + x] = dl4j[((y * k + x) * channels + c) * mult + m];
                    }
                }
            }
        }
        return out;
    }

    /** Row-major values as a fresh Java array, whatever the array's order or view offset. */
    private static float[] floats(INDArray a) {
        return a.castTo(DataType.FLOAT).dup('c').data().asFloat();
    }

    private static void copyInto(INDArray target, float[] data, String name) {
        if (target.length() != data.length) {
            throw new IllegalStateException("DL4J parameter for " + name + " has shape "
                    + Arrays.toString(target.shape()) + ", the workload gives " + data.length + " values");
        }
        target.assign(Nd4j.create(data, target.shape(), 'c'));
    }

    /** Features as the network takes them: [batch, n] or [batch, c, h, w] (one float input without sequence). */
    static INDArray features(float[] x, int batch, int[] sampleShape) {
        long[] shape = new long[sampleShape.length + 1];
        shape[0] = batch;
        for (int i = 0; i < sampleShape.length; i++) {
            shape[i + 1] = sampleShape[i];
        }
        INDArray a = Nd4j.create(x, shape, 'c');
        // a float sequence [N, T, D] goes in features-first, [N, D, T]
        return sampleShape.length == 2 ? a.permute(0, 2, 1).dup('c') : a;
    }

    /**
     * Every model input of a batch as the network takes it, in input order: floats as {@link #features}; ids
     * converted to float32 (exact: every table is below 2^24 rows), flat {@code [N, T]} or {@code [N, tables * bag]},
     * the ids an embeddingbag reads shifted by their table's row offset in the joint table.
     */
    static INDArray[] inputs(Workload w, Batch b) {
        INDArray[] out = new INDArray[b.inputs().size()];
        for (int k = 0; k < out.length; k++) {
            Feed f = b.inputs().get(k);
            if (f instanceof Feed.Ids ids) {
                float[] values = ids.asFloats();
                int[] offsets = bagOffsets(w, k);
                if (offsets != null) {
                    // row k of each sample's [tables, bag] ids reads table k: shift it to that table's first row
                    int bag = values.length / b.size() / offsets.length;
                    for (int i = 0; i < values.length; i++) {
                        values[i] += offsets[(i / bag) % offsets.length];
                    }
                }
                out[k] = Nd4j.create(values, new long[] {b.size(), values.length / b.size()}, 'c');
            } else if (f instanceof Feed.Floats x) {
                out[k] = features(x.values(), b.size(), x.sampleShape());
            } else {
                throw new IllegalStateException("unknown feed " + f.getClass());
            }
        }
        return out;
    }

    /** The row offsets of the tables of the embeddingbag reading model input {@code k}, or null. */
    private static int[] bagOffsets(Workload w, int k) {
        int index = Workload.inputIndex(k);
        for (Stage s : w.stages()) {
            if (s.layer() instanceof EmbeddingBag e && s.inputs().get(0) == index) {
                return e.offsets();
            }
        }
        return null;
    }

    static INDArray labels(Batch b) {
        return Nd4j.create(b.oneHot(), new long[] {b.size(), b.classes()}, 'c');
    }

    /** A minibatch of a single-input workload as a DataSet (several inputs: {@link #multiDataSet}). */
    static DataSet dataSet(Workload w, Batch b) {
        INDArray[] in = inputs(w, b);
        if (in.length != 1) {
            throw new IllegalStateException("a DataSet holds one input; this batch has " + in.length);
        }
        return new DataSet(in[0], labels(b));
    }

    /** The same minibatch as the graph's training input (one features array per model input, one labels array). */
    static MultiDataSet multiDataSet(Workload w, Batch b) {
        return new MultiDataSet(inputs(w, b), new INDArray[] {labels(b)});
    }

    /**
     * Logits [batch, classes]: the output layer's input times its weights plus bias. DL4J's output applies softmax,
     * which only fixes logits up to a shift, so the last affine step is done here (inference mode: batchnorm on its
     * running statistics).
     */
    static float[] logits(ComputationGraph net, INDArray... inputs) {
        ComputationGraphConfiguration conf = net.getConfiguration();
        String output = conf.getNetworkOutputs().get(0);
        String before = conf.getVertexInputs().get(output).get(0);
        int at = conf.getNetworkInputs().indexOf(before);
        INDArray x;
        if (at >= 0) {
            x = inputs[at];
        } else {
            Map<String, INDArray> acts = net.feedForward(inputs, false);
            x = acts.get(before);
        }
        if (x.rank() > 2) {
            x = x.reshape('c', x.size(0), x.length() / x.size(0));
        }
        INDArray w = net.getLayer(output).getParam("W");
        INDArray b = net.getLayer(output).getParam("b");
        // mmul may answer in 'f' order: copy to row-major before reading the buffer
        return x.castTo(DataType.FLOAT).mmul(w).addiRowVector(b).dup('c').data().asFloat();
    }
}
