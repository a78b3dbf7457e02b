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
import org.dlbench.core.workload.Stage;
import org.dlbench.core.workload.Workload;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.nn.Conv2d;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;

/**
 * Writes a workload as a TensorFlow SavedModel (tag {@code serve}, signature {@code serving_default}, input
 * {@code features}, output {@code logits}) built with the TF Java Ops API, and caches it on disk.
 *
 * <p>The graph takes dlbench's NCHW input and runs convolutions and pooling in NHWC, the only layout TensorFlow's
 * CPU kernels accept: the input is transposed once, conv weights are stored HWIO, and the activations are transposed
 * back to NCHW just before a flatten so its order stays C, H, W like the reference. Dense weights are stored
 * [in, out] for a plain MatMul. The batch dimension is left open, so one export serves every batch size.
 *
 * <p>Weights live in variables initialised from the shared weights and saved in {@code variables/}, the way a real
 * trained SavedModel carries them. Models are cached by a hash of the definition and the weight values; a new one is
 * written to a temporary directory and renamed into place, so a reader never sees half a model.
 */
final class SavedModelExport {
    /** Bump when the graph layout changes, so old cached exports are not reused. */
    static final int FORMAT = 3;
    static final String TAG = "serve";
    static final String SIGNATURE = Signature.DEFAULT_KEY;
    static final String INPUT = "features";
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
            Placeholder<TFloat32> input = tf.withName(INPUT).placeholder(TFloat32.class,
                    Placeholder.shape(Shape.of(batchAnd(workload.inputShape()))));
            Operand<TFloat32> logits = tf.withName(OUTPUT).identity(build(tf, workload, weights, input));
            try (org.tensorflow.Session session = new org.tensorflow.Session(graph, config)) {
                Signature signature = Signature.builder(SIGNATURE).input(INPUT, input).output(OUTPUT, logits).build();
                SavedModelBundle.exporter(dir.toString()).withTags(TAG).withSession(session)
                        .withSignature(signature).export();
            }
        }
    }

    /**
     * The graph of a workload. Image values run in NHWC (TensorFlow's CPU layout): the input is transposed once, and
     * a flatten transposes back to NCHW first so the shared dense weights see C, H, W order.
     */
    private static Operand<TFloat32> build(Ops tf, Workload workload, Weights weights, Operand<TFloat32> input) {
        Operand<TFloat32> in = input;
        if (workload.inputShape().length == 3) {
            in = tf.linalg.transpose(input, tf.constant(new int[] {0, 2, 3, 1}));
        }
        List<Operand<TFloat32>> outputs = new ArrayList<>();
        for (Stage stage : workload.stages()) {
            Operand<TFloat32> modelInput = in;
            List<Operand<TFloat32>> xs = stage.inputs().stream().map(i -> i < 0 ? modelInput : outputs.get(i)).toList();
            outputs.add(stage(tf, stage, weights, xs));
        }
        return outputs.get(outputs.size() - 1);
    }

    /** One stage on its inputs (image values in NHWC). */
    private static Operand<TFloat32> stage(Ops tf, Stage stage, Weights weights, List<Operand<TFloat32>> xs) {
        String p = stage.name();
        Operand<TFloat32> x = xs.get(0);
        return stage.layer().accept(new Layer.Visitor<Operand<TFloat32>>() {
            @Override
            public Operand<TFloat32> embedding(Embedding layer) {
                throw new UnsupportedOperationException("embedding layers are not translated for the TensorFlow SavedModel export yet");
            }

            @Override
            public Operand<TFloat32> embeddingBag(EmbeddingBag layer) {
                throw new UnsupportedOperationException("embeddingbag layers are not translated for the TensorFlow SavedModel export yet");
            }

            @Override
            public Operand<TFloat32> lstm(Lstm layer) {
                throw new UnsupportedOperationException("lstm layers are not translated for the TensorFlow SavedModel export yet");
            }

            @Override
            public Operand<TFloat32> layerNorm(LayerNorm layer) {
                throw new UnsupportedOperationException("layernorm layers are not translated for the TensorFlow SavedModel export yet");
            }

            @Override
            public Operand<TFloat32> gelu(Gelu layer) {
                throw new UnsupportedOperationException("gelu layers are not translated for the TensorFlow SavedModel export yet");
            }

            @Override
            public Operand<TFloat32> attention(Attention layer) {
                throw new UnsupportedOperationException("attention layers are not translated for the TensorFlow SavedModel export yet");
            }

            @Override
            public Operand<TFloat32> dot(Dot layer) {
                throw new UnsupportedOperationException("dot layers are not translated for the TensorFlow SavedModel export yet");
            }

            @Override
            public Operand<TFloat32> concat(Concat layer) {
                throw new UnsupportedOperationException("concat layers are not translated for the TensorFlow SavedModel export yet");
            }

            @Override
            public Operand<TFloat32> meanPool(MeanPool layer) {
                throw new UnsupportedOperationException("meanpool layers are not translated for the TensorFlow SavedModel export yet");
            }

            @Override
            public Operand<TFloat32> dense(Dense d) {
                int in = stage.in()[0];
                Operand<TFloat32> w = variable(tf, p + "_weight", weights.transposed(p + ".weight"), in, d.units());
                Operand<TFloat32> b = variable(tf, p + "_bias", weights.get(p + ".bias"), d.units());
                return activate(tf, tf.nn.biasAdd(tf.linalg.matMul(x, w), b), d.activation());
            }

            @Override
            public Operand<TFloat32> conv2d(org.dlbench.core.workload.layer.Conv2d c) {
                int in = stage.in()[0];
                int k = c.kernel();
                Operand<TFloat32> b = variable(tf, p + "_bias", weights.get(p + ".bias"), c.filters());
                List<Long> strides = List.of(1L, (long) c.stride(), (long) c.stride(), 1L);
                long pad = c.padding();
                Operand<TFloat32> conv;
                if (c.groups() == 1) {
                    Operand<TFloat32> w = variable(tf, p + "_weight",
                            hwio(weights.get(p + ".weight"), c.filters(), in, k), k, k, in, c.filters());
                    conv = pad == 0 ? tf.nn.conv2d(x, w, strides, "VALID")
                            : tf.nn.conv2d(x, w, strides, "EXPLICIT",
                                    Conv2d.explicitPaddings(0L, 0L, pad, pad, pad, pad, 0L, 0L));
                } else {
                    // groups == input channels (whyNot rejects the rest): depthwise with multiplier filters / in
                    int multiplier = c.filters() / in;
                    Operand<TFloat32> w = variable(tf, p + "_weight",
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
                Operand<TFloat32> gamma = variable(tf, p + "_gamma", weights.get(p + ".gamma"), ch);
                Operand<TFloat32> beta = variable(tf, p + "_beta", weights.get(p + ".beta"), ch);
                Operand<TFloat32> mean = variable(tf, p + "_running_mean", weights.get(p + ".running_mean"), ch);
                Operand<TFloat32> var = variable(tf, p + "_running_var", weights.get(p + ".running_var"), ch);
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
                return "embedding layers are not translated for the TensorFlow SavedModel export yet";
            }

            @Override
            public String embeddingBag(EmbeddingBag layer) {
                return "embeddingbag layers are not translated for the TensorFlow SavedModel export yet";
            }

            @Override
            public String lstm(Lstm layer) {
                return "lstm layers are not translated for the TensorFlow SavedModel export yet";
            }

            @Override
            public String layerNorm(LayerNorm layer) {
                return "layernorm layers are not translated for the TensorFlow SavedModel export yet";
            }

            @Override
            public String gelu(Gelu layer) {
                return "gelu layers are not translated for the TensorFlow SavedModel export yet";
            }

            @Override
            public String attention(Attention layer) {
                return "attention layers are not translated for the TensorFlow SavedModel export yet";
            }

            @Override
            public String dot(Dot layer) {
                return "dot layers are not translated for the TensorFlow SavedModel export yet";
            }

            @Override
            public String concat(Concat layer) {
                return "concat layers are not translated for the TensorFlow SavedModel export yet";
            }

            @Override
            public String meanPool(MeanPool layer) {
                return "meanpool layers are not translated for the TensorFlow SavedModel export yet";
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

    private static Operand<TFloat32> variable(Ops tf, String name, float[] values, long... shape) {
        return tf.withName(name).variable(tf.constant(Shape.of(shape), DataBuffers.of(values, true, false)));
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
