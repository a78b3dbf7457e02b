package org.dlbench.djl.tf;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.dlbench.core.data.Weights;
import org.dlbench.core.model.GeneratedModels;
import org.dlbench.core.workload.layer.Activation;
import org.dlbench.core.workload.layer.Add;
import org.dlbench.core.workload.layer.AvgPool2d;
import org.dlbench.core.workload.layer.BatchNorm;
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
import org.dlbench.core.workload.ModelInput;
import org.dlbench.core.workload.Stage;
import org.dlbench.core.workload.Workload;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Assign;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.op.math.Mean;
import org.tensorflow.op.nn.BlockLSTM;
import org.tensorflow.op.nn.Conv2d;
import org.tensorflow.op.train.BatchMatMul;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * Writes a workload as a TensorFlow SavedModel (tag {@code serve}, signature {@code serving_default}, one input per
 * model input keyed by its name, float32 or int64/int32 ids, output {@code logits}) built with the TF Java Ops API,
 * and caches it on disk.
 *
 * <p>The graph takes dlbench's NCHW input and runs convolutions and pooling in NHWC, the only layout TensorFlow's
 * CPU kernels accept: the input is transposed once, conv weights are stored HWIO, and the activations are transposed
 * back to NCHW just before a flatten so its order stays C, H, W like the reference. Dense weights are stored
 * [in, out] for a plain MatMul (on a sequence [T, in] folded to [N*T, in] around it). Sequence and sparse layers:
 * embedding = GatherV2 (+ position add); embeddingbag = row offsets added to the ids, GatherV2, Sum/Mean over the
 * bag; lstm = BlockLSTMV2 per layer (time-major, gate order i, f, g, o as canonical, no peepholes, no cell clip);
 * layernorm and erf GELU composed; attention = BatchMatMulV3 with adj_y, Softmax and a constant causal mask; dot =
 * BatchMatMulV3 of the stacked vectors, then a constant gather of the pairs. Every stage output is float32; only the
 * embedding layers read the id inputs. The batch dimension is left open, so one export serves every batch size.
 *
 * <p>Weights live in variables given the shared weights once in the export session (fed, not constant initialisers)
 * and saved in {@code variables/} only, the way a real trained SavedModel carries them. Models are cached by a hash of the definition and the weight values; a new one is
 * written to a temporary directory and renamed into place, so a reader never sees half a model.
 */
final class SavedModelExport {
    /** Bump when the graph layout changes, so old cached exports are not reused. */
    static final int FORMAT = 6;
    static final String TAG = "serve";
    static final String SIGNATURE = Signature.DEFAULT_KEY;
    static final String OUTPUT = "logits";

    /** A cached export and whether this call wrote it. */
    record Exported(Path dir, boolean created) {
    }

    private SavedModelExport() {
    }

    /** This engine's folder in bench-core's {@link GeneratedModels} cache. */
    static Path defaultCacheRoot() {
        return GeneratedModels.root(TensorFlowAdapter.NAME);
    }

    /** The directory this workload and these weights export to. */
    static Path modelDir(Path cacheRoot, Workload workload, Weights weights) {
        return cacheRoot.resolve(workload.name() + "-" + key(workload, weights));
    }

    /**
     * Returns the cached export of this workload and these weights, writing it first if it is not there yet. Needs
     * the TensorFlow natives loaded.
     */
    static Exported ensure(Path cacheRoot, Workload workload, Weights weights) throws IOException {
        Path dir = modelDir(cacheRoot, workload, weights);
        if (Files.isRegularFile(dir.resolve("saved_model.pb"))) {
            return new Exported(dir, false);
        }
        Files.createDirectories(cacheRoot);
        Path tmp = Files.createTempDirectory(cacheRoot, dir.getFileName() + ".tmp-");
        try {
            export(workload, weights, tmp);
            try {
                Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException e) {
                // another JVM finished the same export first: theirs is identical, keep it
                if (!Files.isRegularFile(dir.resolve("saved_model.pb"))) {
                    throw e;
                }
                return new Exported(dir, false);
            } catch (IOException e) {
                // a non-empty target directory is reported as a generic error on some file systems
                if (!Files.isRegularFile(dir.resolve("saved_model.pb"))) {
                    throw e;
                }
                return new Exported(dir, false);
            }
            return new Exported(dir, true);
        } finally {
            deleteTree(tmp);
        }
    }

