package org.dlbench.dl4j;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.CacheMode;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.dlbench.core.data.Weights;
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
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;

/**
 * Turns a workload into DL4J {@link MultiLayerConfiguration}s and copies the shared weights in.
 *
 * <p>Two configurations share one parameter array: the "logits" network ends with the last dense layer (identity
 * activation), so {@code output()} returns logits, and the "training" network adds a {@link LossLayer} with softmax
 * and multi-class cross-entropy (MCXENT), the textbook DL4J classifier head. DL4J has no cross-entropy-on-logits
 * loss, so the softmax has to live in the loss layer for training and be left out for inference.
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

    private Networks() {
    }

    /** The network's layer configurations in order, and for each workload stage its DL4J layer (-1 for flatten). */
    record Plan(List<org.deeplearning4j.nn.conf.layers.Layer> layers, int[] layerOfStage, InputType inputType) {
    }

    static Plan plan(Workload w) {
        List<org.deeplearning4j.nn.conf.layers.Layer> layers = new ArrayList<>();
        int[] layerOfStage = new int[w.stages().size()];
        for (Stage stage : w.stages()) {
            org.deeplearning4j.nn.conf.layers.Layer l = layer(stage);
            layerOfStage[stage.index()] = l == null ? -1 : layers.size();
            if (l != null) {
                layers.add(l);
            }
        }
        int[] in = w.inputShape();
        // NCHW is DL4J's default CNN format; the CnnToFeedForward pre-processor it inserts before a dense layer
        // flattens in C, H, W order, which is the workload's flatten order
        InputType type = in.length == 1 ? InputType.feedForward(in[0]) : InputType.convolutional(in[1], in[2], in[0]);
        return new Plan(layers, layerOfStage, type);
    }

    /** The DL4J layer of a stage, or null for flatten (DL4J's pre-processor does it). */
    private static org.deeplearning4j.nn.conf.layers.Layer layer(Stage stage) {
        return stage.layer().accept(new Layer.Visitor<org.deeplearning4j.nn.conf.layers.Layer>() {
            @Override
            public org.deeplearning4j.nn.conf.layers.Layer dense(Dense d) {
                return new DenseLayer.Builder().nIn(stage.in()[0]).nOut(d.units())
                        .activation(activation(d.activation())).hasBias(true).build();
            }

            @Override
            public org.deeplearning4j.nn.conf.layers.Layer conv2d(Conv2d c) {
                return new ConvolutionLayer.Builder(c.kernel(), c.kernel()).stride(c.stride(), c.stride())
                        .padding(c.padding(), c.padding()).nIn(stage.in()[0]).nOut(c.filters())
                        .convolutionMode(CONVOLUTION_MODE).activation(activation(c.activation())).hasBias(true).build();
            }

            @Override
            public org.deeplearning4j.nn.conf.layers.Layer maxPool2d(MaxPool2d p) {
                return pooling(SubsamplingLayer.PoolingType.MAX, p.kernel(), p.stride());
            }

            @Override
            public org.deeplearning4j.nn.conf.layers.Layer avgPool2d(AvgPool2d p) {
                return pooling(SubsamplingLayer.PoolingType.AVG, p.kernel(), p.stride());
            }

            @Override
            public org.deeplearning4j.nn.conf.layers.Layer flatten(Flatten f) {
                return null;
            }

            @Override
            public org.deeplearning4j.nn.conf.layers.Layer globalAvgPool(GlobalAvgPool g) {
                throw new UnsupportedOperationException(whyNot(stage));
            }

            @Override
            public org.deeplearning4j.nn.conf.layers.Layer batchNorm(BatchNorm b) {
                throw new UnsupportedOperationException(whyNot(stage));
            }

            @Override
            public org.deeplearning4j.nn.conf.layers.Layer add(Add a) {
                throw new UnsupportedOperationException(whyNot(stage));
            }
        });
    }

    private static SubsamplingLayer pooling(SubsamplingLayer.PoolingType type, int kernel, int stride) {
        return new SubsamplingLayer.Builder(type).kernelSize(kernel, kernel).stride(stride, stride)
                .padding(0, 0).convolutionMode(CONVOLUTION_MODE).build();
    }

    /** Why this translation cannot build a stage yet, or null when it can. */
    static String whyNot(Stage stage) {
        return stage.layer().accept(new Layer.Visitor<String>() {
            @Override
            public String dense(Dense d) {
                return null;
            }

            @Override
            public String conv2d(Conv2d c) {
                return c.groups() == 1 ? null : "grouped convolution is not translated to DL4J yet (ConvolutionLayer has "
                        + "no groups; depthwise needs DepthwiseConvolution2D)";
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
                return "not translated to DL4J yet";
            }

            @Override
            public String batchNorm(BatchNorm b) {
                return "not translated to DL4J yet";
            }

            @Override
            public String add(Add a) {
                return "not translated to DL4J yet (a residual join needs a ComputationGraph)";
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

    /** The configuration of the logits network, or with {@code withLoss} of the training network. */
    static MultiLayerConfiguration configuration(Workload w, Plan plan, boolean withLoss) {
        // plain SGD on the mean loss: miniBatch(true) divides gradients by the batch size; no regularisation,
        // no gradient normalisation; weights are overwritten from the shared ones, the init scheme is irrelevant
        NeuralNetConfiguration.ListBuilder list = new NeuralNetConfiguration.Builder()
                .dataType(DataType.FLOAT)
                .updater(new Sgd(w.learningRate()))
                .miniBatch(true)
                .gradientNormalization(GradientNormalization.None)
                .weightInit(WeightInit.ZERO)
                .trainingWorkspaceMode(WORKSPACES)
                .inferenceWorkspaceMode(WORKSPACES)
                .cacheMode(CacheMode.NONE)
                .list();
        for (org.deeplearning4j.nn.conf.layers.Layer l : plan.layers()) {
            list.layer(l.clone());
        }
        if (withLoss) {
            list.layer(new LossLayer.Builder(new LossMCXENT(SOFTMAX_CLIP_EPS, null))
                    .activation(org.nd4j.linalg.activations.Activation.SOFTMAX).build());
        }
        return list.setInputType(plan.inputType()).build();
    }

    /** Copies the shared weights into the network's parameter views, in DL4J's layouts. */
    static void load(MultiLayerNetwork net, Workload w, Plan plan, Weights weights) {
        for (Stage stage : w.stages()) {
            if (stage.params().isEmpty()) {
                continue;
            }
            org.deeplearning4j.nn.api.Layer l = net.getLayer(plan.layerOfStage()[stage.index()]);
            String weight = stage.params().get(0).name();
            String bias = stage.params().get(1).name();
            // DenseLayer W is [nIn, nOut] (x W + b), the transpose of the workload's [out, in]; ConvolutionLayer W
            // is [nOut, nIn, kH, kW] like the workload's. assign() copies by logical index, so the 'f'/'c' order of
            // DL4J's flattened parameter views does not matter.
            float[] values = stage.layer() instanceof Dense ? weights.transposed(weight) : weights.get(weight);
            copy(l.getParam("W"), values, stage.layer() instanceof Dense
                    ? new long[] {stage.in()[0], stage.out()[0]}
                    : Arrays.stream(stage.params().get(0).shape()).asLongStream().toArray(), weight);
            INDArray b = l.getParam("b");
            copy(b, weights.get(bias), b.shape(), bias);
        }
    }

    /**
     * The network's parameters by canonical name in canonical layout: the inverse of {@link #load}. DenseLayer W
     * [nIn, nOut] is transposed back to [out, in]; ConvolutionLayer W [nOut, nIn, kH, kW] is already canonical;
     * biases ([1, n] in DL4J) become flat vectors. Fresh Java arrays, read in logical (row-major) order.
     */
    static Map<String, float[]> read(MultiLayerNetwork net, Workload w, Plan plan) {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (Stage stage : w.stages()) {
            if (stage.params().isEmpty()) {
                continue;
            }
            org.deeplearning4j.nn.api.Layer l = net.getLayer(plan.layerOfStage()[stage.index()]);
            INDArray weight = l.getParam("W");
            out.put(stage.params().get(0).name(),
                    Arrays4j.toFloats(stage.layer() instanceof Dense ? weight.transpose() : weight));
            out.put(stage.params().get(1).name(), Arrays4j.toFloats(l.getParam("b")));
        }
        return out;
    }

    private static void copy(INDArray param, float[] values, long[] shape, String name) {
        if (!Arrays.equals(param.shape(), shape) || param.length() != values.length) {
            throw new IllegalStateException("DL4J parameter for " + name + " has shape " + Arrays.toString(param.shape())
                    + ", expected " + Arrays.toString(shape));
        }
        param.assign(Nd4j.create(values, shape, 'c'));
    }
}
