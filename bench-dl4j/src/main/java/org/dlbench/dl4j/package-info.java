/**
 * Deeplearning4j adapters. {@code DL4J} builds each workload as a {@code MultiLayerNetwork} from DL4J's layer API
 * (dense, convolution and subsampling layers, a softmax/MCXENT loss layer for training) and runs it on ND4J's CPU
 * backend; the thread count comes from OMP_NUM_THREADS, which libnd4j reads once at start-up.
 */
package org.dlbench.dl4j;
