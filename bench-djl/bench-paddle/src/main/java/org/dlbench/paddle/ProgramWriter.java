package org.dlbench.paddle;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
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
import org.dlbench.core.workload.ParamSpec;
import org.dlbench.core.workload.Stage;
import org.dlbench.core.workload.Workload;
import org.dlbench.paddle.proto.PaddleFramework.AttrType;
import org.dlbench.paddle.proto.PaddleFramework.BlockDesc;
import org.dlbench.paddle.proto.PaddleFramework.OpDesc;
import org.dlbench.paddle.proto.PaddleFramework.ProgramDesc;
import org.dlbench.paddle.proto.PaddleFramework.VarDesc;
import org.dlbench.paddle.proto.PaddleFramework.VarType;

/**
 * Translates a workload into a Paddle inference program (one block): {@code feed -> ops per stage -> fetch},
 * ending at the logits (no softmax), the way {@code paddle.static.save_inference_model} lays one out. The graph is
 * walked in stage order; each stage reads the variables its inputs wrote ({@code x} for the model input) and writes
 * variables named {@code <node>.<op>}, so branches and joins ({@code add}) need no special handling.
 * Parameters keep their canonical names; dense weights are declared [in, out] because Paddle's matmul_v2 multiplies
 * x [batch, in] by y [in, out], conv filters keep [out, in, k, k].
 */
final class ProgramWriter {
    static final String FEED_VAR = "feed";
    static final String FETCH_VAR = "fetch";
    static final String INPUT_VAR = "x";

    private final BlockDesc.Builder block = BlockDesc.newBuilder().setIdx(0).setParentIdx(-1);
    /** Every variable name declared so far: the block's names must be unique. */
    private final Set<String> names = new HashSet<>();

    private ProgramWriter() {
    }

    /** The program for this workload; its persistable variables are exactly the workload's parameters. */
    static ProgramDesc write(Workload workload) {
        ProgramWriter w = new ProgramWriter();
        w.declare(FEED_VAR, VarType.newBuilder().setType(VarType.Type.FEED_MINIBATCH).build(), true);
        w.declare(FETCH_VAR, VarType.newBuilder().setType(VarType.Type.FETCH_LIST).build(), true);
        w.names.add(INPUT_VAR);
        w.block.addVars(VarDesc.newBuilder().setName(INPUT_VAR).setType(tensorType(batched(workload.inputShape())))
                .setNeedCheckFeed(true));
        w.block.addOps(op("feed").addInputs(slot("X", FEED_VAR)).addOutputs(slot("Out", INPUT_VAR))
                .addAttrs(intAttr("col", 0)));
        List<Stage> stages = workload.stages();
        // the variable holding each stage's output; a stage reads its inputs' variables (-1: the model input)
        String[] outputs = new String[stages.size()];
        for (Stage stage : stages) {
            List<String> in = stage.inputs().stream().map(i -> i < 0 ? INPUT_VAR : outputs[i]).toList();
            outputs[stage.index()] = w.stage(stage, in);
        }
        w.block.addOps(op("fetch").addInputs(slot("X", outputs[stages.size() - 1])).addOutputs(slot("Out", FETCH_VAR))
                .addAttrs(intAttr("col", 0)));
        return ProgramDesc.newBuilder().addBlocks(w.block).build();
    }

    /** Shape of a parameter as the program declares (and the params file stores) it. */
    static int[] paddleShape(Stage stage, ParamSpec param) {
        int[] shape = param.shape();
        if (stage.layer() instanceof Dense && shape.length == 2) {
            return new int[] {shape[1], shape[0]};
        }
        return shape;
    }

