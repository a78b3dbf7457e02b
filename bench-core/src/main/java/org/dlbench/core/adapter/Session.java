package org.dlbench.core.adapter;

import java.util.Map;
import org.dlbench.core.data.Batch;

/**
 * A model built by one engine from one workload, ready to run. Holds native resources: close it.
 */
public interface Session extends AutoCloseable {

    /** The engine's own version string, as the engine reports it. */
    String engineVersion();

    /**
     * Settings that shape the numbers and must be recorded with them (thread settings as applied, optimisation
     * switches, library names); keys are short snake_case words.
     *
     * <p><b>Thread settings</b> use standard keys so that {@link org.dlbench.core.result.ThreadFlags} can check
     * them for every engine alike:
     * <ul>
     *   <li>{@code intra_op_threads}: the engine's compute pool (intra-op threads, OpenMP team, libnd4j's
     *       threads per op), {@code inter_op_threads}: its inter-op pool, {@code blas_threads}: a BLAS library's
     *       own pool when the BLAS runs its own threads apart from the engine's (OpenBLAS's pthreads);
     *       {@code workers}: data-parallel workers, when the thread count means workers (then
     *       {@code intra_op_threads} is per worker).</li>
     *   <li>A plain key holds a value <b>read back</b> from the engine or library after it started (for example
     *       LibTorch's {@code get_num_threads}, OpenBLAS's {@code openblas_get_num_threads}); never an echo of the
     *       request.</li>
     *   <li>The same key with the suffix {@code _requested} holds a value that was only <b>requested</b>, because
     *       the engine's API offers no way to read it back (for example ONNX Runtime's intra-op threads).</li>
     *   <li>{@code threads_read_back} lists the keys read back, comma-separated, or says {@code none: reason}.</li>
     *   <li>{@code pool_idle_wait}: what idle pool threads do where two pools take turns, {@code passive} (they
     *       sleep) or {@code spin} (they poll for a while after each call, taking a core).</li>
     * </ul>
     * Engine-specific keys (as the engine names them, e.g. {@code num_threads}, {@code nd4j_omp_threads}) may be
     * recorded as well and follow the same rule: requested-only values end in {@code _requested}.
     */
    Map<String, String> settings();

    /**
     * Logits [batch, classes] for features [batch, input...] of a workload with one float input; the whole round trip
     * from and to Java arrays. A session of a workload with several or integer inputs throws here and answers
     * {@link #infer(Batch)}.
     */
    float[] infer(float[] features);

    /**
     * Logits [batch, classes] for a batch with every model input (the benchmark calls this one). The default feeds the
     * batch's only float input to {@link #infer(float[])}; sessions of workloads with id inputs or several inputs
     * override it.
     */
    default float[] infer(Batch batch) {
        return infer(batch.features());
    }

    /**
     * Samples one benchmark invocation ({@link #infer} or {@link #trainStep}) processes for a session of the given
     * batch size; the runner multiplies invocations/s by it. Only engines whose step covers more than one batch
     * (data-parallel training: one averaging round over several workers' batches) override it.
     */
    default int samplesPerStep(int batch) {
        return batch;
    }

    /** One SGD step on the batch; returns the batch's mean loss before the update. */
    default float trainStep(Batch batch) {
        throw new UnsupportedOperationException("this engine does not train");
    }

    /**
     * The trainable parameters as the engine holds them now, read back from the engine: every parameter of the
     * workload by canonical name ({@code layer<i>.weight}, {@code layer<i>.bias}) in canonical layout (dense
     * [out, in], conv [out, in, k, k]), as fresh arrays. For the data-parallel engine, the parameters a step ends
     * with (the driver's averaged copy). Sessions that train must implement it: the training check compares them
     * with the reference SGD step.
     */
    default Map<String, float[]> parameters() {
        throw new UnsupportedOperationException("this session cannot read its parameters back from the engine");
    }

    /**
     * What the next {@link #trainStep}{@code (batch)} will train on, for a reference to redo it; ask before that
     * step. By default the step is one SGD step on the batch given. A session whose step is something else (a
     * data-parallel averaging round over batches of its own) describes that round here.
     */
    default TrainingRound nextTrainingRound(Batch batch) {
        return TrainingRound.single(batch);
    }

    /**
     * For a session that trains on data of its own rather than the batch it is given (see {@link #nextTrainingRound}):
     * from now on, train only on the first {@code samples} samples of that data (whole steps, at least one), over and
     * over. The training check calls it so that every engine trains on as many distinct samples as the check's own
     * batches hold; a session that trains on the batch given ignores it.
     */
    default void repeatOwnData(int samples) {
    }

    @Override
    void close();
}
