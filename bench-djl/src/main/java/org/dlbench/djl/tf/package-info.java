/**
 * The TensorFlow adapter: DJL's TensorFlow engine (TensorFlow 2.16.1 through TF Java 1.0.0-rc.1), inference only and
 * CPU only.
 *
 * <p>No model zoo is reachable offline, so the adapter exports each workload itself as a SavedModel with the TF Java
 * Ops API ({@link org.dlbench.djl.tf.SavedModelExport}), caches it outside the source tree, and loads it with a DJL
 * {@code Criteria} that names the engine explicitly. The natives come from the Maven Central jar
 * {@code tensorflow-core-native:linux-x86_64}, unpacked by the build ({@link org.dlbench.djl.tf.TfNatives}).
 * Threads: intra-op = the requested count, inter-op = 1, applied before the engine starts because TensorFlow fixes
 * its CPU thread pool at the first session in a process. Variants ({@code default}, {@code onednn-on},
 * {@code onednn-off}) set {@code TF_ENABLE_ONEDNN_OPTS} in the cell's environment; the session reads TensorFlow's
 * decision back from {@code tensorflow::IsMklEnabled()} in the loaded library ({@code tf_onednn_enabled}).
 */
package org.dlbench.djl.tf;