    /** Adds the stage's operators reading the variables {@code ins}; returns the variable holding its output. */
    private String stage(Stage stage, List<String> ins) {
        for (ParamSpec p : stage.params()) {
            declare(p.name(), tensorType(toLongs(paddleShape(stage, p))), true);
        }
        String in = ins.get(0);
        return stage.layer().accept(new Layer.Visitor<String>() {
            @Override
            public String embedding(Embedding layer) {
                return "embedding layers are not translated for the PaddlePaddle program writer yet";
            }

            @Override
            public String embeddingBag(EmbeddingBag layer) {
                return "embeddingbag layers are not translated for the PaddlePaddle program writer yet";
            }

            @Override
            public String lstm(Lstm layer) {
                return "lstm layers are not translated for the PaddlePaddle program writer yet";
            }

            @Override
            public String layerNorm(LayerNorm layer) {
                return "layernorm layers are not translated for the PaddlePaddle program writer yet";
            }

            @Override
            public String gelu(Gelu layer) {
                return "gelu layers are not translated for the PaddlePaddle program writer yet";
            }

            @Override
            public String attention(Attention layer) {
                return "attention layers are not translated for the PaddlePaddle program writer yet";
            }

            @Override
            public String dot(Dot layer) {
                return "dot layers are not translated for the PaddlePaddle program writer yet";
            }

            @Override
            public String concat(Concat layer) {
                return "concat layers are not translated for the PaddlePaddle program writer yet";
            }

            @Override
            public String meanPool(MeanPool layer) {
                return "meanpool layers are not translated for the PaddlePaddle program writer yet";
            }

            @Override
            public String dense(Dense d) {
                String product = output(stage, "matmul");
                block.addOps(op("matmul_v2").addInputs(slot("X", in))
                        .addInputs(slot("Y", stage.param("weight").name()))
                        .addOutputs(slot("Out", product))
                        .addAttrs(boolAttr("trans_x", false)).addAttrs(boolAttr("trans_y", false)));
                return activation(stage, addBias(stage, product), d.activation());
            }

            @Override
            public String conv2d(Conv2d c) {
                String conv = output(stage, "conv2d");
                // Paddle's CPU conv2d kernel computes any group count, depthwise (groups == channels) included
                block.addOps(op("conv2d").addInputs(slot("Input", in))
                        .addInputs(slot("Filter", stage.param("weight").name()))
                        .addOutputs(slot("Output", conv))
                        .addAttrs(intsAttr("strides", c.stride(), c.stride()))
                        .addAttrs(intsAttr("paddings", c.padding(), c.padding()))
                        .addAttrs(intsAttr("dilations", 1, 1))
                        .addAttrs(intAttr("groups", c.groups()))
                        .addAttrs(stringAttr("data_format", "NCHW"))
                        .addAttrs(stringAttr("padding_algorithm", "EXPLICIT")));
                return activation(stage, addBias(stage, conv), c.activation());
            }

            @Override
            public String maxPool2d(MaxPool2d p) {
                return poolOp(stage, in, "max", p.kernel(), p.stride());
            }

            @Override
            public String avgPool2d(AvgPool2d p) {
                return poolOp(stage, in, "avg", p.kernel(), p.stride());
            }

            @Override
            public String flatten(Flatten f) {
                return flattenOp(stage, in, stage.in());
            }

            @Override
            public String globalAvgPool(GlobalAvgPool g) {
                // global pooling keeps [N, C, 1, 1]; flattening from axis 1 gives the layer's [N, C]
                int[] x = stage.in();
                String pooled = var(stage.name() + ".pool2d", new long[] {-1, x[0], 1, 1});
                block.addOps(op("pool2d").addInputs(slot("X", in)).addOutputs(slot("Out", pooled))
                        .addAttrs(stringAttr("pooling_type", "avg"))
                        .addAttrs(intsAttr("ksize", x[1], x[2]))
                        .addAttrs(intsAttr("strides", 1, 1))
                        .addAttrs(intsAttr("paddings", 0, 0))
                        .addAttrs(boolAttr("global_pooling", true))
                        .addAttrs(boolAttr("exclusive", true))
                        .addAttrs(boolAttr("adaptive", false))
                        .addAttrs(boolAttr("ceil_mode", false))
                        .addAttrs(stringAttr("data_format", "NCHW"))
                        .addAttrs(stringAttr("padding_algorithm", "EXPLICIT")));
                return flattenOp(stage, pooled, new int[] {x[0], 1, 1});
            }

            @Override
            public String batchNorm(BatchNorm b) {
                String y = output(stage, "batch_norm");
                long[] channels = {BatchNorm.channels(stage.in())};
                String savedMean = var(stage.name() + ".saved_mean", channels);
                String savedVariance = var(stage.name() + ".saved_variance", channels);
                String mean = stage.param("running_mean").name();
                String variance = stage.param("running_var").name();
                // inference (is_test) normalises with the running statistics; MeanOut and VarianceOut alias them as
                // Paddle's own programs do. NCHW layout: channels on axis 1 of [N, C, H, W] and of [N, C]
                block.addOps(op("batch_norm").addInputs(slot("X", in))
                        .addInputs(slot("Scale", stage.param("gamma").name()))
                        .addInputs(slot("Bias", stage.param("beta").name()))
                        .addInputs(slot("Mean", mean))
                        .addInputs(slot("Variance", variance))
                        .addOutputs(slot("Y", y))
                        .addOutputs(slot("MeanOut", mean))
                        .addOutputs(slot("VarianceOut", variance))
                        .addOutputs(slot("SavedMean", savedMean))
                        .addOutputs(slot("SavedVariance", savedVariance))
                        .addAttrs(floatAttr("epsilon", b.epsilon().floatValue()))
                        .addAttrs(floatAttr("momentum", (float) (1 - b.momentum())))
                        .addAttrs(stringAttr("data_layout", "NCHW"))
                        .addAttrs(boolAttr("is_test", true))
                        .addAttrs(boolAttr("use_global_stats", false))
                        .addAttrs(boolAttr("trainable_statistics", false)));
                return activation(stage, y, b.activation());
            }

            @Override
            public String add(Add a) {
                // one elementwise_add per further input, same shapes (axis -1)
                String sum = in;
                for (int k = 1; k < ins.size(); k++) {
                    String out = output(stage, "add" + (ins.size() > 2 ? Integer.toString(k) : ""));
                    block.addOps(op("elementwise_add").addInputs(slot("X", sum)).addInputs(slot("Y", ins.get(k)))
                            .addOutputs(slot("Out", out)).addAttrs(intAttr("axis", -1)));
                    sum = out;
                }
                return activation(stage, sum, a.activation());
            }
        });
    }

