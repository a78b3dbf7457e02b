package org.dlbench.dl4j;

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
 * Turns a workload into a SameDiff graph: placeholders {@value #INPUT} and {@value #LABELS}, one variable per shared
 * weight (same canonical name), the logits as {@value #LOGITS} and the mean softmax cross-entropy as {@value #LOSS}.
 * SameDiff has a cross-entropy-on-logits loss, so one graph serves inference and training.
 */
final class SameDiffGraphs {
    static final String INPUT = "input";
    static final String LABELS = "labels";
    static final String LOGITS = "logits";
    static final String LOSS = "loss";

    private SameDiffGraphs() {
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
        for (Stage stage : w.stages()) {
            x = stage(sd, stage, x, weights);
        }
        SDVariable logits = sd.identity(LOGITS, x);
        // MEAN_BY_NONZERO_WEIGHT_COUNT with no weights: the sum of the per-sample losses over the batch size
        sd.loss.softmaxCrossEntropy(LOSS, labels, logits, null, LossReduce.MEAN_BY_NONZERO_WEIGHT_COUNT, 0.0);
        sd.setLossVariables(LOSS);
        return sd;
    }

    private static SDVariable stage(SameDiff sd, Stage stage, SDVariable x, Weights weights) {
        return stage.layer().accept(new Layer.Visitor<SDVariable>() {
            @Override
            public SDVariable dense(Dense d) {
                String wName = stage.params().get(0).name();
                String bName = stage.params().get(1).name();
                // x W + b with W [in, out]: the transpose of the workload's [out, in]
                SDVariable weight = sd.var(wName, Nd4j.create(weights.transposed(wName),
                        new long[] {stage.in()[0], d.units()}, 'c'));
                SDVariable bias = sd.var(bName, Nd4j.create(weights.get(bName), new long[] {d.units()}, 'c'));
                // mmul + bias_add, not nn.linear: linear's xw_plus_b takes its bias gradient with a legacy sum over
                // dimension 0, which ND4J 1.0.0-M2.1 treats as a no-op when that dimension has size 1 (batch 1) and
                // then reads an input it never set (NullPointerException "this.x" is null); bias_add's gradient is
                // one native op that sums over the batch at any size
                return activation(sd, sd.nn.biasAdd(sd.mmul(x, weight), bias, true), d.activation());
            }

            @Override
            public SDVariable conv2d(Conv2d c) {
                String wName = stage.params().get(0).name();
                String bName = stage.params().get(1).name();
                long[] shape = {c.filters(), stage.in()[0], c.kernel(), c.kernel()};
                // libnd4j's default YXIO layout [kH, kW, in, out]: conv2d accepts OIYX, the workload's layout, but
                // conv2d_bp in 1.0.0-M2.1 ignores that flag and rejects the gradient, so training needs YXIO
                INDArray yxio = Nd4j.create(weights.get(wName), shape, 'c').permute(2, 3, 1, 0).dup('c');
                SDVariable weight = sd.var(wName, yxio);
                SDVariable bias = sd.var(bName, Nd4j.create(weights.get(bName), new long[] {c.filters()}, 'c'));
                // explicit padding with VALID mode is symmetric zero padding
                Conv2DConfig config = Conv2DConfig.builder().kH(c.kernel()).kW(c.kernel()).sH(c.stride()).sW(c.stride())
                        .pH(c.padding()).pW(c.padding()).dH(1).dW(1).paddingMode(PaddingMode.VALID)
                        .dataFormat(Conv2DConfig.NCHW).weightsFormat(WeightsFormat.YXIO).build();
                return activation(sd, sd.cnn.conv2d(x, weight, bias, config), c.activation());
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
                throw new UnsupportedOperationException(whyNot(stage));
            }

            @Override
            public SDVariable batchNorm(BatchNorm b) {
                throw new UnsupportedOperationException(whyNot(stage));
            }

            @Override
            public SDVariable add(Add a) {
                throw new UnsupportedOperationException(whyNot(stage));
            }
        });
    }

    private static Pooling2DConfig pooling(int kernel, int stride) {
        return Pooling2DConfig.builder().kH(kernel).kW(kernel).sH(stride).sW(stride).pH(0).pW(0).dH(1).dW(1)
                .paddingMode(PaddingMode.VALID).divisor(Pooling2D.Divisor.EXCLUDE_PADDING).isNHWC(false).build();
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
                return c.groups() == 1 ? null : "grouped convolution is not translated to SameDiff yet";
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
                return "not translated to SameDiff yet";
            }

            @Override
            public String batchNorm(BatchNorm b) {
                return "not translated to SameDiff yet";
            }

            @Override
            public String add(Add a) {
                return "not translated to SameDiff yet";
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
