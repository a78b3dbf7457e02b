package org.dlbench.spark;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.dlbench.core.data.Batch;
import org.dlbench.core.data.Weights;
import org.dlbench.core.adapter.Support;
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
import org.dlbench.core.workload.Stage;
import org.dlbench.core.workload.Workload;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;

/**
 * Builds a workload as a DL4J {@link MultiLayerNetwork} with the shared initial weights: plain SGD at the workload's
 * learning rate, the last dense layer as a softmax + cross-entropy output layer (mean over the minibatch), NCHW input.
 * A workload {@code flatten} becomes DL4J's automatic CNN-to-dense preprocessor, which flattens in C, H, W order.
 */
final class NetworkFactory {
    /**
     * MCXENT's softmax clipping: DL4J's default 1e-10 caps each sample's reported loss at 23.03, which LeNet's
     * first averaging round exceeds (the training-step check caught the score 1.1 below the mean cross-entropy);
     * 1e-30 keeps the score exact up to a sample loss of 69 and finite when a probability underflows to 0.
     */
    static final double SOFTMAX_CLIP_EPS = 1e-30;
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

    static MultiLayerConfiguration configuration(Workload w) {
        NeuralNetConfiguration.ListBuilder list = new NeuralNetConfiguration.Builder()
                .seed(42)
                .dataType(DataType.FLOAT)
                .updater(new Sgd(w.learningRate()))
                .list();
        List<Stage> stages = w.stages();
        int index = 0;
        for (int i = 0; i < stages.size(); i++) {
            boolean last = i == stages.size() - 1;
            Stage stage = stages.get(i);
            org.deeplearning4j.nn.conf.layers.Layer built = stage.layer().accept(
                    new Layer.Visitor<org.deeplearning4j.nn.conf.layers.Layer>() {
                @Override
                public org.deeplearning4j.nn.conf.layers.Layer dense(Dense d) {
                    return last
                            ? new OutputLayer.Builder(new LossMCXENT(SOFTMAX_CLIP_EPS, null)).nOut(d.units())
                                    .activation(org.nd4j.linalg.activations.Activation.SOFTMAX).build()
                            : new DenseLayer.Builder().nOut(d.units()).activation(activation(d.activation())).build();
                }

                @Override
                public org.deeplearning4j.nn.conf.layers.Layer conv2d(Conv2d c) {
                    return new ConvolutionLayer.Builder(c.kernel(), c.kernel()).nOut(c.filters())
                            .stride(c.stride(), c.stride()).padding(c.padding(), c.padding())
                            .convolutionMode(ConvolutionMode.Truncate).activation(activation(c.activation())).build();
                }

                @Override
                public org.deeplearning4j.nn.conf.layers.Layer maxPool2d(MaxPool2d p) {
                    return pool(PoolingType.MAX, p.kernel(), p.stride());
                }

                @Override
                public org.deeplearning4j.nn.conf.layers.Layer avgPool2d(AvgPool2d p) {
                    return pool(PoolingType.AVG, p.kernel(), p.stride());
                }

                @Override
                public org.deeplearning4j.nn.conf.layers.Layer flatten(Flatten f) {
                    return null; // DL4J inserts its CNN-to-dense preprocessor from the input type
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
            if (built != null) {
                list.layer(index++, built);
            }
        }
        int[] in = w.inputShape();
        list.setInputType(in.length == 1 ? InputType.feedForward(in[0]) : InputType.convolutional(in[1], in[2], in[0]));
        return list.build();
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
                return c.groups() == 1 ? null : "grouped convolution is not translated to DL4J on Spark yet";
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
                return "not translated to DL4J on Spark yet";
            }

            @Override
            public String batchNorm(BatchNorm b) {
                return "not translated to DL4J on Spark yet";
            }

            @Override
            public String add(Add a) {
                return "not translated to DL4J on Spark yet (a residual join needs SparkComputationGraph)";
            }
        });
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

    /** A network initialised with the shared weights (dense weights transposed to DL4J's [in, out]). */
    static MultiLayerNetwork build(Workload w, Weights weights) {
        MultiLayerNetwork net = new MultiLayerNetwork(configuration(w));
        net.init();
        int index = 0;
        for (Stage stage : w.stages()) {
            if (stage.params().isEmpty()) {
                if (!(stage.layer() instanceof Flatten)) {
                    index++;
                }
                continue;
            }
            String weight = "layer" + stage.index() + ".weight";
            String bias = "layer" + stage.index() + ".bias";
            float[] wData = stage.layer() instanceof Dense ? weights.transposed(weight) : weights.get(weight);
            copyInto(net.getLayer(index).getParam("W"), wData, weight);
            copyInto(net.getLayer(index).getParam("b"), weights.get(bias), bias);
            index++;
        }
        return net;
    }

    /**
     * The network's parameters by canonical name in canonical layout, the inverse of {@link #build}: dense and output
     * layer W [in, out] transposed back to [out, in], conv W [out, in, k, k] as it is, biases flattened.
     */
    static Map<String, float[]> read(MultiLayerNetwork net, Workload w) {
        Map<String, float[]> out = new LinkedHashMap<>();
        int index = 0;
        for (Stage stage : w.stages()) {
            if (stage.params().isEmpty()) {
                if (!(stage.layer() instanceof Flatten)) {
                    index++;
                }
                continue;
            }
            INDArray weight = net.getLayer(index).getParam("W");
            out.put(stage.params().get(0).name(),
                    floats(stage.layer() instanceof Dense ? weight.transpose() : weight));
            out.put(stage.params().get(1).name(), floats(net.getLayer(index).getParam("b")));
            index++;
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

    /**
     * Logits [batch, classes]: the output layer's input times its weights plus bias. DL4J's output applies softmax,
     * which only fixes logits up to a shift, so the last affine step is done here.
     */
    static float[] logits(MultiLayerNetwork net, INDArray input) {
        int outIndex = net.getnLayers() - 1;
        INDArray x;
        if (outIndex == 0) {
            x = input;
        } else {
            List<INDArray> acts = new ArrayList<>(net.feedForwardToLayer(outIndex - 1, input, false));
            x = acts.get(acts.size() - 1);
        }
        if (x.rank() > 2) {
            x = x.reshape('c', x.size(0), x.length() / x.size(0));
        }
        INDArray w = net.getLayer(outIndex).getParam("W");
        INDArray b = net.getLayer(outIndex).getParam("b");
        // mmul may answer in 'f' order: copy to row-major before reading the buffer
        return x.castTo(DataType.FLOAT).mmul(w).addiRowVector(b).dup('c').data().asFloat();
    }
}
