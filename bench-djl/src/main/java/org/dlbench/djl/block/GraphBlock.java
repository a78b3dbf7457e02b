package org.dlbench.djl.block;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * A workload graph as one DJL block: one child block per stage, run in the workload's topological order, each fed the
 * outputs of the stages it reads (index {@code -1 - k} is model input {@code k}). The block takes one array per model
 * input, in the workload's input order (ids as INT64). A stage without parameters or constants ({@code add},
 * {@code concat}, {@code meanpool}, {@code gelu}) has no child block: its operation runs here. Each stage's activation
 * is applied to its output here, so children hold only the layer. Shapes come from the workload (the stages' sample
 * shapes behind the batch dimension), not from running children.
 */
final class GraphBlock extends AbstractBlock {
    /**
     * One stage: its child block or, for a parameter-free stage, its operation on the arrays it reads; the stages it
     * reads, its activation and its sample shape.
     */
    private record Node(Block block, Function<NDList, NDArray> op, List<Integer> inputs,
                        UnaryOperator<NDArray> activation, int[] out) {
    }

    private final int modelInputs;
    private final List<Node> nodes = new ArrayList<>();

    /** A graph that reads {@code modelInputs} model inputs. */
    GraphBlock(int modelInputs) {
        this.modelInputs = modelInputs;
    }

    /** Adds a stage computed by {@code block} (a child of this block) from the stages {@code inputs}. */
    void addStage(String name, Block block, List<Integer> inputs, UnaryOperator<NDArray> activation, int[] out) {
        checkInputs(inputs);
        nodes.add(new Node(addChildBlock(name, block), null, List.copyOf(inputs), activation, out.clone()));
    }

    /** Adds a parameter-free stage: {@code op} maps the arrays of {@code inputs} (in order) to the stage's output. */
    void addOp(List<Integer> inputs, Function<NDList, NDArray> op, UnaryOperator<NDArray> activation, int[] out) {
        checkInputs(inputs);
        nodes.add(new Node(null, op, List.copyOf(inputs), activation, out.clone()));
    }

    private void checkInputs(List<Integer> inputs) {
        for (int i : inputs) {
            if (i < -modelInputs || i >= nodes.size()) {
                throw new IllegalArgumentException("stage " + nodes.size() + " reads stage " + i
                        + ", which is neither a model input nor before it");
            }
        }
    }

    @Override
    protected NDList forwardInternal(ParameterStore parameterStore, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        if (inputs.size() != modelInputs) {
            throw new IllegalArgumentException("the graph reads " + modelInputs + " model input(s), got "
                    + inputs.size());
        }
        NDArray[] outs = new NDArray[nodes.size()];
        for (int i = 0; i < nodes.size(); i++) {
            Node n = nodes.get(i);
            NDList in = new NDList(n.inputs().size());
            for (int k : n.inputs()) {
                in.add(k < 0 ? inputs.get(-1 - k) : outs[k]);
            }
            NDArray y = n.block() == null ? n.op().apply(in)
                    : n.block().forward(parameterStore, in, training, params).singletonOrThrow();
            outs[i] = n.activation().apply(y);
        }
        return new NDList(outs[nodes.size() - 1]);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        if (nodes.isEmpty()) {
            return inputShapes;
        }
        return new Shape[] {batched(inputShapes[0].get(0), nodes.get(nodes.size() - 1).out())};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        if (inputShapes.length != modelInputs) {
            throw new IllegalArgumentException("the graph reads " + modelInputs + " model input(s), got "
                    + inputShapes.length + " shape(s)");
        }
        long batch = inputShapes[0].get(0);
        for (Node n : nodes) {
            if (n.block() == null) {
                continue;
            }
            Shape[] in = new Shape[n.inputs().size()];
            for (int k = 0; k < in.length; k++) {
                int i = n.inputs().get(k);
                in[k] = i < 0 ? inputShapes[-1 - i] : batched(batch, nodes.get(i).out());
            }
            n.block().initialize(manager, dataType, in);
        }
    }

    /** A sample shape with the batch dimension first. */
    static Shape batched(long batch, int[] sample) {
        long[] dims = new long[sample.length + 1];
        dims[0] = batch;
        for (int i = 0; i < sample.length; i++) {
            dims[i + 1] = sample[i];
        }
        return new Shape(dims);
    }
}
