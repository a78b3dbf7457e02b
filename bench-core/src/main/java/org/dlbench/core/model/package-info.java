/**
 * Where engines that load model files (ONNX, SavedModel, Paddle) keep the files the harness writes for them: one
 * cache root, one key per workload definition and weights.
 */
package org.dlbench.core.model;