    /** Builds the graph, initialises the variables in a session and writes the SavedModel into {@code dir}. */
    static void export(Workload workload, Weights weights, Path dir) throws IOException {
        // one thread: exporting is not measured, and it should not fight anything that is
        ConfigProto config = ConfigProto.newBuilder()
                .setIntraOpParallelismThreads(1).setInterOpParallelismThreads(1).build();
        try (Graph graph = new Graph()) {
            Ops tf = Ops.create(graph);
            Signature.Builder signature = Signature.builder(SIGNATURE);
            List<Operand<?>> feeds = new ArrayList<>();
            for (ModelInput in : workload.inputs()) {
                Placeholder.Options shape = Placeholder.shape(Shape.of(batchAnd(in.shape())));
                Ops named = tf.withName(placeholderName(in));
                Operand<?> feed = switch (in.type()) {
                    case FLOAT32 -> named.placeholder(TFloat32.class, shape);
                    case INT64 -> named.placeholder(TInt64.class, shape);
                    case INT32 -> named.placeholder(TInt32.class, shape);
                };
                signature.input(in.name(), feed);
                feeds.add(feed);
            }
            Variables vars = new Variables();
            Operand<TFloat32> logits = tf.withName(OUTPUT).identity(build(tf, vars, workload, weights, feeds));
            try (org.tensorflow.Session session = new org.tensorflow.Session(graph, config)) {
                vars.assign(session);
                SavedModelBundle.exporter(dir.toString()).withTags(TAG).withSession(session)
                        .withSignature(signature.output(OUTPUT, logits).build()).export();
            }
        }
    }

    /**
     * The graph operation of a model input: a prefix with a character node names cannot hold, so it never meets a
     * variable's name ({@code <node>_<role>}); the signature key is the input's own name.
     */
    static String placeholderName(ModelInput in) {
        return "feed-" + in.name();
    }

    /**
     * The graph of a workload. Image values run in NHWC (TensorFlow's CPU layout): an image input is transposed once,
     * and a flatten transposes back to NCHW first so the shared dense weights see C, H, W order. Stage outputs are
     * float32; id inputs reach only the embedding layers (the workload format allows no other reader).
     */
    private static Operand<TFloat32> build(Ops tf, Variables vars, Workload workload, Weights weights, List<Operand<?>> feeds) {
        List<Operand<?>> in = new ArrayList<>();
        for (int k = 0; k < feeds.size(); k++) {
            Operand<?> feed = feeds.get(k);
            in.add(workload.inputs().get(k).shape().length == 3
                    ? tf.linalg.transpose(floats(feed), tf.constant(new int[] {0, 2, 3, 1})) : feed);
        }
        List<Operand<TFloat32>> outputs = new ArrayList<>();
        for (Stage stage : workload.stages()) {
            List<Operand<?>> xs = stage.inputs().stream()
                    .<Operand<?>>map(i -> i < 0 ? in.get(-1 - i) : outputs.get(i)).toList();
            outputs.add(stage(tf, vars, stage, weights, xs));
        }
        return outputs.get(outputs.size() - 1);
    }

    /** A float value as such: every stage output and every float model input. */
    @SuppressWarnings("unchecked")
    private static Operand<TFloat32> floats(Operand<?> x) {
        if (x.type() != TFloat32.class) {
            throw new IllegalStateException("expected a float32 value, got " + x.type().getSimpleName()
                    + " (only embedding layers read ids)");
        }
        return (Operand<TFloat32>) x;
    }

    /** An id input widened to int64 (a no-op for int64 inputs). */
    @SuppressWarnings("unchecked")
    private static Operand<TInt64> ids(Ops tf, Operand<?> x) {
        if (x.type() == TInt64.class) {
            return (Operand<TInt64>) x;
        }
        if (x.type() == TInt32.class) {
            return tf.dtypes.cast(x, TInt64.class);
        }
        throw new IllegalStateException("expected ids (int64 or int32), got " + x.type().getSimpleName());
    }

