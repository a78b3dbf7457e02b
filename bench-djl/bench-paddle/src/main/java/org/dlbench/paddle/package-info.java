/**
 * The PaddlePaddle adapter: PaddlePaddle 2.3.2 (CPU, OpenBLAS) through DJL 0.27's Paddle engine, in its own module
 * and JVM because DJL's last Paddle engine needs DJL 0.27, while the other DJL engines run on a newer DJL.
 * <p>
 * No Paddle model is downloaded: {@link org.dlbench.paddle.ProgramWriter} writes the workload as a Paddle program
 * (protobuf, from a minimal schema with Paddle's own field numbers) and {@link org.dlbench.paddle.ParamsFile} writes
 * the shared weights in Paddle's combined parameter format; {@link org.dlbench.paddle.ModelFiles} caches both by
 * hash. Inference only: the engine has no training API.
 * <p>
 * Variants ({@link org.dlbench.paddle.PaddleAdapter#variants}) are switches only: the {@code dlbench.paddle.*} system
 * properties, read when a session opens; without them a session runs as Paddle ships (IR optimisation on).
 */
package org.dlbench.paddle;
