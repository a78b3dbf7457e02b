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
     */
    Map<String, String> settings();

    /** Logits [batch, classes] for features [batch, input...]; the whole round trip from and to Java arrays. */
    float[] infer(float[] features);

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

    @Override
    void close();
}
