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
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
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
 * after the stage and fed by the vertices of {@link Stage#inputs()} (the graph input is {@value #INPUT}); plain SGD at
 * the workload's learning rate; the last stage (dense) is a softmax + cross-entropy output layer (mean over the
 * minibatch); NCHW input. Translations, through one {@link Layer.Visitor}:
 * <ul>
 *   <li>dense: DenseLayer, W [in, out] (the canonical [out, in] transposed);</li>
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
 *   <li>add: ElementWiseVertex Add, then an ActivationLayer {@code <stage>/act} when it has an activation.</li>
 * </ul>
 */
final class NetworkFactory {
    /**
     * MCXENT's softmax clipping: DL4J's default 1e-10 caps each sample's reported loss at 23.03, which LeNet's
     * first averaging round exceeds (the training-step check caught the score 1.1 below the mean cross-entropy);
     * 1e-30 keeps the score exact up to a sample loss of 69 and finite when a probability underflows to 0.
     */
    static final double SOFTMAX_CLIP_EPS = 1e-30;
    /** The graph's input vertex. */
    static final String INPUT = "input";

    private NetworkFactory() {
    }

    /** Why this workload cannot be built, or null when it can. */
    static String unsupportedReason(Workload w) {
        List<Stage> stages = w.stages();
        if (!(stages.get(stages.size() - 1).layer() instanceof Dense)) {
            return "DL4J's output layer is dense: the workload's last layer must be dense";
        }
        Support layers = Support.forStages(w, NetworkFactory::whyNot);
        if (!layers.supported()) {
            return layers.reason();
        }
        if (w.inputShape().length != 1 && w.inputShape().length != 3) {
            return "input must be [features] or [channels, height, width], got " + Arrays.toString(w.inputShape());
        }
        return null;
    }