    /** One stage on its inputs (image values in NHWC). */
    private static Operand<TFloat32> stage(Ops tf, Variables vars, Stage stage, Weights weights, List<Operand<?>> inputs) {
        String p = stage.name();
        boolean readsIds = stage.layer().readsIds();
        List<Operand<TFloat32>> xs = readsIds ? List.of()
                : inputs.stream().map(SavedModelExport::floats).toList();
        Operand<TFloat32> x = readsIds ? null : xs.get(0);
        return stage.layer().accept(new Layer.Visitor<Operand<TFloat32>>() {
            @Override
            public Operand<TFloat32> embedding(Embedding e) {
                int t = stage.in()[0];
                Operand<TFloat32> w = vars.create(tf, p + "_weight", weights.get(p + ".weight"), e.vocabulary(), e.dim());
                // [N, T] ids -> [N, T, dim]
                Operand<TFloat32> y = tf.gather(w, ids(tf, inputs.get(0)), tf.constant(0));
                if (e.positional()) {
                    y = tf.math.add(y, vars.create(tf, p + "_position", weights.get(p + ".position"), t, e.dim()));
                }
                return y;
            }

            @Override
            public Operand<TFloat32> embeddingBag(EmbeddingBag e) {
                int[] in = stage.in();
                Operand<TFloat32> w = vars.create(tf, p + "_weight", weights.get(p + ".weight"), e.totalRows(), e.dim());
                Operand<TInt64> ids = ids(tf, inputs.get(0));
                if (in.length == 2 && in[0] > 1) {
                    // table k's ids index its own block of rows: [N, tables, bag] + [tables, 1]
                    int[] offsets = e.offsets();
                    long[][] column = new long[offsets.length][1];
                    for (int k = 0; k < offsets.length; k++) {
                        column[k][0] = offsets[k];
                    }
                    ids = tf.math.add(ids, tf.constant(column));
                }
                // [N, (tables,) bag, dim], reduced over the bag
                Operand<TFloat32> rows = tf.gather(w, ids, tf.constant(0));
                Operand<TInt32> bagAxis = tf.constant(in.length);
                return e.mean() ? tf.math.mean(rows, bagAxis) : tf.sum(rows, bagAxis);
            }

            @Override
            public Operand<TFloat32> lstm(Lstm l) {
                int steps = stage.in()[0];
                int h = l.hidden();
                // BlockLSTMV2 runs time-major: [N, T, I] -> [T, N, I]
                Operand<TFloat32> seq = tf.linalg.transpose(x, tf.constant(new int[] {1, 0, 2}));
                // zero initial state [N, H], N taken from the running batch
                Operand<TInt32> stateShape = tf.concat(List.of(
                        tf.stridedSlice(tf.shape(seq), tf.constant(new int[] {1}), tf.constant(new int[] {2}),
                                tf.constant(new int[] {1})),
                        tf.constant(new int[] {h})), tf.constant(0));
                Operand<TFloat32> zeroState = tf.zeros(stateShape, TFloat32.class);
                Operand<TFloat32> noPeephole = tf.constant(new float[h]);
                for (int layer = 0; layer < l.layers(); layer++) {
                    int in = layer == 0 ? stage.in()[1] : h;
                    Operand<TFloat32> w = vars.create(tf, p + "_" + Lstm.role(layer, "w"),
                            blockLstmWeight(weights.get(p + "." + Lstm.role(layer, "weight_ih")),
                                    weights.get(p + "." + Lstm.role(layer, "weight_hh")), h, in), in + h, 4L * h);
                    Operand<TFloat32> b = vars.create(tf, p + "_" + Lstm.role(layer, "bias"),
                            weights.get(p + "." + Lstm.role(layer, "bias")), 4L * h);
                    // BlockLSTMV2: gates i, f, ci (= g), o, the canonical order; no forget bias; cellClip 0 = off
                    seq = tf.nn.blockLSTM(tf.constant((long) steps), seq, zeroState, zeroState, w,
                            noPeephole, noPeephole, noPeephole, b, BlockLSTM.cellClip(0f), BlockLSTM.usePeephole(false))
                            .h();
                }
                if (l.sequence()) {
                    return tf.linalg.transpose(seq, tf.constant(new int[] {1, 0, 2}));
                }
                return tf.gather(seq, tf.constant(steps - 1), tf.constant(0));
            }

            @Override
            public Operand<TFloat32> layerNorm(LayerNorm n) {
                int d = stage.in()[stage.in().length - 1];
                Operand<TFloat32> gamma = vars.create(tf, p + "_gamma", weights.get(p + ".gamma"), d);
                Operand<TFloat32> beta = vars.create(tf, p + "_beta", weights.get(p + ".beta"), d);
                Operand<TInt32> last = tf.constant(new int[] {-1});
                // centred once and squared (Sub, Square), not SquaredDifference(x, mean): with oneDNN on, TF 2.16's
                // grappler remapper aborts the process on (x - mean) * rsqrt(mean(SquaredDifference) + eps) * gamma
                // + beta ("CHECK failed: key not found: value" in its layer-norm pattern check)
                Operand<TFloat32> centred = tf.math.sub(x, tf.math.mean(x, last, Mean.keepDims(true)));
                Operand<TFloat32> var = tf.math.mean(tf.math.square(centred), last, Mean.keepDims(true));
                Operand<TFloat32> inv = tf.math.rsqrt(tf.math.add(var, tf.constant(n.epsilon().floatValue())));
                return tf.math.add(tf.math.mul(tf.math.mul(centred, inv), gamma), beta);
            }

            @Override
            public Operand<TFloat32> gelu(Gelu g) {
                // x * (1 + erf(x / sqrt 2)) / 2
                Operand<TFloat32> phi = tf.math.add(tf.constant(1f),
                        tf.math.erf(tf.math.mul(x, tf.constant((float) (1 / Math.sqrt(2))))));
                return tf.math.mul(tf.math.mul(x, phi), tf.constant(0.5f));
            }

            @Override
            public Operand<TFloat32> attention(Attention a) {
                int t = stage.in()[0];
                int d = stage.in()[1];
                int heads = a.heads();
                int dh = d / heads;
                // [N, T, D] -> [N, heads, T, dh]: head h is the column block h*dh .. h*dh+dh-1
                Operand<TInt32> split = tf.constant(new int[] {-1, t, heads, dh});
                Operand<TInt32> swap = tf.constant(new int[] {0, 2, 1, 3});
                Operand<TFloat32> q = tf.linalg.transpose(tf.reshape(linear(tf, vars, weights, x, p, "q", d, d, t), split), swap);
                Operand<TFloat32> k = tf.linalg.transpose(tf.reshape(linear(tf, vars, weights, x, p, "k", d, d, t), split), swap);
                Operand<TFloat32> v = tf.linalg.transpose(tf.reshape(linear(tf, vars, weights, x, p, "v", d, d, t), split), swap);
                Operand<TFloat32> scores = tf.math.mul(
                        tf.train.batchMatMul(q, k, TFloat32.class, BatchMatMul.adjY(true)),
                        tf.constant((float) (1 / Math.sqrt(dh))));
                if (a.causal()) {
                    scores = tf.math.add(scores, tf.constant(causalMask(t)));
                }
                Operand<TFloat32> mixed = tf.train.batchMatMul(tf.nn.softmax(scores), v, TFloat32.class);
                Operand<TFloat32> joined = tf.reshape(tf.linalg.transpose(mixed, swap),
                        tf.constant(new int[] {-1, t, d}));
                return linear(tf, vars, weights, joined, p, "o", d, d, t);
            }

            @Override
            public Operand<TFloat32> dot(Dot dot) {
                int d = Dot.width(stage.ins());
                int f = Dot.vectors(stage.ins());
                // stack every input to [N, F, d]; a vector [N, d] is one row
                List<Operand<TFloat32>> parts = new ArrayList<>();
                for (int i = 0; i < xs.size(); i++) {
                    int[] shape = stage.ins().get(i);
                    parts.add(shape.length == 1 ? tf.reshape(xs.get(i), tf.constant(new int[] {-1, 1, d})) : xs.get(i));
                }
                Operand<TFloat32> z = parts.size() == 1 ? parts.get(0) : tf.concat(parts, tf.constant(1));
                Operand<TFloat32> gram = tf.reshape(tf.train.batchMatMul(z, z, TFloat32.class, BatchMatMul.adjY(true)),
                        tf.constant(new int[] {-1, f * f}));
                int[][] pairs = dot.pairs(f);
                int[] picks = new int[pairs.length];
                for (int i = 0; i < pairs.length; i++) {
                    picks[i] = pairs[i][0] * f + pairs[i][1];
                }
                return tf.gather(gram, tf.constant(picks), tf.constant(1));
            }

            @Override
            public Operand<TFloat32> concat(Concat c) {
                int axis = c.axis();
                if (stage.in().length == 3) {
                    // image values run NHWC: sample axes C, H, W sit at 3, 1, 2
                    axis = new int[] {3, 1, 2}[axis];
                } else {
                    axis += 1;
                }
                return tf.concat(xs, tf.constant(axis));
            }

            @Override
            public Operand<TFloat32> meanPool(MeanPool m) {
                return tf.math.mean(x, tf.constant(1));
            }

            @Override
            public Operand<TFloat32> dense(Dense d) {
                if (stage.in().length == 2) {
                    // a sequence [T, in]: the same weights on every step
                    return activate(tf, linear(tf, vars, weights, x, p, "", stage.in()[1], d.units(), stage.in()[0]), d.activation());
                }
                return activate(tf, linear(tf, vars, weights, x, p, "", stage.in()[0], d.units(), 0), d.activation());
            }

            @Override
            public Operand<TFloat32> conv2d(org.dlbench.core.workload.layer.Conv2d c) {
                int in = stage.in()[0];
                int k = c.kernel();
                Operand<TFloat32> b = vars.create(tf, p + "_bias", weights.get(p + ".bias"), c.filters());
                List<Long> strides = List.of(1L, (long) c.stride(), (long) c.stride(), 1L);
                long pad = c.padding();
                Operand<TFloat32> conv;
                if (c.groups() == 1) {
                    Operand<TFloat32> w = vars.create(tf, p + "_weight",
                            hwio(weights.get(p + ".weight"), c.filters(), in, k), k, k, in, c.filters());
                    conv = pad == 0 ? tf.nn.conv2d(x, w, strides, "VALID")
                            : tf.nn.conv2d(x, w, strides, "EXPLICIT",
                                    Conv2d.explicitPaddings(0L, 0L, pad, pad, pad, pad, 0L, 0L));
                } else {
                    // groups == input channels (whyNot rejects the rest): depthwise with multiplier filters / in
                    int multiplier = c.filters() / in;
                    Operand<TFloat32> w = vars.create(tf, p + "_weight",
                            hwio(weights.get(p + ".weight"), c.filters(), 1, k), k, k, in, multiplier);
                    // zero padding as its own Pad op: DepthwiseConv2dNative with EXPLICIT padding aborts the
                    // process in TF 2.16's shape check (tensor_format.h "Invalid index from the dimension")
                    Operand<TFloat32> padded = pad == 0 ? x : tf.pad(x, tf.constant(new int[][] {
                        {0, 0}, {(int) pad, (int) pad}, {(int) pad, (int) pad}, {0, 0}}), tf.constant(0f));
                    conv = tf.nn.depthwiseConv2dNative(padded, w, strides, "VALID");
                }
                return activate(tf, tf.nn.biasAdd(conv, b), c.activation());
            }

            @Override
            public Operand<TFloat32> maxPool2d(MaxPool2d m) {
                return tf.nn.maxPool(x, tf.constant(new int[] {1, m.kernel(), m.kernel(), 1}),
                    tf.constant(new int[] {1, m.stride(), m.stride(), 1}), "VALID");
            }

            @Override
            public Operand<TFloat32> avgPool2d(AvgPool2d a) {
                return tf.nn.avgPool(x, List.of(1L, (long) a.kernel(), (long) a.kernel(), 1L),
                    List.of(1L, (long) a.stride(), (long) a.stride(), 1L), "VALID");
            }

            @Override
            public Operand<TFloat32> flatten(Flatten f) {
                Operand<TFloat32> nchw = stage.in().length == 3
                        ? tf.linalg.transpose(x, tf.constant(new int[] {0, 3, 1, 2})) : x;
                return tf.reshape(nchw, tf.constant(new int[] {-1, stage.out()[0]}));
            }

            @Override
            public Operand<TFloat32> globalAvgPool(GlobalAvgPool g) {
                return tf.math.mean(x, tf.constant(new int[] {1, 2}));
            }

            @Override
            public Operand<TFloat32> batchNorm(BatchNorm bn) {
                // inference form, folded: scale = gamma / sqrt(var + eps), y = x * scale + (beta - mean * scale);
                // channels are the last axis in NHWC and in [N, C], so both broadcast alike
                int ch = stage.in()[0];
                Operand<TFloat32> gamma = vars.create(tf, p + "_gamma", weights.get(p + ".gamma"), ch);
                Operand<TFloat32> beta = vars.create(tf, p + "_beta", weights.get(p + ".beta"), ch);
                Operand<TFloat32> mean = vars.create(tf, p + "_running_mean", weights.get(p + ".running_mean"), ch);
                Operand<TFloat32> var = vars.create(tf, p + "_running_var", weights.get(p + ".running_var"), ch);
                Operand<TFloat32> scale = tf.math.mul(gamma,
                        tf.math.rsqrt(tf.math.add(var, tf.constant(bn.epsilon().floatValue()))));
                Operand<TFloat32> shift = tf.math.sub(beta, tf.math.mul(mean, scale));
                return activate(tf, tf.math.add(tf.math.mul(x, scale), shift), bn.activation());
            }

            @Override
            public Operand<TFloat32> add(Add a) {
                Operand<TFloat32> sum = x;
                for (int i = 1; i < xs.size(); i++) {
                    sum = tf.math.add(sum, xs.get(i));
                }
                return activate(tf, sum, a.activation());
            }
        });
    }

