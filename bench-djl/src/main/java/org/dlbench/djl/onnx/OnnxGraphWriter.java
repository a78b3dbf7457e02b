package org.dlbench.djl.onnx;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
import org.dlbench.djl.onnx.proto.AttributeProto;
import org.dlbench.djl.onnx.proto.GraphProto;
import org.dlbench.djl.onnx.proto.ModelProto;
import org.dlbench.djl.onnx.proto.NodeProto;
import org.dlbench.djl.onnx.proto.OperatorSetIdProto;
import org.dlbench.djl.onnx.proto.StringStringEntryProto;
import org.dlbench.djl.onnx.proto.TensorProto;
import org.dlbench.djl.onnx.proto.TensorShapeProto;
import org.dlbench.djl.onnx.proto.TypeProto;
import org.dlbench.djl.onnx.proto.ValueInfoProto;

/**
 * Writes a workload with its shared weights as an ONNX model: one graph input {@value #INPUT} [N, ...sample shape],
 * one output {@value #OUTPUT} [N, classes] (logits), parameters as float32 initializers under their canonical names.
 * Pure: no engine is touched, so the result can be checked by parsing it back.
 */
public final class OnnxGraphWriter {
    /** IR 8 and opset 13: old enough for any current runtime, new enough for every operator used here. */
    public static final long IR_VERSION = 8;
    public static final long OPSET = 13;
    public static final String INPUT = "input";
    public static final String OUTPUT = "logits";
    /** The symbolic batch dimension, so one file serves every batch size. */
    public static final String BATCH_DIM = "N";
    /** Changes whenever the graph written for the same workload changes; part of the cache key. */
    static final String FORMAT = "dlbench-onnx-2/ir" + IR_VERSION + "/opset" + OPSET;

    /** The file name inside a cached model directory. */
    public static final String FILE_NAME = "model.onnx";

    private OnnxGraphWriter() {
    }

    /**
     * The model file for this workload and these weights in the cache, written first if it is not there yet; a file
     * under the final name is always complete (atomic rename), so it is reused as is.
     */
    public static Path writeCached(ModelCache cache, String engine, Workload workload, Weights weights)
            throws IOException {
        String key = ModelCache.key(FORMAT, workload, weights);
        Path file = cache.directory(engine, workload, key).resolve(FILE_NAME);
        if (!Files.isRegularFile(file)) {
            ModelCache.writeAtomically(file, model(workload, weights, key).toByteArray());
        }
        return file;
    }

    public static ModelProto model(Workload workload, Weights weights, String cacheKey) {
        GraphProto.Builder graph = GraphProto.newBuilder().setName(workload.name());
        graph.addInput(valueInfo(INPUT, workload.inputShape()));
        List<Stage> stages = workload.stages();
        String[] outputs = new String[stages.size()];
        String x = INPUT;
        for (Stage stage : stages) {
            List<String> in = stage.inputs().stream().map(i -> i < 0 ? INPUT : outputs[i]).toList();
            x = addStage(graph, stage, in);
            outputs[stage.index()] = x;
            for (ParamSpec p : stage.params()) {
                graph.addInitializer(floatTensor(p.name(), p.shape(), weights.get(p.name())));
            }
        }
        graph.addOutput(valueInfo(OUTPUT, new int[] {workload.classes()}));
        // the last node writes the graph output directly, so no Identity node sits in the timed path
        renameLastOutput(graph, x, OUTPUT);
        return ModelProto.newBuilder()
                .setIrVersion(IR_VERSION)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .setProducerName("dlbench")
                .setProducerVersion(FORMAT)
                .setDocString(workload.description())
                .setGraph(graph)
                .addMetadataProps(entry("dlbench.workload", workload.name()))
                .addMetadataProps(entry("dlbench.key", cacheKey))
                .build();
    }

