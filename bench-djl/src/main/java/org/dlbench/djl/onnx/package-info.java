/**
 * ONNX Runtime adapter (inference only) through DJL's {@code OnnxRuntime} engine.
 *
 * <p>The harness writes each workload as an ONNX model itself: {@link org.dlbench.djl.onnx.OnnxGraphWriter} builds
 * the graph (Gemm with transB for dense layers, Conv, MaxPool, AveragePool, Flatten, Relu/Tanh/Sigmoid; Gather,
 * LSTM, LayerNormalization, Erf, MatMul/Softmax and Reduce* for the sequence and sparse layers; IR 8, opset 17,
 * symbolic batch dimension, one graph input per model input with ids as int64) from the workload definition and the
 * shared weights with protobuf classes generated from {@code src/main/proto/onnx_min.proto}, which uses ONNX's own
 * field numbers; parameters above 1 GiB go to an external-data side file.
 * {@link org.dlbench.djl.onnx.ModelCache} keeps the files outside the source tree, keyed by a hash of definition and
 * weights. Sessions run with intra-op threads as requested, one inter-op thread, sequential execution and a recorded
 * optimisation level; ORT runs without DJL's helper engine, so no PyTorch or MXNet natives load next to it.
 * Variants ({@code opt-all} as shipped, {@code opt-all-nospin}, {@code opt-extended}, {@code opt-basic},
 * {@code opt-none}) set {@code dlbench.ort.opt_level} and {@code dlbench.ort.allow_spinning}; spinning is read back
 * from the session's config entries and the level shows in the optimised graph ORT writes
 * ({@link org.dlbench.djl.onnx.OptimizedGraph}: {@code ort_optimized_nodes}, {@code ort_optimized_ops}).
 */
package org.dlbench.djl.onnx;
