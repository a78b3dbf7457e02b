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
import java.util.function.UnaryOperator;

/**
 * A workload graph as one DJL block: one child block per stage, run in the workload's topological order, each fed the
 * outputs of the stages it reads (index -1 is the model input). A join stage ({@code add}) has no child block: its
 * inputs are summed here. Each stage's activation is applied to its output here, so children hold only the layer.
 * Shapes come from the workload (the stages' sample shapes behind the batch dimension), not from running children.
 */
final class GraphBlock extends AbstractBlock {
    /** One stage: its child block (null for a sum), the stages it reads, its activation and its sample shape. */
    private record Node(Block block, List<Integer> inputs, UnaryOperator<NDArray> activation, int[] out) {
    }

    private final List<Node> nodes = new ArrayList<>();

    /** Adds a stage computed by {@code block} (a child of this block) from the stages {@code inputs}. */
    void addStage(String name, Block block, List<Integer> inputs, UnaryOperator<NDArray> activation, int[] out) {
        checkInputs(inputs);
        nodes.add(new Node(addChildBlock(name, block), List.copyOf(inputs), activation, out.clone()));
    }

    /** Adds a stage that sums the outputs of {@code inputs} (all of one shape). */
    void addSum(List<Integer> inputs, UnaryOperator<NDArray> activation, int[] out) {
        checkInputs(inputs);
        nodes.add(new Node(null, List.copyOf(inputs), activation, out.clone()));
    }

    private void checkInputs(List<Integer> inputs) {
        for (int i : inputs) {
            if (i < -1 || i >= nodes.size()) {
                throw new IllegalArgumentException("stage " + nodes.size() + " reads stage " + i
                        + ", which is not before it");
            }
        }
    }

    @Override
    protected NDList forwardInternal(ParameterStore parameterStore, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        NDArray[] outs = new NDArray[nodes.size()];
        for (int i = 0; i < nodes.size(); i++) {
            Node n = nodes.get(i);
            NDArray y;
            if (n.block() == null) {
                y = read(outs, x, n.inputs().get(0));
                for (int k = 1; k < n.inputs().size(); k++) {
                    y = y.add(read(outs, x, n.inputs().get(k)));
                }
            } else {
                NDList in = new NDList(n.inputs().size());
                for (int k : n.inputs()) {
                    in.add(read(outs, x, k));
                }
                y = n.block().forward(parameterStore, in, training, params).singletonOrThrow();
            }
            outs[i] = n.activation().apply(y);
        }
        return new NDList(outs[nodes.size() - 1]);
    }

    private static NDArray read(NDArray[] outs, NDArray input, int index) {
        return index < 0 ? input : outs[index];
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
        long batch = inputShapes[0].get(0);
        for (Node n : nodes) {
            if (n.block() == null) {
                continue;
            }
            Shape[] in = new Shape[n.inputs().size()];
            for (int k = 0; k < in.length; k++) {
                int i = n.inputs().get(k);
                in[k] = i < 0 ? inputShapes[0] : batched(batch, nodes.get(i).out());
            }
            n.block().initialize(manager, dataType, in);
        }
    }

    private static Shape batched(long batch, int[] sample) {
        long[] dims = new long[sample.length + 1];
        dims[0] = batch;
        for (int i = 0; i < sample.length; i++) {
            dims[i + 1] = sample[i];
        }
        return new Shape(dims);
    }
}