    /** Adds the nodes of one stage reading the values {@code in}; returns the name of its output value. */
    private static String addStage(GraphProto.Builder graph, Stage stage, List<String> in) {
        String base = stage.name();
        String x = in.get(0);
        return stage.layer().accept(new Layer.Visitor<String>() {
            @Override
            public String embedding(Embedding layer) {
                return "embedding layers are not translated for the ONNX graph writer yet";
            }

            @Override
            public String embeddingBag(EmbeddingBag layer) {
                return "embeddingbag layers are not translated for the ONNX graph writer yet";
            }

            @Override
            public String lstm(Lstm layer) {
                return "lstm layers are not translated for the ONNX graph writer yet";
            }

            @Override
            public String layerNorm(LayerNorm layer) {
                return "layernorm layers are not translated for the ONNX graph writer yet";
            }

            @Override
            public String gelu(Gelu layer) {
                return "gelu layers are not translated for the ONNX graph writer yet";
            }

            @Override
            public String attention(Attention layer) {
                return "attention layers are not translated for the ONNX graph writer yet";
            }

            @Override
            public String dot(Dot layer) {
                return "dot layers are not translated for the ONNX graph writer yet";
            }

            @Override
            public String concat(Concat layer) {
                return "concat layers are not translated for the ONNX graph writer yet";
            }

            @Override
            public String meanPool(MeanPool layer) {
                return "meanpool layers are not translated for the ONNX graph writer yet";
            }

            @Override
            public String dense(Dense d) {
                // weights stay [out, in] as shared; Gemm transposes B itself
                String y = graph.addNodeBuilder().setName(base).setOpType("Gemm")
                        .addInput(x).addInput(base + ".weight").addInput(base + ".bias").addOutput(base + ".linear")
                        .addAttribute(intAttr("transB", 1))
                        .getOutput(0);
                return activation(graph, base, d.activation(), y);
            }

            @Override
            public String conv2d(Conv2d c) {
                int p = c.padding();
                // weight [filters, in / groups, k, k] is ONNX's own layout for a grouped Conv
                String y = graph.addNodeBuilder().setName(base).setOpType("Conv")
                        .addInput(x).addInput(base + ".weight").addInput(base + ".bias").addOutput(base + ".conv")
                        .addAttribute(intsAttr("kernel_shape", c.kernel(), c.kernel()))
                        .addAttribute(intsAttr("strides", c.stride(), c.stride()))
                        .addAttribute(intsAttr("pads", p, p, p, p))
                        .addAttribute(intAttr("group", c.groups()))
                        .getOutput(0);
                return activation(graph, base, c.activation(), y);
            }

            @Override
            public String maxPool2d(MaxPool2d pool) {
                return poolNode(graph, base, "MaxPool", pool.kernel(), pool.stride(), x);
            }

            @Override
            public String avgPool2d(AvgPool2d pool) {
                return poolNode(graph, base, "AveragePool", pool.kernel(), pool.stride(), x);
            }

            @Override
            public String flatten(Flatten f) {
                // axis 1 keeps the batch and flattens C, H, W row-major, as the shared dense weights expect
                return flattenNode(graph, base, x);
            }

            @Override
            public String globalAvgPool(GlobalAvgPool g) {
                // GlobalAveragePool keeps [N, C, 1, 1]; the workload's output is [N, C]
                String pooled = graph.addNodeBuilder().setName(base).setOpType("GlobalAveragePool").addInput(x)
                        .addOutput(base + ".pool").getOutput(0);
                return flattenNode(graph, base + ".flatten", pooled);
            }

            @Override
            public String batchNorm(BatchNorm b) {
                // inference form: running statistics; works on [N, C, H, W] and on [N, C]
                String y = graph.addNodeBuilder().setName(base).setOpType("BatchNormalization")
                        .addInput(x).addInput(base + ".gamma").addInput(base + ".beta")
                        .addInput(base + ".running_mean").addInput(base + ".running_var").addOutput(base + ".bn")
                        .addAttribute(floatAttr("epsilon", b.epsilon().floatValue()))
                        .getOutput(0);
                return activation(graph, base, b.activation(), y);
            }

            @Override
            public String add(Add a) {
                String sum = x;
                for (int i = 1; i < in.size(); i++) {
                    sum = graph.addNodeBuilder().setName(base + ".add" + i).setOpType("Add").addInput(sum)
                            .addInput(in.get(i)).addOutput(base + ".sum" + i).getOutput(0);
                }
                return activation(graph, base, a.activation(), sum);
            }
        });
    }

