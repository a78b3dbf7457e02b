/**
 * Deeplearning4j adapters on ND4J's CPU backend.
 *
 * <p>{@code DL4J} is the layer API most DL4J users write: a {@code ComputationGraph} with one layer or vertex per
 * workload node (dense, convolution, depthwise convolution, subsampling, batch normalization, global pooling, element-wise
 * add, embedding, LSTM, merge; the layers DL4J lacks as SameDiff layers in {@link org.dlbench.dl4j.Dl4jLayers}), one
 * graph input per model input, trained with {@code fit()} through a softmax/MCXENT {@code LossLayer} and run with
 * {@code output()} on a twin network without that loss layer, so inference returns logits. {@code DL4J-SameDiff} is
 * DL4J's graph API on the same runtime: one graph with a softmax cross-entropy loss on the logits, run with
 * {@code output()} and trained with {@code calculateGradientsAndOutputs} plus ND4J's SGD updater.
 *
 * <p>Both take their thread count from OMP_NUM_THREADS, which libnd4j and its OpenBLAS read once when ND4J loads;
 * an adapter refuses to open when it differs from the requested thread count.
 */
package org.dlbench.dl4j;
