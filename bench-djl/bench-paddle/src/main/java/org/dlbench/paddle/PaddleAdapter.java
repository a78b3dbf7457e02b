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
}