    /** Why this translation cannot build a stage, or null when it can (today it builds every layer type). */
    static String whyNot(Stage stage) {
        return stage.layer().accept(new Layer.Visitor<String>() {
            @Override
            public String embedding(Embedding layer) {
                return "embedding layers are not translated for the PaddlePaddle program writer yet";
            }

            @Override
            public String embeddingBag(EmbeddingBag layer) {
                return "embeddingbag layers are not translated for the PaddlePaddle program writer yet";
            }

            @Override
            public String lstm(Lstm layer) {
                return "lstm layers are not translated for the PaddlePaddle program writer yet";
            }

            @Override
            public String layerNorm(LayerNorm layer) {
                return "layernorm layers are not translated for the PaddlePaddle program writer yet";
            }

            @Override
            public String gelu(Gelu layer) {
                return "gelu layers are not translated for the PaddlePaddle program writer yet";
            }

            @Override
            public String attention(Attention layer) {
                return "attention layers are not translated for the PaddlePaddle program writer yet";
            }

            @Override
            public String dot(Dot layer) {
                return "dot layers are not translated for the PaddlePaddle program writer yet";
            }

            @Override
            public String concat(Concat layer) {
                return "concat layers are not translated for the PaddlePaddle program writer yet";
            }

            @Override
            public String meanPool(MeanPool layer) {
                return "meanpool layers are not translated for the PaddlePaddle program writer yet";
            }

            @Override
            public String dense(Dense d) {
                return null;
            }

            @Override
            public String conv2d(Conv2d c) {
                return null;
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

    private String poolOp(Stage stage, String in, String type, int kernel, int stride) {
        String pooled = output(stage, "pool2d");
        // exclusive only matters with padding, which workload pools never have
        block.addOps(op("pool2d").addInputs(slot("X", in)).addOutputs(slot("Out", pooled))
                .addAttrs(stringAttr("pooling_type", type))
                .addAttrs(intsAttr("ksize", kernel, kernel))
                .addAttrs(intsAttr("strides", stride, stride))
                .addAttrs(intsAttr("paddings", 0, 0))
                .addAttrs(boolAttr("global_pooling", false))
                .addAttrs(boolAttr("exclusive", true))
                .addAttrs(boolAttr("adaptive", false))
                .addAttrs(boolAttr("ceil_mode", false))
                .addAttrs(stringAttr("data_format", "NCHW"))
                .addAttrs(stringAttr("padding_algorithm", "EXPLICIT")));
        return pooled;
    }

    /** Flattens {@code in}, of sample shape {@code inShape}, to [N, everything else]: the stage's output. */
    private String flattenOp(Stage stage, String in, int[] inShape) {
        String flat = output(stage, "flatten");
        // XShape records the input shape for the gradient op; inference programs still carry it
        long[] xshapeDims = new long[inShape.length + 2];
        System.arraycopy(batched(inShape), 0, xshapeDims, 1, inShape.length + 1);
        String xshape = var(stage.name() + ".xshape", xshapeDims);
        block.addOps(op("flatten_contiguous_range").addInputs(slot("X", in))
                .addOutputs(slot("Out", flat)).addOutputs(slot("XShape", xshape))
                .addAttrs(intAttr("start_axis", 1)).addAttrs(intAttr("stop_axis", -1)));
        return flat;
    }

    private String addBias(Stage stage, String in) {
        String out = output(stage, "linear");
        // axis 1: the bias [channels] lines up with dimension 1 of [batch, units] and of [batch, C, H, W]
        block.addOps(op("elementwise_add").addInputs(slot("X", in)).addInputs(slot("Y", stage.param("bias").name()))
                .addOutputs(slot("Out", out)).addAttrs(intAttr("axis", 1)));
        return out;
    }

    private String activation(Stage stage, String in, Activation activation) {
        String type = switch (activation) {
            case NONE -> null;
            case RELU -> "relu";
            case RELU6 -> "relu6";
            case TANH -> "tanh";
            case SIGMOID -> "sigmoid";
        };
        if (type == null) {
            return in;
        }
        String out = output(stage, type);
        OpDesc.Builder op = op(type).addInputs(slot("X", in)).addOutputs(slot("Out", out));
        if (activation == Activation.RELU6) {
            op.addAttrs(floatAttr("threshold", 6f)); // Paddle 2.3's relu6 attribute (default 6)
        }
        block.addOps(op);
        return out;
    }

    /** Declares the stage's output variable {@code <node>.<what>} with the stage's batched output shape. */
    private String output(Stage stage, String what) {
        return var(stage.name() + "." + what, batched(stage.out()));
    }

    /**
     * Declares a temporary variable named {@code name}, or {@code name_2}, {@code name_3}... when a parameter or an
     * earlier variable already has that name (node names are free text), and returns the name declared.
     */
    private String var(String name, long[] dims) {
        String unique = name;
        for (int k = 2; names.contains(unique); k++) {
            unique = name + "_" + k;
        }
        declare(unique, tensorType(dims), false);
        return unique;
    }

    private void declare(String name, VarType type, boolean persistable) {
        if (!names.add(name)) {
            throw new IllegalStateException("variable " + name + " declared twice in the Paddle program");
        }
        block.addVars(VarDesc.newBuilder().setName(name).setType(type).setPersistable(persistable));
    }

    private static VarType tensorType(long[] dims) {
        VarType.TensorDesc.Builder tensor = VarType.TensorDesc.newBuilder().setDataType(VarType.Type.FP32);
        for (long d : dims) {
            tensor.addDims(d);
        }
        return VarType.newBuilder().setType(VarType.Type.LOD_TENSOR)
                .setLodTensor(VarType.LoDTensorDesc.newBuilder().setTensor(tensor).setLodLevel(0)).build();
    }

    /** Sample shape with the free batch dimension (-1) in front. */
    private static long[] batched(int[] shape) {
        long[] dims = new long[shape.length + 1];
        dims[0] = -1;
        for (int k = 0; k < shape.length; k++) {
            dims[k + 1] = shape[k];
        }
        return dims;
    }

    private static long[] toLongs(int[] shape) {
        long[] dims = new long[shape.length];
        for (int k = 0; k < shape.length; k++) {
            dims[k] = shape[k];
        }
        return dims;
    }

    private static OpDesc.Builder op(String type) {
        return OpDesc.newBuilder().setType(type);
    }

    private static OpDesc.Var slot(String parameter, String argument) {
        return OpDesc.Var.newBuilder().setParameter(parameter).addArguments(argument).build();
    }

    private static OpDesc.Attr intAttr(String name, int value) {
        return OpDesc.Attr.newBuilder().setName(name).setType(AttrType.INT).setI(value).build();
    }

    private static OpDesc.Attr intsAttr(String name, int... values) {
        OpDesc.Attr.Builder a = OpDesc.Attr.newBuilder().setName(name).setType(AttrType.INTS);
        for (int v : values) {
            a.addInts(v);
        }
        return a.build();
    }

    private static OpDesc.Attr floatAttr(String name, float value) {
        return OpDesc.Attr.newBuilder().setName(name).setType(AttrType.FLOAT).setF(value).build();
    }

    private static OpDesc.Attr boolAttr(String name, boolean value) {
        return OpDesc.Attr.newBuilder().setName(name).setType(AttrType.BOOLEAN).setB(value).build();
    }

    private static OpDesc.Attr stringAttr(String name, String value) {
        return OpDesc.Attr.newBuilder().setName(name).setType(AttrType.STRING).setS(value).build();
    }

    /** Names of the program's parameters in the order Paddle reads them from a combined params file. */
    static List<String> persistableParams(ProgramDesc program) {
        List<String> names = new ArrayList<>();
        for (VarDesc v : program.getBlocks(0).getVarsList()) {
            VarType.Type t = v.getType().getType();
            if (v.getPersistable() && t != VarType.Type.FEED_MINIBATCH && t != VarType.Type.FETCH_LIST) {
                names.add(v.getName());
            }
        }
        names.sort(null);
        return names;
    }
}
