package org.dlbench.djl.block;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.initializer.Initializer;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.dlbench.core.data.Weights;
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
import org.dlbench.core.workload.ParamSpec;
import org.dlbench.core.workload.Stage;
import org.dlbench.core.workload.Workload;

/**
 * Builds a workload as a DJL {@link GraphBlock}, one child block per stage; pure Java, no engine is touched until
 * initialisation. Every layer type translates (see {@link #whyNot}); both DJL engines run and train all of them.
 * Model inputs are fed in input order, float inputs as FLOAT32 and ids as INT64.
 */
final class WorkloadBlocks {
    private static final org.dlbench.core.workload.layer.Activation NONE =
            org.dlbench.core.workload.layer.Activation.NONE;

    private WorkloadBlocks() {
    }

    /**
     * The block for a workload, each parameter set to start from the shared weights. {@code loaded} collects the
     * canonical names as the engine initialises them, so the caller can check that nothing was left at DJL's default;
     * {@code bound} receives each block parameter under its canonical name, for reading the values back.
     */
    static GraphBlock build(Workload workload, Weights weights, Set<String> loaded, Map<String, Parameter> bound) {
        GraphBlock graph = new GraphBlock(workload.inputs().size());
        for (Stage stage : workload.stages()) {
            stage.layer().accept(new Layer.Visitor<Void>() {
                @Override
                public Void embedding(Embedding layer) {
                    return add(new SequenceBlocks.EmbeddingBlock(layer.vocabulary(), layer.dim(),
                            layer.positional() ? stage.in()[0] : 0, stage.out()), NONE);
                }

                @Override
                public Void embeddingBag(EmbeddingBag layer) {
                    return add(new SequenceBlocks.EmbeddingBagBlock(layer, stage.in(), stage.out()), NONE);
                }

                @Override
                public Void lstm(Lstm layer) {
                    return add(new SequenceBlocks.LstmBlock(stage.name(), layer, stage.out()), NONE);
                }

                @Override
                public Void layerNorm(LayerNorm layer) {
                    // over the last axis only (DJL's default normalises every non-batch axis); the batched axis
                    // index of the sample's last axis is the sample's rank
                    return add(ai.djl.nn.norm.LayerNorm.builder()
                            .axis(stage.in().length)
                            .optEpsilon(layer.epsilon().floatValue())
                            .build(), NONE);
                }

                @Override
                public Void gelu(Gelu layer) {
                    // erf form on both engines (LibTorch gelu, MXNet LeakyReLU act_type gelu)
                    graph.addOp(stage.inputs(), in -> Activation.gelu(in.singletonOrThrow()), x -> x, stage.out());
                    return null;
                }

                @Override
                public Void attention(Attention layer) {
                    return add(new SequenceBlocks.AttentionBlock(layer, stage.in()), NONE);
                }

                @Override
                public Void dot(Dot layer) {
                    return add(new SequenceBlocks.DotBlock(layer, stage.ins(), stage.out()), NONE);
                }

                @Override
                public Void concat(Concat layer) {
                    int axis = layer.axis() + 1;
                    graph.addOp(stage.inputs(), in -> NDArrays.concat(in, axis), x -> x, stage.out());
                    return null;
                }

                @Override
                public Void meanPool(MeanPool layer) {
                    graph.addOp(stage.inputs(), in -> in.singletonOrThrow().mean(new int[] {1}), x -> x,
                            stage.out());
                    return null;
                }

                @Override
                public Void dense(Dense d) {
                    return add(Linear.builder().setUnits(d.units()).build(), d.activation());
                }

                @Override
                public Void conv2d(org.dlbench.core.workload.layer.Conv2d c) {
                    return add(Conv2d.builder()
                            .setFilters(c.filters())
                            .setKernelShape(square(c.kernel()))
                            .optStride(square(c.stride()))
                            .optPadding(square(c.padding()))
                            .optGroups(c.groups())
                            .build(), c.activation());
                }

                @Override
                public Void maxPool2d(MaxPool2d p) {
                    // no padding, floor rounding: the workload's own output-size rule
                    return add(Pool.maxPool2dBlock(square(p.kernel()), square(p.stride()), square(0), false),
                            org.dlbench.core.workload.layer.Activation.NONE);
                }

                @Override
                public Void avgPool2d(AvgPool2d p) {
                    return add(Pool.avgPool2dBlock(square(p.kernel()), square(p.stride()), square(0), false),
                            org.dlbench.core.workload.layer.Activation.NONE);
                }

                @Override
                public Void flatten(Flatten f) {
                    // NCHW row-major flatten keeps C, H, W order, as the workload defines it
                    return add(Blocks.batchFlattenBlock(), org.dlbench.core.workload.layer.Activation.NONE);
                }

                @Override
                public Void globalAvgPool(GlobalAvgPool g) {
                    // [N, C, H, W] to [N, C]
                    return add(Pool.globalAvgPool2dBlock(), org.dlbench.core.workload.layer.Activation.NONE);
                }

                @Override
                public Void batchNorm(BatchNorm b) {
                    // DJL's momentum is the fraction of the running statistics kept (MXNet's convention; DJL passes
                    // 1 - momentum to PyTorch); the layer's momentum is the weight of the new batch
                    return add(ai.djl.nn.norm.BatchNorm.builder()
                            .optAxis(1)
                            .optEpsilon(b.epsilon().floatValue())
                            .optMomentum((float) (1.0 - b.momentum()))
                            .build(), b.activation());
                }

                @Override
                public Void add(Add a) {
                    graph.addOp(stage.inputs(), WorkloadBlocks::sum, activation(a.activation()), stage.out());
                    return null;
                }

                private Void add(Block block, org.dlbench.core.workload.layer.Activation activation) {
                    graph.addStage(stage.name(), bind(block, stage, weights, loaded, bound), stage.inputs(),
                            activation(activation), stage.out());
                    return null;
                }
            });
        }
        return graph;
    }

