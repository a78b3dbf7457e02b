package org.dlbench.paddle;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.dlbench.core.workload.layer.Activation;
import org.dlbench.core.workload.layer.Add;
import org.dlbench.core.workload.layer.Attention;
import org.dlbench.core.workload.layer.AvgPool2d;
import org.dlbench.core.workload.layer.BatchNorm;
import org.dlbench.core.workload.layer.Concat;
import org.dlbench.core.workload.layer.Conv2d;
import org.dlbench.core.workload.layer.Dense;
import org.dlbench.core.workload.layer.Dot;
import org.dlbench.core.workload.layer.Embedding;
import org.dlbench.core.workload.layer.EmbeddingBag;
import org.dlbench.core.workload.layer.Flatten;
import org.dlbench.core.workload.layer.Gelu;
import org.dlbench.core.workload.layer.GlobalAvgPool;
import org.dlbench.core.workload.layer.Layer;
import org.dlbench.core.workload.layer.LayerNorm;
import org.dlbench.core.workload.layer.Lstm;
import org.dlbench.core.workload.layer.MaxPool2d;
import org.dlbench.core.workload.layer.MeanPool;
import org.dlbench.core.workload.ModelInput;
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
 * ending at the logits (no softmax), the way {@code paddle.static.save_inference_model} lays one out. Each model input
 * is one variable ({@code x}, {@code x1}, {@code x2}... in input order) filled by its own {@code feed} op whose
 * {@code col} is the input index (Paddle's predictor orders its inputs by {@code col}, and DJL passes the
 * {@code NDList} in that order); id inputs are int64. The graph is walked in stage order; each stage reads the
 * variables its inputs wrote and writes variables named {@code <node>.<op>}, so branches and joins need no special
 * handling. Parameters keep their canonical names; dense and attention weights are declared [in, out] because
 * Paddle's matmul_v2 multiplies x [..., in] by y [in, out], conv filters keep [out, in, k, k], lstm weights keep
 * [4H, in] (the rnn op's own layout). Constants a translation needs (the lstm's zero second bias, a causal mask, the
 * embedding-bag row offsets, the dot interaction's pair indices) are further persistable variables, written to the
 * params file with the parameters ({@link Program#constants}).
 */
final class ProgramWriter {
    static final String FEED_VAR = "feed";
    static final String FETCH_VAR = "fetch";
    static final String INPUT_VAR = "x";

    /** A program and the constant tensors it declares besides the workload's parameters. */
    record Program(ProgramDesc desc, List<ParamsFile.Tensor> constants) {
    }

    private final BlockDesc.Builder block = BlockDesc.newBuilder().setIdx(0).setParentIdx(-1);
    /** Every variable name declared so far: the block's names must be unique. */
    private final Set<String> names = new HashSet<>();
    private final List<ParamsFile.Tensor> constants = new ArrayList<>();

    private ProgramWriter() {
    }

    /** The program for this workload; its persistable variables are the workload's parameters and constants. */
    static ProgramDesc write(Workload workload) {
        return build(workload).desc();
    }

    /** The variable model input {@code k} is fed into. */
    static String inputVar(int k) {
        return k == 0 ? INPUT_VAR : INPUT_VAR + k;
    }

    /** The program and its constants. */
    static Program build(Workload workload) {
        ProgramWriter w = new ProgramWriter();
        w.declare(FEED_VAR, VarType.newBuilder().setType(VarType.Type.FEED_MINIBATCH).build(), true);
        w.declare(FETCH_VAR, VarType.newBuilder().setType(VarType.Type.FETCH_LIST).build(), true);
        List<ModelInput> inputs = workload.inputs();
        for (int k = 0; k < inputs.size(); k++) {
            ModelInput input = inputs.get(k);
            String name = inputVar(k);
            w.names.add(name);
            // ids are fed as int64 whatever their declared width (lookup_table_v2 takes either; one feed type)
            VarType.Type type = input.type().ids() ? VarType.Type.INT64 : VarType.Type.FP32;
            w.block.addVars(VarDesc.newBuilder().setName(name).setType(tensorType(batched(input.shape()), type))
                    .setNeedCheckFeed(true));
            w.block.addOps(op("feed").addInputs(slot("X", FEED_VAR)).addOutputs(slot("Out", name))
                    .addAttrs(intAttr("col", k)));
        }
        List<Stage> stages = workload.stages();
        // the variable holding each stage's output; a stage reads its inputs' variables (-1 - k: model input k)
        String[] outputs = new String[stages.size()];
        for (Stage stage : stages) {
            List<String> in = stage.inputs().stream().map(i -> i < 0 ? inputVar(-1 - i) : outputs[i]).toList();
            outputs[stage.index()] = w.stage(stage, in);
        }
        w.block.addOps(op("fetch").addInputs(slot("X", outputs[stages.size() - 1])).addOutputs(slot("Out", FETCH_VAR))
                .addAttrs(intAttr("col", 0)));
        return new Program(ProgramDesc.newBuilder().addBlocks(w.block).build(), List.copyOf(w.constants));
    }

    /** True for a parameter the program declares transposed, [in, out], from its canonical [out, in]. */
    static boolean transposed(Stage stage, ParamSpec param) {
        return (stage.layer() instanceof Dense && param.shape().length == 2)
                || (stage.layer() instanceof Attention && param.role().endsWith("_weight"));
    }

    /** Shape of a parameter as the program declares (and the params file stores) it. */
    static int[] paddleShape(Stage stage, ParamSpec param) {
        int[] shape = param.shape();
        if (transposed(stage, param)) {
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
            public String embedding(Embedding e) {
                String rows = output(stage, "lookup");
                block.addOps(op("lookup_table_v2").addInputs(slot("W", stage.param("weight").name()))
                        .addInputs(slot("Ids", in)).addOutputs(slot("Out", rows)));
                if (!e.positional()) {
                    return rows;
                }
                // position [T, dim] broadcasts over the batch of [N, T, dim]
                String out = output(stage, "position_add");
                block.addOps(op("elementwise_add").addInputs(slot("X", rows))
                        .addInputs(slot("Y", stage.param("position").name()))
                        .addOutputs(slot("Out", out)).addAttrs(intAttr("axis", -1)));
                return out;
            }

            @Override
            public String embeddingBag(EmbeddingBag e) {
                int[] x = stage.in();
                int tables = EmbeddingBag.tables(x);
                String ids = in;
                int[] offsets = e.offsets();
                if (x.length == 2 && Arrays.stream(offsets).anyMatch(o -> o != 0)) {
                    // table k's ids move to its rows of the one weight: ids [N, tables, bag] + offsets [tables, 1]
                    long[] rowOffsets = new long[tables];
                    for (int k = 0; k < tables; k++) {
                        rowOffsets[k] = offsets[k];
                    }
                    String offs = constant(stage.name() + ".offsets", new long[] {tables, 1}, rowOffsets);
                    ids = var(stage.name() + ".rows", batched(x), VarType.Type.INT64);
                    block.addOps(op("elementwise_add").addInputs(slot("X", in)).addInputs(slot("Y", offs))
                            .addOutputs(slot("Out", ids)).addAttrs(intAttr("axis", -1)));
                }
                int[] looked = Arrays.copyOf(x, x.length + 1);
                looked[x.length] = e.dim();
                String vectors = var(stage.name() + ".lookup", batched(looked));
                block.addOps(op("lookup_table_v2").addInputs(slot("W", stage.param("weight").name()))
                        .addInputs(slot("Ids", ids)).addOutputs(slot("Out", vectors)));
                // the bag axis: 2 of [N, tables, bag, dim], 1 of [N, bag, dim]
                return reduce(stage, e.mean() ? "reduce_mean" : "reduce_sum", vectors, x.length);
            }

            @Override
            public String lstm(Lstm l) {
                return lstmOps(stage, in, l);
            }

            @Override
            public String layerNorm(LayerNorm l) {
                String y = output(stage, "layer_norm");
                // one mean and variance per normalised row
                String mean = var(stage.name() + ".mean", new long[] {-1});
                String variance = var(stage.name() + ".variance", new long[] {-1});
                block.addOps(op("layer_norm").addInputs(slot("X", in))
                        .addInputs(slot("Scale", stage.param("gamma").name()))
                        .addInputs(slot("Bias", stage.param("beta").name()))
                        .addOutputs(slot("Y", y)).addOutputs(slot("Mean", mean)).addOutputs(slot("Variance", variance))
                        .addAttrs(floatAttr("epsilon", l.epsilon().floatValue()))
                        // the batched rank minus one: only the last axis is normalised
                        .addAttrs(intAttr("begin_norm_axis", stage.in().length)));
                return y;
            }

            @Override
            public String gelu(Gelu g) {
                String out = output(stage, "gelu");
                // approximate false: the erf form
                block.addOps(op("gelu").addInputs(slot("X", in)).addOutputs(slot("Out", out))
                        .addAttrs(boolAttr("approximate", false)));
                return out;
            }

            @Override
            public String attention(Attention a) {
                return attentionOps(stage, in, a);
            }

            @Override
            public String dot(Dot d) {
                return dotOps(stage, ins, d);
            }

            @Override
            public String concat(Concat c) {
                String out = output(stage, "concat");
                OpDesc.Var.Builder xs = OpDesc.Var.newBuilder().setParameter("X").addAllArguments(ins);
                block.addOps(op("concat").addInputs(xs).addOutputs(slot("Out", out))
                        .addAttrs(intAttr("axis", c.axis() + 1)));
                return out;
            }

            @Override
            public String meanPool(MeanPool m) {
                return reduce(stage, "reduce_mean", in, 1);
            }

            @Override
            public String dense(Dense d) {
                String product = output(stage, "matmul");
                block.addOps(op("matmul_v2").addInputs(slot("X", in))
                        .addInputs(slot("Y", stage.param("weight").name()))
                        .addOutputs(slot("Out", product))
                        .addAttrs(boolAttr("trans_x", false)).addAttrs(boolAttr("trans_y", false)));
                // axis 1 lines the bias up with [N, units]; -1 with the last axis of a sequence [N, T, units]
                return activation(stage, addBias(stage, product, Dense.onSequence(stage.shapes()) ? -1 : 1),
                        d.activation());
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
                return activation(stage, addBias(stage, conv, 1), c.activation());
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
                return null;
            }

            @Override
            public String embeddingBag(EmbeddingBag layer) {
                return null;
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

    /** Adds the stage's bias along {@code axis} (1: [batch, units] and [batch, C, H, W]; -1: the last axis). */
    private String addBias(Stage stage, String in, int axis) {
        String out = output(stage, "linear");
        block.addOps(op("elementwise_add").addInputs(slot("X", in)).addInputs(slot("Y", stage.param("bias").name()))
                .addOutputs(slot("Out", out)).addAttrs(intAttr("axis", axis)));
        return out;
    }

    /**
     * A stacked LSTM as one {@code rnn} op per layer (mode LSTM, time-major, inference). Each op gets the layer's
     * {@code weight_ih}, {@code weight_hh}, then {@code bias} as b_ih and a zero constant as b_hh (the canonical layer
     * has one bias), and zero initial states [1, N, H] whose batch dimension is taken from the input at run time.
     * Output {@code last} is the last layer's final hidden state, {@code sequence} its hidden states batch-first.
     */
    private String lstmOps(Stage stage, String in, Lstm l) {
        int[] x = stage.in();
        int t = x[0];
        int h = l.hidden();
        String n = stage.name();
        // the rnn op reads [T, N, I]
        String seq = transpose(n + ".time_major", in, new long[] {-1, t, x[1]}, 1, 0, 2);
        String h0 = zeroState(n + ".h0", in, h);
        String c0 = zeroState(n + ".c0", in, h);
        String zeroBias = constant(n + ".zero_bias", new long[] {4L * h}, new float[4 * h]);
        String last = null;
        for (int layer = 0; layer < l.layers(); layer++) {
            String prefix = n + "." + Lstm.role(layer, "");
            String out = var(prefix + "out", new long[] {t, -1, h});
            last = var(prefix + "h", new long[] {1, -1, h});
            String cell = var(prefix + "c", new long[] {1, -1, h});
            String reserve = var(prefix + "reserve", new long[] {-1});
            String dropout = var(prefix + "dropout_state", new long[] {-1}, VarType.Type.UINT8);
            block.addOps(op("rnn").addInputs(slot("Input", seq))
                    .addInputs(slots("PreState", h0, c0))
                    .addInputs(slots("WeightList", stage.param(Lstm.role(layer, "weight_ih")).name(),
                            stage.param(Lstm.role(layer, "weight_hh")).name(),
                            stage.param(Lstm.role(layer, "bias")).name(), zeroBias))
                    .addOutputs(slot("Out", out))
                    .addOutputs(slots("State", last, cell))
                    .addOutputs(slot("Reserve", reserve))
                    .addOutputs(slot("DropoutState", dropout))
                    .addAttrs(floatAttr("dropout_prob", 0f))
                    .addAttrs(boolAttr("is_bidirec", false))
                    .addAttrs(intAttr("input_size", layer == 0 ? x[1] : h))
                    .addAttrs(intAttr("hidden_size", h))
                    .addAttrs(intAttr("num_layers", 1))
                    .addAttrs(stringAttr("mode", "LSTM"))
                    .addAttrs(intAttr("seed", 0))
                    .addAttrs(boolAttr("is_test", true)));
            seq = out;
        }
        if (l.sequence()) {
            return transpose(n + ".sequence", seq, new long[] {t, -1, h}, 1, 0, 2);
        }
        // h_T [1, N, H] -> [N, H]
        return reshape(n + ".last", last, new long[] {1, -1, h}, new int[] {-1, h}, new long[] {-1, h});
    }

    /** Zeros [1, N, hidden], N read from dimension 0 of {@code like} when the program runs. */
    private String zeroState(String name, String like, int hidden) {
        String out = var(name, new long[] {1, -1, hidden});
        block.addOps(op("fill_constant_batch_size_like").addInputs(slot("Input", like)).addOutputs(slot("Out", out))
                .addAttrs(intAttr("dtype", VarType.Type.FP32.getNumber()))
                .addAttrs(intsAttr("shape", 1, -1, hidden))
                .addAttrs(floatAttr("value", 0f))
                .addAttrs(intAttr("input_dim_idx", 0))
                .addAttrs(intAttr("output_dim_idx", 1)));
        return out;
    }

    /**
     * Multi-head self-attention on [N, T, D]: projections (matmul_v2 by [in, out] + bias), heads split by reshape2
     * [N, T, h, dh] and transpose2 to [N, h, T, dh], scores {@code Q K^T} (matmul_v2 trans_y) scaled by 1/sqrt(dh),
     * plus the causal mask constant, softmax over the last axis, times V, heads merged back, output projection.
     */
    private String attentionOps(Stage stage, String in, Attention a) {
        int t = stage.in()[0];
        int d = stage.in()[1];
        int heads = a.heads();
        int dh = d / heads;
        String n = stage.name();
        long[] seq = {-1, t, d};
        long[] split = {-1, t, heads, dh};
        long[] perHead = {-1, heads, t, dh};
        long[] square = {-1, heads, t, t};
        String[] qkv = new String[3];
        String[] roles = {"q", "k", "v"};
        for (int k = 0; k < 3; k++) {
            String r = roles[k];
            String projected = linear(n + "." + r, in, stage, r, seq);
            String heads4 = reshape(n + "." + r + "_split", projected, seq, new int[] {0, t, heads, dh}, split);
            qkv[k] = transpose(n + "." + r + "_heads", heads4, split, 0, 2, 1, 3);
        }
        String scores = matmul(n + ".scores", qkv[0], qkv[1], true, square);
        String scaled = var(n + ".scaled", square);
        block.addOps(op("scale").addInputs(slot("X", scores)).addOutputs(slot("Out", scaled))
                .addAttrs(floatAttr("scale", (float) (1 / Math.sqrt(dh))))
                .addAttrs(floatAttr("bias", 0f))
                .addAttrs(boolAttr("bias_after_scale", true)));
        if (a.causal()) {
            float[] mask = new float[t * t];
            for (int i = 0; i < t; i++) {
                for (int j = i + 1; j < t; j++) {
                    mask[i * t + j] = (float) Attention.MASK;
                }
            }
            String m = constant(n + ".mask", new long[] {t, t}, mask);
            String masked = var(n + ".masked", square);
            block.addOps(op("elementwise_add").addInputs(slot("X", scaled)).addInputs(slot("Y", m))
                    .addOutputs(slot("Out", masked)).addAttrs(intAttr("axis", -1)));
            scaled = masked;
        }
        String weights = var(n + ".softmax", square);
        block.addOps(op("softmax").addInputs(slot("X", scaled)).addOutputs(slot("Out", weights))
                .addAttrs(intAttr("axis", -1)));
        String mixed = matmul(n + ".mixed", weights, qkv[2], false, perHead);
        String merged4 = transpose(n + ".merge", mixed, perHead, 0, 2, 1, 3);
        String merged = reshape(n + ".merged", merged4, split, new int[] {0, t, d}, seq);
        return linear(n + ".o", merged, stage, "o", batched(stage.out()));
    }

    /** {@code x W + b} over the last axis with the stage's {@code <role>_weight} ([in, out]) and {@code <role>_bias}. */
    private String linear(String name, String in, Stage stage, String role, long[] outDims) {
        String product = matmul(name + "_matmul", in, stage.param(role + "_weight").name(), false, outDims);
        String out = var(name + "_linear", outDims);
        block.addOps(op("elementwise_add").addInputs(slot("X", product))
                .addInputs(slot("Y", stage.param(role + "_bias").name()))
                .addOutputs(slot("Out", out)).addAttrs(intAttr("axis", -1)));
        return out;
    }

    /**
     * DLRM's pairwise dots: the inputs stacked into z [N, F, d] (a vector input reshaped to [N, 1, d], then concat on
     * axis 1), the Gram matrix {@code z z^T} [N, F, F] (matmul_v2 trans_y) flattened to [N, F*F], and the pairs picked
     * in the layer's order by index_select with a constant int64 index.
     */
    private String dotOps(Stage stage, List<String> ins, Dot d) {
        List<int[]> shapes = stage.ins();
        int width = Dot.width(shapes);
        int f = Dot.vectors(shapes);
        String n = stage.name();
        List<String> stacked = new ArrayList<>();
        for (int k = 0; k < ins.size(); k++) {
            if (shapes.get(k).length == 1) {
                stacked.add(reshape(n + ".vector" + k, ins.get(k), new long[] {-1, width}, new int[] {0, 1, width},
                        new long[] {-1, 1, width}));
            } else {
                stacked.add(ins.get(k));
            }
        }
        String z = stacked.get(0);
        if (stacked.size() > 1) {
            z = var(n + ".stack", new long[] {-1, f, width});
            block.addOps(op("concat").addInputs(OpDesc.Var.newBuilder().setParameter("X").addAllArguments(stacked))
                    .addOutputs(slot("Out", z)).addAttrs(intAttr("axis", 1)));
        }
        String gram = matmul(n + ".gram", z, z, true, new long[] {-1, f, f});
        String flat = reshape(n + ".flat", gram, new long[] {-1, f, f}, new int[] {0, f * f}, new long[] {-1, f * f});
        int[][] pairs = d.pairs(f);
        long[] index = new long[pairs.length];
        for (int k = 0; k < pairs.length; k++) {
            index[k] = (long) pairs[k][0] * f + pairs[k][1];
        }
        String idx = constant(n + ".pairs", new long[] {pairs.length}, index);
        String out = output(stage, "index_select");
        block.addOps(op("index_select").addInputs(slot("X", flat)).addInputs(slot("Index", idx))
                .addOutputs(slot("Out", out)).addAttrs(intAttr("dim", 1)));
        return out;
    }

    /** A reduce op ({@code reduce_sum}, {@code reduce_mean}) over batched axis {@code dim}, dropping it. */
    private String reduce(Stage stage, String type, String in, int dim) {
        String out = output(stage, type);
        block.addOps(op(type).addInputs(slot("X", in)).addOutputs(slot("Out", out))
                .addAttrs(intsAttr("dim", dim))
                .addAttrs(boolAttr("keep_dim", false))
                .addAttrs(boolAttr("reduce_all", false)));
        return out;
    }

    private String matmul(String name, String x, String y, boolean transY, long[] outDims) {
        String out = var(name, outDims);
        block.addOps(op("matmul_v2").addInputs(slot("X", x)).addInputs(slot("Y", y)).addOutputs(slot("Out", out))
                .addAttrs(boolAttr("trans_x", false)).addAttrs(boolAttr("trans_y", transY)));
        return out;
    }

    /** transpose2 of {@code in} (dims {@code inDims}) by {@code perm}, with its XShape output. */
    private String transpose(String name, String in, long[] inDims, int... perm) {
        long[] outDims = new long[perm.length];
        for (int k = 0; k < perm.length; k++) {
            outDims[k] = inDims[perm[k]];
        }
        String out = var(name, outDims);
        block.addOps(op("transpose2").addInputs(slot("X", in)).addOutputs(slot("Out", out))
                .addOutputs(slot("XShape", xshape(name, inDims))).addAttrs(intsAttr("axis", perm)));
        return out;
    }

    /** reshape2 of {@code in} to {@code shape} (0 keeps that input dimension, -1 is inferred), with its XShape. */
    private String reshape(String name, String in, long[] inDims, int[] shape, long[] outDims) {
        String out = var(name, outDims);
        block.addOps(op("reshape2").addInputs(slot("X", in)).addOutputs(slot("Out", out))
                .addOutputs(slot("XShape", xshape(name, inDims))).addAttrs(intsAttr("shape", shape)));
        return out;
    }

    /** The XShape variable of a reshape2/transpose2: [0, input dims...] (Paddle keeps it for the gradient op). */
    private String xshape(String name, long[] inDims) {
        long[] dims = new long[inDims.length + 1];
        System.arraycopy(inDims, 0, dims, 1, inDims.length);
        return var(name + ".xshape", dims);
    }

    /** A persistable float32 constant, written to the params file with the parameters. */
    private String constant(String name, long[] dims, float[] values) {
        String unique = unique(name);
        declare(unique, tensorType(dims, VarType.Type.FP32), true);
        constants.add(new ParamsFile.Tensor(unique, dims, values));
        return unique;
    }

    /** A persistable int64 constant, written to the params file with the parameters. */
    private String constant(String name, long[] dims, long[] values) {
        String unique = unique(name);
        declare(unique, tensorType(dims, VarType.Type.INT64), true);
        constants.add(ParamsFile.Tensor.ofLongs(unique, dims, values));
        return unique;
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
        return var(name, dims, VarType.Type.FP32);
    }

    private String var(String name, long[] dims, VarType.Type type) {
        String unique = unique(name);
        declare(unique, tensorType(dims, type), false);
        return unique;
    }

    private String unique(String name) {
        String unique = name;
        for (int k = 2; names.contains(unique); k++) {
            unique = name + "_" + k;
        }
        return unique;
    }

    private void declare(String name, VarType type, boolean persistable) {
        if (!names.add(name)) {
            throw new IllegalStateException("variable " + name + " declared twice in the Paddle program");
        }
        block.addVars(VarDesc.newBuilder().setName(name).setType(type).setPersistable(persistable));
    }

    private static VarType tensorType(long[] dims) {
        return tensorType(dims, VarType.Type.FP32);
    }

    private static VarType tensorType(long[] dims, VarType.Type type) {
        VarType.TensorDesc.Builder tensor = VarType.TensorDesc.newBuilder().setDataType(type);
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

    private static OpDesc.Var slots(String parameter, String... arguments) {
        return OpDesc.Var.newBuilder().setParameter(parameter).addAllArguments(List.of(arguments)).build();
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
