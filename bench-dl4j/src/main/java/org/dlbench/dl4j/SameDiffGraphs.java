package org.dlbench.dl4j;

import java.util.ArrayList;
import java.util.List;
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
import org.dlbench.core.workload.layer.Embedding;
import org.dlbench.core.workload.layer.EmbeddingBag;
import org.dlbench.core.workload.layer.Lstm;
import org.dlbench.core.workload.layer.LayerNorm;
import org.dlbench.core.workload.layer.Gelu;
import org.dlbench.core.workload.layer.Attention;
import org.dlbench.core.workload.layer.Dot;
import org.dlbench.core.workload.layer.Concat;
import org.dlbench.core.workload.layer.MeanPool;
import org.nd4j.autodiff.loss.LossReduce;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.enums.WeightsFormat;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.layers.convolution.Pooling2D;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.PaddingMode;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Pooling2DConfig;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Turns a workload into a SameDiff graph: placeholders {@value #INPUT} and {@value #LABELS}, one variable per
 * trainable tensor (same canonical name), the inference logits as {@value #LOGITS}, the training logits as
 * {@value #TRAIN_LOGITS} and their mean softmax cross-entropy as {@value #LOSS}.
 *
 * <p>The graph walks the workload's stages in order, each reading the outputs of the stages {@link Stage#inputs}
 * names. Without batchnorm inference and training are one path ({@value #TRAIN_LOGITS} is {@value #LOGITS}). With
 * batchnorm the graph holds two paths over the same variables, since the two normalise differently: inference with
 * the running statistics (constants named {@code <node>.running_mean} and {@code <node>.running_var}, which the
 * session updates in place after each step), training with the batch's statistics, built from mean and variance ops
 * whose results the graph names {@code <node>.batch_mean} and {@code <node>.batch_var} ([C], biased variance) so the
 * session can read them and move the running statistics. SameDiff only runs the ops an output needs, so each call
 * runs one path.
 */
final class SameDiffGraphs {
    static final String INPUT = "input";
    static final String LABELS = "labels";
    static final String LOGITS = "logits";
    static final String TRAIN_LOGITS = "train_logits";
    static final String LOSS = "loss";

    private SameDiffGraphs() {
    }

    /** The graph variable holding a batchnorm stage's batch mean ([C]) during a training step. */
    static String batchMean(Stage stage) {
        return stage.name() + ".batch_mean";
    }

    /** The graph variable holding a batchnorm stage's biased batch variance ([C]) during a training step. */
    static String batchVar(Stage stage) {
        return stage.name() + ".batch_var";
    }

    /** The graph variable of a stage's output on the inference or the training path: {@code infer/<node>}, ... */
    static String output(Stage stage, boolean training) {
        return (training ? "train/" : "infer/") + stage.name();
    }

    /** Whether the workload has a batchnorm stage, so training and inference need separate paths. */
    static boolean hasBatchNorm(Workload w) {
        return w.stages().stream().anyMatch(s -> s.layer() instanceof BatchNorm);
    }

    static SameDiff build(Workload w, Weights weights) {
        SameDiff sd = SameDiff.create();
        int[] in = w.inputShape();
        long[] inputShape = new long[in.length + 1];
        inputShape[0] = -1; // any batch size
        for (int i = 0; i < in.length; i++) {
            inputShape[i + 1] = in[i];
        }
        SDVariable x = sd.placeHolder(INPUT, DataType.FLOAT, inputShape);
        SDVariable labels = sd.placeHolder(LABELS, DataType.FLOAT, -1, w.classes());
        Builder builder = new Builder(sd, weights);
        SDVariable logits = sd.identity(LOGITS, builder.path(w, x, false));
        SDVariable trainLogits = hasBatchNorm(w) ? sd.identity(TRAIN_LOGITS, builder.path(w, x, true))
                : sd.identity(TRAIN_LOGITS, logits);
        // MEAN_BY_NONZERO_WEIGHT_COUNT with no weights: the sum of the per-sample losses over the batch size
        sd.loss.softmaxCrossEntropy(LOSS, labels, trainLogits, null, LossReduce.MEAN_BY_NONZERO_WEIGHT_COUNT, 0.0);
        sd.setLossVariables(LOSS);
        return sd;
    }

    /** Builds paths through the workload, creating each tensor's variable or constant once. */
    private static final class Builder {
        private final SameDiff sd;
        private final Weights weights;

        Builder(SameDiff sd, Weights weights) {
            this.sd = sd;
            this.weights = weights;
        }

        SDVariable path(Workload w, SDVariable input, boolean training) {
            SDVariable[] outputs = new SDVariable[w.stages().size()];
            for (Stage stage : w.stages()) {
                List<SDVariable> ins = new ArrayList<>();
                for (int i : stage.inputs()) {
                    ins.add(i < 0 ? input : outputs[i]);
                }
                outputs[stage.index()] = stage(stage, ins, training).rename(output(stage, training));
            }
            return outputs[outputs.length - 1];
        }

        /** The variable of a tensor, created from its shared initial value (in the given layout) on first use. */
        private SDVariable variable(String name, INDArray initial) {
            return sd.hasVariable(name) ? sd.getVariable(name) : sd.var(name, initial);
        }

        private SDVariable constant(String name, INDArray initial) {
            return sd.hasVariable(name) ? sd.getVariable(name) : sd.constant(name, initial);
        }

        private INDArray vector(String name, int n) {
            return Nd4j.create(weights.get(name), new long[] {n}, 'c');
        }

        private SDVariable stage(Stage stage, List<SDVariable> ins, boolean training) {
            SDVariable x = ins.get(0);
            return stage.layer().accept(new Layer.Visitor<SDVariable>() {
                @Override
                public SDVariable embedding(Embedding layer) {
                    throw new UnsupportedOperationException("embedding layers are not translated for DL4J-SameDiff yet");
                }

                @Override
                public SDVariable embeddingBag(EmbeddingBag layer) {
                    throw new UnsupportedOperationException("embeddingbag layers are not translated for DL4J-SameDiff yet");
                }

                @Override
                public SDVariable lstm(Lstm layer) {
                    throw new UnsupportedOperationException("lstm layers are not translated for DL4J-SameDiff yet");
                }

                @Override
                public SDVariable layerNorm(LayerNorm layer) {
                    throw new UnsupportedOperationException("layernorm layers are not translated for DL4J-SameDiff yet");
                }

                @Override
                public SDVariable gelu(Gelu layer) {
                    throw new UnsupportedOperationException("gelu layers are not translated for DL4J-SameDiff yet");
                }

                @Override
                public SDVariable attention(Attention layer) {
                    throw new UnsupportedOperationException("attention layers are not translated for DL4J-SameDiff yet");
                }

                @Override
                public SDVariable dot(Dot layer) {
                    throw new UnsupportedOperationException("dot layers are not translated for DL4J-SameDiff yet");
                }

                @Override
                public SDVariable concat(Concat layer) {
                    throw new UnsupportedOperationException("concat layers are not translated for DL4J-SameDiff yet");
                }

                @Override
                public SDVariable meanPool(MeanPool layer) {
                    throw new UnsupportedOperationException("meanpool layers are not translated for DL4J-SameDiff yet");
                }

                @Override
                public SDVariable dense(Dense d) {
                    String wName = stage.param("weight").name();
                    String bName = stage.param("bias").name();
                    // x W + b with W [in, out]: the transpose of the workload's [out, in]
                    SDVariable weight = variable(wName, Nd4j.create(weights.transposed(wName),
                            new long[] {stage.in()[0], d.units()}, 'c'));
                    SDVariable bias = variable(bName, vector(bName, d.units()));
                    // mmul + bias_add, not nn.linear: linear's xw_plus_b takes its bias gradient with a legacy sum
                    // over dimension 0, which ND4J 1.0.0-M2.1 treats as a no-op when that dimension has size 1 (batch
                    // 1) and then reads an input it never set (NullPointerException "this.x" is null); bias_add's
                    // gradient is one native op that sums over the batch at any size
                    return activation(sd, sd.nn.biasAdd(sd.mmul(x, weight), bias, true), d.activation());
                }

                @Override
                public SDVariable conv2d(Conv2d c) {
                    String wName = stage.param("weight").name();
                    String bName = stage.param("bias").name();
                    int channels = stage.in()[0];
                    SDVariable bias = variable(bName, vector(bName, c.filters()));
                    // explicit padding with VALID mode is symmetric zero padding
                    Conv2DConfig config = Conv2DConfig.builder().kH(c.kernel()).kW(c.kernel()).sH(c.stride())
                            .sW(c.stride()).pH(c.padding()).pW(c.padding()).dH(1).dW(1)
                            .paddingMode(PaddingMode.VALID).dataFormat(Conv2DConfig.NCHW)
                            .weightsFormat(WeightsFormat.YXIO).build();
                    if (c.groups() == 1) {
                        long[] shape = {c.filters(), channels, c.kernel(), c.kernel()};
                        // libnd4j's default YXIO layout [kH, kW, in, out]: conv2d accepts OIYX, the workload's
                        // layout, but conv2d_bp in 1.0.0-M2.1 ignores that flag and rejects the gradient, so
                        // training needs YXIO
                        SDVariable weight = variable(wName,
                                Nd4j.create(weights.get(wName), shape, 'c').permute(2, 3, 1, 0).dup('c'));
                        return activation(sd, sd.cnn.conv2d(x, weight, bias, config), c.activation());
                    }
                    // depthwise (whyNot admits only groups == channels): canonical [C * mult, 1, k, k] with output
                    // channel c * mult + m, to libnd4j's [kH, kW, C, mult], whose output channel is c * mult + m too
                    long mult = c.filters() / channels;
                    long[] shape = {channels, mult, c.kernel(), c.kernel()};
                    SDVariable weight = variable(wName,
                            Nd4j.create(weights.get(wName), shape, 'c').permute(2, 3, 0, 1).dup('c'));
                    return activation(sd, sd.cnn.depthWiseConv2d(x, weight, bias, config), c.activation());
                }

                @Override
                public SDVariable maxPool2d(MaxPool2d p) {
                    return sd.cnn.maxPooling2d(x, pooling(p.kernel(), p.stride()));
                }

                @Override
                public SDVariable avgPool2d(AvgPool2d p) {
                    return sd.cnn.avgPooling2d(x, pooling(p.kernel(), p.stride()));
                }

                @Override
                public SDVariable flatten(Flatten f) {
                    // a row-major reshape of NCHW is the workload's C, H, W order
                    return sd.reshape(x, -1, stage.out()[0]);
                }

                @Override
                public SDVariable globalAvgPool(GlobalAvgPool g) {
                    return sd.mean(x, 2, 3);
                }

                @Override
                public SDVariable batchNorm(BatchNorm b) {
                    int ch = BatchNorm.channels(stage.in());
                    String gName = stage.param("gamma").name();
                    String bName = stage.param("beta").name();
                    SDVariable gamma = variable(gName, vector(gName, ch));
                    SDVariable beta = variable(bName, vector(bName, ch));
                    if (!training) {
                        String mName = stage.param("running_mean").name();
                        String vName = stage.param("running_var").name();
                        SDVariable mean = constant(mName, vector(mName, ch));
                        SDVariable var = constant(vName, vector(vName, ch));
                        return activation(sd, sd.nn.batchNorm(x, mean, var, gamma, beta, b.epsilon(), 1),
                                b.activation());
                    }
                    // batch statistics over every axis but the channels', from plain ops so autodiff sees the full
                    // training gradient (through the mean and the variance too)
                    boolean image = stage.in().length == 3;
                    int[] axes = image ? new int[] {0, 2, 3} : new int[] {0};
                    long[] broadcast = image ? new long[] {1, ch, 1, 1} : new long[] {1, ch};
                    // the biased variance as the mean squared deviation: with sd.variance(x, false, true, axes) the
                    // first step drifted 0.2 to 5 % from the reference step, as a bias-corrected variance would make
                    // it; with the mean of squares a small graph matches the reference to about 1e-6
                    SDVariable mean = sd.mean(x, true, axes);
                    SDVariable centred = x.sub(mean);
                    SDVariable var = sd.mean(sd.math.square(centred), true, axes);
                    sd.reshape(batchMean(stage), mean, ch);
                    sd.reshape(batchVar(stage), var, ch);
                    SDVariable xhat = centred.mul(sd.math.rsqrt(var.add(b.epsilon())));
                    SDVariable y = xhat.mul(sd.reshape(gamma, broadcast)).add(sd.reshape(beta, broadcast));
                    return activation(sd, y, b.activation());
                }

                @Override
                public SDVariable add(Add a) {
                    SDVariable sum = ins.get(0);
                    for (int i = 1; i < ins.size(); i++) {
                        sum = sd.math.add(sum, ins.get(i));
                    }
                    return activation(sd, sum, a.activation());
                }
            });
        }
    }

    private static Pooling2DConfig pooling(int kernel, int stride) {
        return Pooling2DConfig.builder().kH(kernel).kW(kernel).sH(stride).sW(stride).pH(0).pW(0).dH(1).dW(1)
                .paddingMode(PaddingMode.VALID).divisor(Pooling2D.Divisor.EXCLUDE_PADDING).isNHWC(false).build();
    }

    /** Why this translation cannot build a stage yet, or null when it can. */
    static String whyNot(Stage stage) {
        return stage.layer().accept(new Layer.Visitor<String>() {
            @Override
            public String embedding(Embedding layer) {
                return "embedding layers are not translated for DL4J-SameDiff yet";
            }

            @Override
            public String embeddingBag(EmbeddingBag layer) {
                return "embeddingbag layers are not translated for DL4J-SameDiff yet";
            }

            @Override
            public String lstm(Lstm layer) {
                return "lstm layers are not translated for DL4J-SameDiff yet";
            }

            @Override
            public String layerNorm(LayerNorm layer) {
                return "layernorm layers are not translated for DL4J-SameDiff yet";
            }

            @Override
            public String gelu(Gelu layer) {
                return "gelu layers are not translated for DL4J-SameDiff yet";
            }

            @Override
            public String attention(Attention layer) {
                return "attention layers are not translated for DL4J-SameDiff yet";
            }

            @Override
            public String dot(Dot layer) {
                return "dot layers are not translated for DL4J-SameDiff yet";
            }

            @Override
            public String concat(Concat layer) {
                return "concat layers are not translated for DL4J-SameDiff yet";
            }

            @Override
            public String meanPool(MeanPool layer) {
                return "meanpool layers are not translated for DL4J-SameDiff yet";
            }

            @Override
            public String dense(Dense d) {
                return null;
            }

            @Override
            public String conv2d(Conv2d c) {
                if (c.groups() == 1 || c.groups() == stage.in()[0]) {
                    return null;
                }
                return "grouped convolution with " + c.groups() + " groups of " + stage.in()[0]
                        + " channels: SameDiff has conv2d and depthWiseConv2d (groups = channels) but no grouped conv2d";
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

    private static SDVariable activation(SameDiff sd, SDVariable x, Activation a) {
        return switch (a) {
            case NONE -> x;
            case RELU -> sd.nn.relu(x, 0.0);
            case RELU6 -> sd.nn.relu6(x, 0.0);
            case TANH -> sd.nn.tanh(x);
            case SIGMOID -> sd.nn.sigmoid(x);
        };
    }
}
