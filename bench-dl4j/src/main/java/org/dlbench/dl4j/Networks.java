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
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.PreprocessorVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
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
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;

/**
 * Turns a workload into DL4J {@link ComputationGraphConfiguration}s (one vertex per stage, wired by
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
    /** The graph's input vertex; '#' keeps DL4J's own vertex names apart from the workload's node names. */
    static final String INPUT = "#input";
    private static final String LOSS = "#loss";

    private Networks() {
    }

    /** One DL4J vertex: a layer or a parameterless graph vertex, and the vertices it reads. */
    record Vertex(String name, org.deeplearning4j.nn.conf.layers.Layer layer, GraphVertex vertex, String[] inputs) {
    }

    /**
     * The graph's vertices in the workload's topological order, the vertex whose output is each stage's output, the
     * DL4J layer holding each stage's parameters (null for none), and the model input's type.
     */
    record Plan(List<Vertex> vertices, String[] outputOfStage, String[] layerOfStage, InputType inputType) {
        /** The vertex producing the logits: the last stage's. */
        String output() {
            return outputOfStage[outputOfStage.length - 1];
        }
    }

    static Plan plan(Workload w) {
        List<Vertex> vertices = new ArrayList<>();
        int n = w.stages().size();
        String[] outputOf = new String[n];
        String[] layerOf = new String[n];
        for (Stage stage : w.stages()) {
            String[] inputs = stage.inputs().stream().map(i -> i < 0 ? INPUT : outputOf[i]).toArray(String[]::new);
            outputOf[stage.index()] = translate(stage, inputs, vertices);
            layerOf[stage.index()] = stage.params().isEmpty() ? null : stage.name();
        }
        int[] in = w.inputShape();
        // NCHW is DL4J's default CNN format; its CnnToFeedForward pre-processor flattens in C, H, W order, which is
        // the workload's flatten order
        InputType type = in.length == 1 ? InputType.feedForward(in[0]) : InputType.convolutional(in[1], in[2], in[0]);
        return new Plan(vertices, outputOf, layerOf, type);
    }

    /** Adds the stage's vertices and returns the name of the one giving its output. */
    private static String translate(Stage stage, String[] inputs, List<Vertex> vertices) {
        String name = stage.name();
        return stage.layer().accept(new Layer.Visitor<String>() {
            @Override
            public String embedding(Embedding layer) {
                return "embedding layers are not translated for DL4J yet";
            }

            @Override
            public String embeddingBag(EmbeddingBag layer) {
                return "embeddingbag layers are not translated for DL4J yet";
            }

            @Override
            public String lstm(Lstm layer) {
                return "lstm layers are not translated for DL4J yet";
            }

            @Override
            public String layerNorm(LayerNorm layer) {
                return "layernorm layers are not translated for DL4J yet";
            }

            @Override
            public String gelu(Gelu layer) {
                return "gelu layers are not translated for DL4J yet";
            }

            @Override
            public String attention(Attention layer) {
                return "attention layers are not translated for DL4J yet";
            }

            @Override
            public String dot(Dot layer) {
                return "dot layers are not translated for DL4J yet";
            }

            @Override
            public String concat(Concat layer) {
                return "concat layers are not translated for DL4J yet";
            }

            @Override
            public String meanPool(MeanPool layer) {
                return "meanpool layers are not translated for DL4J yet";
            }

            private String layer(String vertexName, org.deeplearning4j.nn.conf.layers.Layer l, String... from) {
                vertices.add(new Vertex(vertexName, l, null, from));
                return vertexName;
            }

            @Override
            public String dense(Dense d) {
                return layer(name, new DenseLayer.Builder().nIn(stage.in()[0]).nOut(d.units())
                        .activation(activation(d.activation())).hasBias(true).build(), inputs);
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

    private static SubsamplingLayer pooling(SubsamplingLayer.PoolingType type, int kernel, int stride) {
        return new SubsamplingLayer.Builder(type).kernelSize(kernel, kernel).stride(stride, stride)
                .padding(0, 0).convolutionMode(CONVOLUTION_MODE).build();
    }

    /** Why this translation cannot build a stage, or null when it can. */
    static String whyNot(Stage stage) {
        return stage.layer().accept(new Layer.Visitor<String>() {
            @Override
            public String embedding(Embedding layer) {
                return "embedding layers are not translated for DL4J yet";
            }

            @Override
            public String embeddingBag(EmbeddingBag layer) {
                return "embeddingbag layers are not translated for DL4J yet";
            }

            @Override
            public String lstm(Lstm layer) {
                return "lstm layers are not translated for DL4J yet";
            }

            @Override
            public String layerNorm(LayerNorm layer) {
                return "layernorm layers are not translated for DL4J yet";
            }

            @Override
            public String gelu(Gelu layer) {
                return "gelu layers are not translated for DL4J yet";
            }

            @Override
            public String attention(Attention layer) {
                return "attention layers are not translated for DL4J yet";
            }

            @Override
            public String dot(Dot layer) {
                return "dot layers are not translated for DL4J yet";
            }

            @Override
            public String concat(Concat layer) {
                return "concat layers are not translated for DL4J yet";
            }

            @Override
            public String meanPool(MeanPool layer) {
                return "meanpool layers are not translated for DL4J yet";
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
                return null;
            }

            @Override
            public String add(Add a) {
                return null;
            }
        });
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
                .addInputs(INPUT);
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
        return graph.setInputTypes(plan.inputType()).build();
    }

    /** How a canonical tensor is laid out in its DL4J parameter. */
    private enum Layout {
        /** Same values in the same order (DL4J may add a leading 1, as for biases [1, n]). */
        SAME,
        /** DenseLayer W [nIn, nOut]: the transpose of the canonical [out, in]. */
        TRANSPOSED,
        /** DepthwiseConvolution2D W [kH, kW, C, mult]: canonical [C * mult, 1, kH, kW] with f = c * mult + m. */
        DEPTHWISE
    }

    /** Where one canonical tensor (by role) lives in the stage's DL4J layer: parameter key and layout. */
    private record Binding(String role, String key, Layout layout) {
    }

    /** The bindings of every tensor of a stage (empty for layers without parameters). */
    private static List<Binding> bindings(Stage stage) {
        return stage.layer().accept(new Layer.Visitor<List<Binding>>() {
            @Override
            public List<Binding> embedding(Embedding layer) {
                throw new UnsupportedOperationException("embedding layers are not translated for DL4J yet");
            }

            @Override
            public List<Binding> embeddingBag(EmbeddingBag layer) {
                throw new UnsupportedOperationException("embeddingbag layers are not translated for DL4J yet");
            }

            @Override
            public List<Binding> lstm(Lstm layer) {
                throw new UnsupportedOperationException("lstm layers are not translated for DL4J yet");
            }

            @Override
            public List<Binding> layerNorm(LayerNorm layer) {
                throw new UnsupportedOperationException("layernorm layers are not translated for DL4J yet");
            }

            @Override
            public List<Binding> gelu(Gelu layer) {
                throw new UnsupportedOperationException("gelu layers are not translated for DL4J yet");
            }

            @Override
            public List<Binding> attention(Attention layer) {
                throw new UnsupportedOperationException("attention layers are not translated for DL4J yet");
            }

            @Override
            public List<Binding> dot(Dot layer) {
                throw new UnsupportedOperationException("dot layers are not translated for DL4J yet");
            }

            @Override
            public List<Binding> concat(Concat layer) {
                throw new UnsupportedOperationException("concat layers are not translated for DL4J yet");
            }

            @Override
            public List<Binding> meanPool(MeanPool layer) {
                throw new UnsupportedOperationException("meanpool layers are not translated for DL4J yet");
            }

            @Override
            public List<Binding> dense(Dense d) {
                return List.of(new Binding("weight", "W", Layout.TRANSPOSED), new Binding("bias", "b", Layout.SAME));
            }

            @Override
            public List<Binding> conv2d(Conv2d c) {
                return List.of(new Binding("weight", "W", c.groups() == 1 ? Layout.SAME : Layout.DEPTHWISE),
                        new Binding("bias", "b", Layout.SAME));
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
                return List.of(new Binding("gamma", "gamma", Layout.SAME), new Binding("beta", "beta", Layout.SAME),
                        new Binding("running_mean", "mean", Layout.SAME),
                        new Binding("running_var", "var", Layout.SAME));
            }

            @Override
            public List<Binding> add(Add a) {
                return List.of();
            }
        });
    }

    /** Copies the shared weights (trainable tensors and state) into the graph's parameter views, in DL4J's layouts. */
    static void load(ComputationGraph net, Workload w, Plan plan, Weights weights) {
        for (Stage stage : w.stages()) {
            for (Binding b : bindings(stage)) {
                ParamSpec spec = stage.param(b.role());
                INDArray param = net.getLayer(plan.layerOfStage()[stage.index()]).getParam(b.key());
                INDArray canonical = Nd4j.create(weights.get(spec.name()),
                        Arrays.stream(spec.shape()).asLongStream().toArray(), 'c');
                INDArray value = switch (b.layout()) {
                    case SAME -> param.rank() == canonical.rank() ? canonical : canonical.reshape('c', param.shape());
                    case TRANSPOSED -> canonical.transpose();
                    case DEPTHWISE -> canonical.reshape('c', depthwiseCanonical(param)).permute(2, 3, 0, 1);
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
                INDArray param = net.getLayer(plan.layerOfStage()[stage.index()]).getParam(b.key());
                INDArray canonical = switch (b.layout()) {
                    case SAME -> param;
                    case TRANSPOSED -> param.transpose();
                    case DEPTHWISE -> param.permute(2, 3, 0, 1); // [C, mult, kH, kW]: row-major is [C * mult, 1, k, k]
                };
                out.put(stage.param(b.role()).name(), Arrays4j.toFloats(canonical));
            }
        }
        return out;
    }
}
