/**
 * Adapters for the DJL engines that can build and train a model from DJL's own Block API: PyTorch and MXNet.
 * One implementation ({@link org.dlbench.djl.block.DjlBlockAdapter}) turns a workload into a
 * graph block (one DJL child block per stage, joins summed) whose parameters start from the shared weights, and
 * runs it through a
 * {@code Model} / {@code Trainer} of the engine chosen by name; the subclasses only say how each engine takes
 * its thread count, which natives it ships and how to wait for it to finish. Workloads may have several model
 * inputs (floats as FLOAT32, ids as INT64, in input order); the sequence and sparse layers DJL has no fitting block for
 * are {@link org.dlbench.djl.block.SequenceBlocks}. Variants: PyTorch {@code default}
 * (and {@code mkldnn-tensors}, declared unavailable), MXNet {@code mkldnn} and {@code mkldnn-off}; what they switch
 * is read back in each session's settings ({@code pytorch_tensor_layout}, {@code mkldnn},
 * {@code mxnet_mkldnn_enabled_env}) through {@link org.dlbench.djl.block.LoadedNatives} and the engines' own APIs.
 */
package org.dlbench.djl.block;