    /** Why this translation cannot build a stage, or null when it can (see {@link #build}): every layer builds. */
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
            public String conv2d(org.dlbench.core.workload.layer.Conv2d c) {
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

    /** Shapes of the model inputs, in input order, with the batch dimension first. */
    static Shape[] inputShapes(Workload workload, int batch) {
        return workload.inputs().stream().map(in -> GraphBlock.batched(batch, in.shape())).toArray(Shape[]::new);
    }

    /** The element sum of a join's inputs. */
    private static NDArray sum(NDList in) {
        NDArray y = in.get(0);
        for (int k = 1; k < in.size(); k++) {
            y = y.add(in.get(k));
        }
        return y;
    }

    private static UnaryOperator<NDArray> activation(org.dlbench.core.workload.layer.Activation a) {
        return switch (a) {
            case NONE -> x -> x;
            case RELU -> Activation::relu;
            case RELU6 -> Activation::relu6;
            case TANH -> Activation::tanh;
            case SIGMOID -> Activation::sigmoid;
        };
    }

    private static Shape square(int n) {
        return new Shape(n, n);
    }

    /**
     * Points each of the block's parameters at the stage's canonical tensor of the same role: DJL's own blocks
     * (Linear, Conv2d, BatchNorm, LayerNorm) by their parameter names, this module's blocks by role
     * ({@link SequenceBlocks.Canonical}; parameters outside the canonical set, such as the LSTM's frozen second bias,
     * are set up by the block itself).
     */
    private static Block bind(Block block, Stage stage, Weights weights, Set<String> loaded,
                              Map<String, Parameter> bound) {
        Map<String, Parameter> byRole;
        if (block instanceof SequenceBlocks.Canonical c) {
            byRole = c.canonical();
        } else {
            byRole = new java.util.LinkedHashMap<>();
            for (ParamSpec spec : stage.params()) {
                Parameter p = block.getParameters().get(djlName(spec.role()));
                if (p != null) {
                    byRole.put(spec.role(), p);
                }
            }
            if (block.getParameters().size() != stage.params().size()) {
                throw new IllegalStateException("DJL block " + block.getClass().getSimpleName() + " for "
                        + stage.name() + " has parameters " + block.getParameters().keys()
                        + " but the workload gives it " + stage.params());
            }
        }
        for (ParamSpec spec : stage.params()) {
            Parameter p = byRole.get(spec.role());
            if (p == null) {
                throw new IllegalStateException("DJL block " + block.getClass().getSimpleName() + " has no parameter"
                        + " for " + spec.name() + " (has " + byRole.keySet() + ")");
            }
            p.setInitializer(new SharedWeight(spec, weights, loaded));
            bound.put(spec.name(), p);
        }
        if (byRole.size() != stage.params().size()) {
            throw new IllegalStateException("DJL block " + block.getClass().getSimpleName() + " for " + stage.name()
                    + " has parameters " + byRole.keySet() + " but the workload gives it " + stage.params());
        }
        return block;
    }

    /** DJL's name of a parameter role inside one layer block (Linear, Conv2d, BatchNorm). */
    private static String djlName(String role) {
        return switch (role) {
            case "running_mean" -> "runningMean";
            case "running_var" -> "runningVar";
            default -> role; // weight, bias, gamma, beta
        };
    }

    /** Hands the engine the shared tensor, after checking that DJL expects the canonical layout. */
    private record SharedWeight(ParamSpec spec, Weights weights, Set<String> loaded) implements Initializer {
        @Override
        public NDArray initialize(NDManager manager, Shape shape, DataType dataType) {
            Shape canonical = new Shape(Arrays.stream(spec.shape()).asLongStream().toArray());
            if (!shape.equals(canonical)) {
                throw new IllegalStateException(manager.getEngine().getEngineName() + " lays out " + spec.name()
                        + " as " + shape + " but the shared weights are " + canonical);
            }
            if (dataType != DataType.FLOAT32) {
                throw new IllegalStateException(spec.name() + ": expected float32 parameters, engine asked for "
                        + dataType);
            }
            loaded.add(spec.name());
            return manager.create(weights.get(spec.name()), shape);
        }
    }
}