    private static String poolNode(GraphProto.Builder graph, String base, String op, int kernel, int stride, String x) {
        return graph.addNodeBuilder().setName(base).setOpType(op).addInput(x).addOutput(base + ".pool")
                .addAttribute(intsAttr("kernel_shape", kernel, kernel))
                .addAttribute(intsAttr("strides", stride, stride))
                .getOutput(0);
    }

    private static String flattenNode(GraphProto.Builder graph, String base, String x) {
        return graph.addNodeBuilder().setName(base).setOpType("Flatten").addInput(x).addOutput(base + ".flat")
                .addAttribute(intAttr("axis", 1))
                .getOutput(0);
    }

    private static String activation(GraphProto.Builder graph, String base, Activation a, String x) {
        String op = switch (a) {
            case NONE -> null;
            case RELU -> "Relu";
            case RELU6 -> "Clip";
            case TANH -> "Tanh";
            case SIGMOID -> "Sigmoid";
        };
        if (op == null) {
            return x;
        }
        if (a == Activation.RELU6) {
            // Clip takes its bounds as inputs from opset 11 on: two scalar initializers per use
            graph.addInitializer(floatTensor(base + ".relu6_min", new int[0], new float[] {0f}));
            graph.addInitializer(floatTensor(base + ".relu6_max", new int[0], new float[] {6f}));
            return graph.addNodeBuilder().setName(base + ".relu6").setOpType(op).addInput(x)
                    .addInput(base + ".relu6_min").addInput(base + ".relu6_max").addOutput(base + ".relu6")
                    .getOutput(0);
        }
        return graph.addNodeBuilder().setName(base + "." + a.jsonName()).setOpType(op).addInput(x)
                .addOutput(base + "." + a.jsonName()).getOutput(0);
    }

    private static void renameLastOutput(GraphProto.Builder graph, String from, String to) {
        NodeProto.Builder last = graph.getNodeBuilder(graph.getNodeCount() - 1);
        if (!last.getOutput(0).equals(from)) {
            throw new IllegalStateException("last node writes " + last.getOutput(0) + ", expected " + from);
        }
        last.setOutput(0, to);
    }

    static TensorProto floatTensor(String name, int[] shape, float[] values) {
        ByteBuffer raw = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        raw.asFloatBuffer().put(values);
        TensorProto.Builder t = TensorProto.newBuilder().setName(name)
                .setDataType(TensorProto.DataType.FLOAT_VALUE)
                .setRawData(ByteString.copyFrom(raw.array()));
        for (int d : shape) {
            t.addDims(d);
        }
        return t.build();
    }

    /** A float tensor value [N, ...sample shape] with the symbolic batch dimension first. */
    private static ValueInfoProto valueInfo(String name, int[] sampleShape) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        shape.addDimBuilder().setDimParam(BATCH_DIM);
        for (int d : sampleShape) {
            shape.addDimBuilder().setDimValue(d);
        }
        return ValueInfoProto.newBuilder().setName(name)
                .setType(TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder()
                        .setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(shape)))
                .build();
    }

    private static AttributeProto intAttr(String name, long value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
    }

    private static AttributeProto floatAttr(String name, float value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT).setF(value).build();
    }

    private static AttributeProto intsAttr(String name, long... values) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long v : values) {
            a.addInts(v);
        }
        return a.build();
    }

    private static StringStringEntryProto entry(String key, String value) {
        return StringStringEntryProto.newBuilder().setKey(key).setValue(value).build();
    }
}
