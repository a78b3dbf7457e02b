/**
 * Adapters for the DJL engines that can build and train a model from DJL's own Block API: PyTorch and MXNet.
 * One implementation ({@link org.dlbench.djl.block.DjlBlockAdapter}) turns a workload into a
 * graph block (one DJL child block per stage, joins summed) whose parameters start from the shared weights, and
 * runs it through a
 * {@code Model} / {@code Trainer} of the engine chosen by name; the subclasses only say how each engine takes
 * its thread count, which natives it ships and how to wait for it to finish.
 */
package org.dlbench.djl.block;