    /** Why this translation cannot build a stage, or null when it can. */
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
            public String conv2d(org.dlbench.core.workload.layer.Conv2d c) {
                return c.groups() == 1 || c.groups() == stage.in()[0] ? null
                    : "grouped convolution with 1 < groups < input channels has no TensorFlow CPU kernel "
                            + "(Conv2D with groups fails on CPU; only depthwise, groups = input channels, maps)";
            }

            @Override
            public String dense(Dense d) {
                return null;
            }

            @Override
            public String maxPool2d(MaxPool2d m) {
                return null;
            }

            @Override
            public String avgPool2d(AvgPool2d a) {
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

    /**
     * {@code x W^T + b} with the canonical {@code <p>.<prefix>weight [out, in]} (stored transposed, [in, out], for a
     * plain MatMul) and {@code <p>.<prefix>bias [out]}; {@code prefix} is empty for dense, {@code q}, {@code k} ...
     * for attention. With {@code steps > 0} the input is a sequence [N, steps, in], folded to [N * steps, in] around
     * the MatMul and back.
     */
    private static Operand<TFloat32> linear(Ops tf, Variables vars, Weights weights, Operand<TFloat32> x, String p, String prefix,
                                            int in, int out, int steps) {
        String role = prefix.isEmpty() ? "" : prefix + "_";
        Operand<TFloat32> w = vars.create(tf, p + "_" + role + "weight", weights.transposed(p + "." + role + "weight"),
                in, out);
        Operand<TFloat32> b = vars.create(tf, p + "_" + role + "bias", weights.get(p + "." + role + "bias"), out);
        if (steps == 0) {
            return tf.nn.biasAdd(tf.linalg.matMul(x, w), b);
        }
        Operand<TFloat32> rows = tf.reshape(x, tf.constant(new int[] {-1, in}));
        return tf.reshape(tf.nn.biasAdd(tf.linalg.matMul(rows, w), b), tf.constant(new int[] {-1, steps, out}));
    }

    /**
     * BlockLSTMV2's {@code w [I + H, 4H]}: {@code W_ih^T} over {@code W_hh^T}, from the canonical
     * {@code weight_ih [4H, I]} and {@code weight_hh [4H, H]} (gate blocks i, f, g, o on both sides).
     */
    static float[] blockLstmWeight(float[] ih, float[] hh, int hidden, int in) {
        int gates = 4 * hidden;
        float[] w = new float[(in + hidden) * gates];
        for (int g = 0; g < gates; g++) {
            for (int i = 0; i < in; i++) {
                w[i * gates + g] = ih[g * in + i];
            }
            for (int j = 0; j < hidden; j++) {
                w[(in + j) * gates + g] = hh[g * hidden + j];
            }
        }
        return w;
    }

    /** The causal mask [T, T]: {@link Attention#MASK} above the diagonal, 0 elsewhere. */
    static float[][] causalMask(int t) {
        float[][] m = new float[t][t];
        for (int i = 0; i < t; i++) {
            for (int j = i + 1; j < t; j++) {
                m[i][j] = (float) Attention.MASK;
            }
        }
        return m;
    }

    /**
     * The variables of one export. Each starts uninitialised and gets its value once, fed through a placeholder and
     * assigned in the export session, so the value is saved in {@code variables/} only; as a constant initialiser it
     * would also sit in saved_model.pb (a second copy of every table, parsed at every load).
     */
    private static final class Variables {
        private final List<Placeholder<TFloat32>> feeds = new ArrayList<>();
        private final List<Assign<TFloat32>> assigns = new ArrayList<>();
        private final List<float[]> values = new ArrayList<>();
        private final List<Shape> shapes = new ArrayList<>();

        Operand<TFloat32> create(Ops tf, String name, float[] value, long... shape) {
            Shape s = Shape.of(shape);
            Variable<TFloat32> v = tf.withName(name).variable(s, TFloat32.class);
            Placeholder<TFloat32> feed = tf.withName(name + "-value").placeholder(TFloat32.class,
                    Placeholder.shape(s));
            feeds.add(feed);
            assigns.add(tf.withName(name + "-assign").assign(v, feed));
            values.add(value);
            shapes.add(s);
            return v;
        }

        /** Gives every variable its value in {@code session}. */
        void assign(org.tensorflow.Session session) {
            for (int i = 0; i < feeds.size(); i++) {
                try (TFloat32 t = TFloat32.tensorOf(shapes.get(i), DataBuffers.of(values.get(i), true, false))) {
                    session.runner().feed(feeds.get(i), t).addTarget(assigns.get(i)).run();
                }
            }
        }
    }

    private static Operand<TFloat32> activate(Ops tf, Operand<TFloat32> x, Activation a) {
        return switch (a) {
            case NONE -> x;
            case RELU -> tf.nn.relu(x);
            case RELU6 -> tf.nn.relu6(x);
            case TANH -> tf.math.tanh(x);
            case SIGMOID -> tf.math.sigmoid(x);
        };
    }

    /** Conv weight [out, in, k, k] (PyTorch layout) to [k, k, in, out] (TensorFlow's HWIO). */
    static float[] hwio(float[] oihw, int out, int in, int k) {
        float[] hwio = new float[oihw.length];
        for (int o = 0; o < out; o++) {
            for (int i = 0; i < in; i++) {
                for (int h = 0; h < k; h++) {
                    for (int w = 0; w < k; w++) {
                        hwio[((h * k + w) * in + i) * out + o] = oihw[((o * in + i) * k + h) * k + w];
                    }
                }
            }
        }
        return hwio;
    }

    private static long[] batchAnd(int[] sample) {
        long[] shape = new long[sample.length + 1];
        shape[0] = Shape.UNKNOWN_SIZE;
        for (int i = 0; i < sample.length; i++) {
            shape[i + 1] = sample[i];
        }
        return shape;
    }

    /** See {@link GeneratedModels#key}. */
    static String key(Workload workload, Weights weights) {
        return GeneratedModels.key("tensorflow-savedmodel-" + FORMAT, workload, weights);
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove temporary export " + dir, e);
        }
    }
}
