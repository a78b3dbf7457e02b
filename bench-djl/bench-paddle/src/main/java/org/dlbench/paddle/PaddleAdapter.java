package org.dlbench.paddle;

import org.dlbench.core.adapter.Device;
import org.dlbench.core.adapter.EngineAdapter;
import org.dlbench.core.adapter.Mode;
import org.dlbench.core.adapter.Session;
import org.dlbench.core.adapter.SessionSpec;
import org.dlbench.core.adapter.Support;
import org.dlbench.core.workload.Workload;

/**
 * PaddlePaddle 2.3 through DJL 0.27's Paddle engine, inference only. The harness writes the workload as a Paddle
 * inference model (program + combined parameters) and DJL loads it; nothing is downloaded.
 */
public final class PaddleAdapter implements EngineAdapter {
    /** The DJL engine name, also this adapter's name. */
    public static final String NAME = "PaddlePaddle";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Support supports(Workload workload, Mode mode, Device device) {
        if (mode == Mode.TRAIN) {
            return Support.no("PaddlePaddle through DJL runs inference only");
        }
        if (!device.isCpu()) {
            return Support.no("only paddlepaddle-native-cpu 2.3.2 is on the classpath: DJL's Paddle engine has no CUDA"
                    + " library here, so Paddle cannot reach " + device);
        }
        return Support.forStages(workload, ProgramWriter::whyNot);
    }

    @Override
    public Session open(SessionSpec spec) throws Exception {
        Support support = supports(spec.workload(), spec.mode(), spec.device());
        if (!support.supported()) {
            throw new UnsupportedOperationException(support.reason());
        }
        return new PaddleSession(spec);
    }

    /**
     * The thread count is per predictor (its config's cpu_math_library_num_threads, applied on each run on the
     * calling thread), but it only reaches the OpenBLAS linked into libpaddle_inference, whose pthread pool is one per
     * process.
     */
    @Override
    public org.dlbench.core.adapter.ThreadPoolScope threadPoolScope() {
        return org.dlbench.core.adapter.ThreadPoolScope.process("each predictor sets its own cpu_math_library_num_threads (applied on each run), "
                + "but it sizes the OpenBLAS pthread pool linked into libpaddle_inference, one per process");
    }
}
