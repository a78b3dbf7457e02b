package org.dlbench.paddle;

import java.util.ArrayList;
import java.util.List;
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
 * Translates a workload into a Paddle inference program (one block): {@code feed -> ops per layer -> fetch},
 * ending at the logits (no softmax), the way {@code paddle.static.save_inference_model} lays one out.
 * Parameters keep their canonical names; dense weights are declared [in, out] because Paddle's matmul_v2 multiplies
 * x [batch, in] by y [in, out], conv filters keep [out, in, k, k].
 */
final class ProgramWriter {
    static final String FEED_VAR = "feed";
    static final String FETCH_VAR = "fetch";
    static final String INPUT_VAR = "x";

    private final BlockDesc.Builder block = BlockDesc.newBuilder().setIdx(0).setParentIdx(-1);

    private ProgramWriter() {
    }

    /** The program for this workload; its persistable variables are exactly the workload's parameters. */
    static ProgramDesc write(Workload workload) {
        ProgramWriter w = new ProgramWriter();
        w.declare(FEED_VAR, VarType.newBuilder().setType(VarType.Type.FEED_MINIBATCH).build(), true);
        w.declare(FETCH_VAR, VarType.newBuilder().setType(VarType.Type.FETCH_LIST).build(), true);
        w.block.addVars(VarDesc.newBuilder().setName(INPUT_VAR).setType(tensorType(batched(workload.inputShape())))
                .setNeedCheckFeed(true));
        w.block.addOps(op("feed").addInputs(slot("X", FEED_VAR)).addOutputs(slot("Out", INPUT_VAR))
                .addAttrs(intAttr("col", 0)));
        String current = INPUT_VAR;
        for (Stage stage : workload.stages()) {
            current = w.stage(stage, current);
        }
        w.block.addOps(op("fetch").addInputs(slot("X", current)).addOutputs(slot("Out", FETCH_VAR))
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

    private String stage(Stage stage, String in) {
        for (ParamSpec p : stage.params()) {
            declare(p.name(), tensorType(toLongs(paddleShape(stage, p))), true);
        }
        return stage.layer().accept(new Layer.Visitor<String>() {
            @Override
            public String dense(Dense d) {
            String product = output(stage, "matmul");
            block.addOps(op("matmul_v2").addInputs(slot("X", in)).addInputs(slot("Y", stage.params().get(0).name()))
                    .addOutputs(slot("Out", product))
                    .addAttrs(boolAttr("trans_x", false)).addAttrs(boolAttr("trans_y", false)));
            return activation(stage, addBias(stage, product), d.activation());
            }

            @Override
            public String conv2d(Conv2d c) {
            String conv = output(stage, "conv2d");
            block.addOps(op("conv2d").addInputs(slot("Input", in)).addInputs(slot("Filter", stage.params().get(0).name()))
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
                return flattenOp(stage, in);
            }

            @Override
            public String globalAvgPool(GlobalAvgPool g) {
                throw new UnsupportedOperationException(whyNot(stage));
            }

            @Override
            public String batchNorm(BatchNorm b) {
                throw new UnsupportedOperationException(whyNot(stage));
            }

            @Override
            public String add(Add a) {
                throw new UnsupportedOperationException(whyNot(stage));
            }
        });
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
                return "not translated to a Paddle program yet";
            }

            @Override
            public String batchNorm(BatchNorm b) {
                return "not translated to a Paddle program yet";
            }

            @Override
            public String add(Add a) {
                return "not translated to a Paddle program yet";
            }
        });
    }

    private String poolOp(Stage stage, String in, String type, int kernel, int stride) {
        {
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
    }

    private String flattenOp(Stage stage, String in) {
        {
            String flat = output(stage, "flatten");
            // XShape records the input shape for the gradient op; inference programs still carry it
            String xshape = stage.name() + ".xshape";
            long[] xshapeDims = new long[stage.in().length + 2];
            System.arraycopy(batched(stage.in()), 0, xshapeDims, 1, stage.in().length + 1);
            declare(xshape, tensorType(xshapeDims), false);
            block.addOps(op("flatten_contiguous_range").addInputs(slot("X", in))
                    .addOutputs(slot("Out", flat)).addOutputs(slot("XShape", xshape))
                    .addAttrs(intAttr("start_axis", 1)).addAttrs(intAttr("stop_axis", -1)));
            return flat;
        }
    }

    private String addBias(Stage stage, String in) {
        String out = output(stage, "linear");
        // axis 1: the bias [channels] lines up with dimension 1 of [batch, units] and of [batch, C, H, W]
        block.addOps(op("elementwise_add").addInputs(slot("X", in)).addInputs(slot("Y", stage.params().get(1).name()))
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
        block.addOps(op(type).addInputs(slot("X", in)).addOutputs(slot("Out", out)));
        return out;
    }

    /** Declares the stage's output variable {@code layer<i>.<what>} with the stage's batched output shape. */
    private String output(Stage stage, String what) {
        String name = "layer" + stage.index() + "." + what;
        declare(name, tensorType(batched(stage.out())), false);
        return name;
    }

    private void declare(String name, VarType type, boolean persistable) {
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