    /** Why this translation cannot build a stage, or null when it can. */
    static String whyNot(Stage stage) {
        return stage.layer().accept(new Layer.Visitor<String>() {
            @Override
            public String embedding(Embedding layer) {
                return "embedding layers are not translated for DL4J-Spark yet";
            }

            @Override
            public String embeddingBag(EmbeddingBag layer) {
                return "embeddingbag layers are not translated for DL4J-Spark yet";
            }

            @Override
            public String lstm(Lstm layer) {
                return "lstm layers are not translated for DL4J-Spark yet";
            }

            @Override
            public String layerNorm(LayerNorm layer) {
                return "layernorm layers are not translated for DL4J-Spark yet";
            }

            @Override
            public String gelu(Gelu layer) {
                return "gelu layers are not translated for DL4J-Spark yet";
            }

            @Override
            public String attention(Attention layer) {
                return "attention layers are not translated for DL4J-Spark yet";
            }

            @Override
            public String dot(Dot layer) {
                return "dot layers are not translated for DL4J-Spark yet";
            }

            @Override
            public String concat(Concat layer) {
                return "concat layers are not translated for DL4J-Spark yet";
            }

            @Override
            public String meanPool(MeanPool layer) {
                return "meanpool layers are not translated for DL4J-Spark yet";
            }

            @Override
            public String dense(Dense d) {
                return null;
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
                .addInputs(INPUT);
        List<Stage> stages = w.stages();
        String[] vertexOf = new String[stages.size()];
        for (Stage stage : stages) {
            boolean last = stage.index() == stages.size() - 1;
            String name = stage.name();
            String[] in = stage.inputs().stream().map(i -> i < 0 ? INPUT : vertexOf[i]).toArray(String[]::new);
            vertexOf[stage.index()] = name;
            stage.layer().accept(new Layer.Visitor<Void>() {
                @Override
                public Void embedding(Embedding layer) {
                    throw new UnsupportedOperationException("embedding layers are not translated for DL4J-Spark yet");
                }

                @Override
                public Void embeddingBag(EmbeddingBag layer) {
                    throw new UnsupportedOperationException("embeddingbag layers are not translated for DL4J-Spark yet");
                }

                @Override
                public Void lstm(Lstm layer) {
                    throw new UnsupportedOperationException("lstm layers are not translated for DL4J-Spark yet");
                }

                @Override
                public Void layerNorm(LayerNorm layer) {
                    throw new UnsupportedOperationException("layernorm layers are not translated for DL4J-Spark yet");
                }

                @Override
                public Void gelu(Gelu layer) {
                    throw new UnsupportedOperationException("gelu layers are not translated for DL4J-Spark yet");
                }

                @Override
                public Void attention(Attention layer) {
                    throw new UnsupportedOperationException("attention layers are not translated for DL4J-Spark yet");
                }

                @Override
                public Void dot(Dot layer) {
                    throw new UnsupportedOperationException("dot layers are not translated for DL4J-Spark yet");
                }

                @Override
                public Void concat(Concat layer) {
                    throw new UnsupportedOperationException("concat layers are not translated for DL4J-Spark yet");
                }

                @Override
                public Void meanPool(MeanPool layer) {
                    throw new UnsupportedOperationException("meanpool layers are not translated for DL4J-Spark yet");
                }

                @Override
                public Void dense(Dense d) {
                    g.addLayer(name, last
                            ? new OutputLayer.Builder(new LossMCXENT(SOFTMAX_CLIP_EPS, null)).nOut(d.units())
                                    .activation(org.nd4j.linalg.activations.Activation.SOFTMAX).build()
                            : new DenseLayer.Builder().nOut(d.units()).activation(activation(d.activation())).build(),
                            in);
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
                        throw new UnsupportedOperationException(whyNot(stage));
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
        int[] shape = w.inputShape();
        g.setInputTypes(shape.length == 1 ? InputType.feedForward(shape[0])
                : InputType.convolutional(shape[1], shape[2], shape[0]));
        g.setOutputs(vertexOf[stages.size() - 1]);
        return g.build();
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
        AS_IS, DENSE_TRANSPOSED, DEPTHWISE
    }

    private record Binding(String key, Layout layout) {
    }

    /** The DL4J parameter holding a stage's tensor of a role. */
    private static Binding binding(Stage stage, String role) {
        Binding b = stage.layer().accept(new Layer.Visitor<Binding>() {
            @Override
            public Binding embedding(Embedding layer) {
                throw new UnsupportedOperationException("embedding layers are not translated for DL4J-Spark yet");
            }

            @Override
            public Binding embeddingBag(EmbeddingBag layer) {
                throw new UnsupportedOperationException("embeddingbag layers are not translated for DL4J-Spark yet");
            }

            @Override
            public Binding lstm(Lstm layer) {
                throw new UnsupportedOperationException("lstm layers are not translated for DL4J-Spark yet");
            }

            @Override
            public Binding layerNorm(LayerNorm layer) {
                throw new UnsupportedOperationException("layernorm layers are not translated for DL4J-Spark yet");
            }

            @Override
            public Binding gelu(Gelu layer) {
                throw new UnsupportedOperationException("gelu layers are not translated for DL4J-Spark yet");
            }

            @Override
            public Binding attention(Attention layer) {
                throw new UnsupportedOperationException("attention layers are not translated for DL4J-Spark yet");
            }

            @Override
            public Binding dot(Dot layer) {
                throw new UnsupportedOperationException("dot layers are not translated for DL4J-Spark yet");
            }

            @Override
            public Binding concat(Concat layer) {
                throw new UnsupportedOperationException("concat layers are not translated for DL4J-Spark yet");
            }

            @Override
            public Binding meanPool(MeanPool layer) {
                throw new UnsupportedOperationException("meanpool layers are not translated for DL4J-Spark yet");
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
                INDArray target = net.getLayer(stage.name()).getParam(b.key());
                float[] data = switch (b.layout()) {
                    case AS_IS -> weights.get(p.name());
                    case DENSE_TRANSPOSED -> weights.transposed(p.name());
                    case DEPTHWISE -> depthwiseToDl4j(weights.get(p.name()), p.shape(), stage.in()[0]);
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
                INDArray v = net.getLayer(stage.name()).getParam(b.key());
                out.put(p.name(), switch (b.layout()) {
                    case AS_IS -> floats(v);
                    case DENSE_TRANSPOSED -> floats(v.transpose());
                    case DEPTHWISE -> depthwiseFromDl4j(floats(v), p.shape(), stage.in()[0]);
                });
            }
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

    /** Features as the network takes them: [batch, n] or [batch, c, h, w]. */
    static INDArray features(float[] x, int batch, int[] sampleShape) {
        long[] shape = new long[sampleShape.length + 1];
        shape[0] = batch;
        for (int i = 0; i < sampleShape.length; i++) {
            shape[i + 1] = sampleShape[i];
        }
        return Nd4j.create(x, shape, 'c');
    }

    static DataSet dataSet(Batch b) {
        return new DataSet(features(b.features(), b.size(), b.sampleShape()),
                Nd4j.create(b.oneHot(), new long[] {b.size(), b.classes()}, 'c'));
    }

    /** The same minibatch as the graph's training input (one features array, one labels array). */
    static MultiDataSet multiDataSet(Batch b) {
        DataSet d = dataSet(b);
        return new MultiDataSet(d.getFeatures(), d.getLabels());
    }

    /**
     * Logits [batch, classes]: the output layer's input times its weights plus bias. DL4J's output applies softmax,
     * which only fixes logits up to a shift, so the last affine step is done here (inference mode: batchnorm on its
     * running statistics).
     */
    static float[] logits(ComputationGraph net, INDArray input) {
        ComputationGraphConfiguration conf = net.getConfiguration();
        String output = conf.getNetworkOutputs().get(0);
        String before = conf.getVertexInputs().get(output).get(0);
        INDArray x;
        if (before.equals(INPUT)) {
            x = input;
        } else {
            Map<String, INDArray> acts = net.feedForward(input, false);
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
