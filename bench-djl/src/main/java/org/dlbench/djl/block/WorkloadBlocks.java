package org.dlbench.djl.block;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.initializer.Initializer;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import org.dlbench.core.data.Weights;
import org.dlbench.core.workload.layer.Add;
import org.dlbench.core.workload.layer.AvgPool2d;
import org.dlbench.core.workload.layer.BatchNorm;
import org.dlbench.core.workload.layer.Dense;
import org.dlbench.core.workload.layer.Flatten;
import org.dlbench.core.workload.layer.GlobalAvgPool;
import org.dlbench.core.workload.layer.Layer;
import org.dlbench.core.workload.layer.MaxPool2d;
import org.dlbench.core.workload.ParamSpec;
import org.dlbench.core.workload.Stage;
import org.dlbench.core.workload.Workload;

/** Builds a workload as a DJL {@link SequentialBlock}; pure Java, no engine is touched until initialisation. */
final class WorkloadBlocks {
    private WorkloadBlocks() {
    }

    /**
     * The block for a workload, each parameter set to start from the shared weights. {@code loaded} collects the
     * canonical names as the engine initialises them, so the caller can check that nothing was left at DJL's default;
     * {@code bound} receives each block parameter under its canonical name, for reading the values back.
     */
    static SequentialBlock build(Workload workload, Weights weights, Set<String> loaded, Map<String, Parameter> bound) {
        SequentialBlock seq = new SequentialBlock();
        for (Stage stage : workload.stages()) {
            stage.layer().accept(new Layer.Visitor<Void>() {
                @Override
                public Void dense(Dense d) {
                    seq.add(bind(Linear.builder().setUnits(d.units()).build(), stage, weights, loaded, bound));
                    addActivation(seq, d.activation());
                    return null;
                }

                @Override
                public Void conv2d(org.dlbench.core.workload.layer.Conv2d c) {
                    Block conv = Conv2d.builder()
                            .setFilters(c.filters())
                            .setKernelShape(square(c.kernel()))
                            .optStride(square(c.stride()))
                            .optPadding(square(c.padding()))
                            .optGroups(c.groups())
                            .build();
                    seq.add(bind(conv, stage, weights, loaded, bound));
                    addActivation(seq, c.activation());
                    return null;
                }

                @Override
                public Void maxPool2d(MaxPool2d p) {
                    // no padding, floor rounding: the workload's own output-size rule
                    seq.add(Pool.maxPool2dBlock(square(p.kernel()), square(p.stride()), square(0), false));
                    return null;
                }

                @Override
                public Void avgPool2d(AvgPool2d p) {
                    seq.add(Pool.avgPool2dBlock(square(p.kernel()), square(p.stride()), square(0), false));
                    return null;
                }

                @Override
                public Void flatten(Flatten f) {
                    // NCHW row-major flatten keeps C, H, W order, as the workload defines it
                    seq.add(Blocks.batchFlattenBlock());
                    return null;
                }

                @Override
                public Void globalAvgPool(GlobalAvgPool g) {
                    throw new UnsupportedOperationException(whyNot(stage));
                }

                @Override
                public Void batchNorm(BatchNorm b) {
                    throw new UnsupportedOperationException(whyNot(stage));
                }

                @Override
                public Void add(Add a) {
                    throw new UnsupportedOperationException(whyNot(stage));
                }
            });
        }
        return seq;
    }

    /** Why this translation cannot build a stage yet, or null when it can (see {@link #build}). */
    static String whyNot(Stage stage) {
        return stage.layer().accept(new Layer.Visitor<String>() {
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
                return "not translated to a DJL block yet";
            }

            @Override
            public String batchNorm(BatchNorm b) {
                return "not translated to a DJL block yet";
            }

            @Override
            public String add(Add a) {
                return "not translated to a DJL block yet (a residual join needs a graph block)";
            }
        });
    }

    /** Shape of the model input with the batch dimension first. */
    static Shape inputShape(Workload workload, int batch) {
        long[] dims = new long[workload.inputShape().length + 1];
        dims[0] = batch;
        int[] sample = workload.inputShape();
        for (int i = 0; i < sample.length; i++) {
            dims[i + 1] = sample[i];
        }
        return new Shape(dims);
    }

    private static void addActivation(SequentialBlock seq, org.dlbench.core.workload.layer.Activation a) {
        switch (a) {
            case NONE -> { }
            case RELU -> seq.add(Activation.reluBlock());
            case RELU6 -> seq.add(Activation.relu6Block());
            case TANH -> seq.add(Activation.tanhBlock());
            case SIGMOID -> seq.add(Activation.sigmoidBlock());
        }
    }

    private static Shape square(int n) {
        return new Shape(n, n);
    }

    /** Points the block's "weight" and "bias" at the stage's canonical tensors. */
    private static Block bind(Block block, Stage stage, Weights weights, Set<String> loaded,
                              Map<String, Parameter> bound) {
        for (ParamSpec spec : stage.params()) {
            String local = spec.name().substring(spec.name().lastIndexOf('.') + 1);
            Parameter p = block.getParameters().get(local);
            if (p == null) {
                throw new IllegalStateException("DJL block " + block.getClass().getSimpleName() + " has no parameter '"
                        + local + "' for " + spec.name() + " (has " + block.getParameters().keys() + ")");
            }
            p.setInitializer(new SharedWeight(spec, weights, loaded));
            bound.put(spec.name(), p);
        }
        return block;
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
