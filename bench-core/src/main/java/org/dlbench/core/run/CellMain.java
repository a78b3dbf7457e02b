package org.dlbench.core.run;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.dlbench.core.adapter.Adapters;
import org.dlbench.core.adapter.Device;
import org.dlbench.core.adapter.EngineAdapter;
import org.dlbench.core.adapter.Mode;
import org.dlbench.core.adapter.Session;
import org.dlbench.core.adapter.SessionSpec;
import org.dlbench.core.adapter.Support;
import org.dlbench.core.data.Weights;
import org.dlbench.core.result.CellResult;
import org.dlbench.core.result.Check;
import org.dlbench.core.result.ResultsIO;
import org.dlbench.core.result.Status;
import org.dlbench.core.workload.Workload;
import org.dlbench.core.workload.Workloads;

/**
 * Entry point of a child JVM, started by the {@link Orchestrator} with an engine module's classpath.
 * {@code describe REQUEST OUT} lists the engines and their support; {@code cell REQUEST OUT} measures one cell.
 * Either writes its answer to OUT; an error in the engine becomes a {@code failed} result, not a lost one.
 */
public final class CellMain {
    private CellMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: CellMain describe|cell REQUEST.json OUT.json");
            System.exit(2);
        }
        Path request = Path.of(args[1]);
        Path out = Path.of(args[2]);
        switch (args[0]) {
            case "describe" -> describe(ResultsIO.JSON.readValue(request.toFile(), DescribeRequest.class), out);
            case "cell" -> {
                CellRequest req = ResultsIO.JSON.readValue(request.toFile(), CellRequest.class);
                ResultsIO.writeAtomically(out, ResultsIO.JSON.writeValueAsBytes(measure(req)));
            }
            default -> {
                System.err.println("unknown child command " + args[0]);
                System.exit(2);
            }
        }
        // Engines may leave non-daemon native threads behind; the answer is written, so leave now.
        System.exit(0);
    }

    static void describe(DescribeRequest req, Path out) throws Exception {
        Device device = Device.parse(req.device());
        List<DescribeRequest.Answer> answers = new ArrayList<>();
        for (EngineAdapter adapter : Adapters.all()) {
            for (String w : req.workloads()) {
                Workload workload = Workloads.resolve(w);
                for (Mode mode : Mode.values()) {
                    Support s = adapter.supports(workload, mode, device);
                    answers.add(new DescribeRequest.Answer(adapter.name(), workload.name(), mode.id(), s.supported(),
                            s.reason()));
                }
            }
        }
        ResultsIO.writeAtomically(out, ResultsIO.JSON.writeValueAsBytes(answers));
    }

    /** Checks, then measures; every failure on the way is reported in the result. */
    static CellResult measure(CellRequest req) {
        long start = System.nanoTime();
        String version = null;
        Map<String, String> settings = Map.of();
        List<Check> checks = List.of();
        int samplesPerStep = req.batch();
        try {
            Workload workload = Workloads.resolve(req.workload());
            EngineAdapter adapter = Adapters.byName(req.engine());
            Mode mode = Mode.parse(req.mode());
            Device device = Device.parse(req.device());
            Support support = adapter.supports(workload, mode, device);
            if (!support.supported()) {
                return CellResult.unsupported(req.key(), support.reason());
            }
            Weights weights = Weights.initial(workload);
            System.out.println("[dlbench] checking " + req.key());
            try (Session session = adapter.open(
                    new SessionSpec(workload, weights, req.batch(), req.threads(), device, mode))) {
                version = session.engineVersion();
                settings = session.settings();
                samplesPerStep = session.samplesPerStep(req.batch());
                checks = CorrectnessChecks.all(session, workload, weights, req.batch(), mode);
            }
            for (Check c : checks) {
                System.out.println("[dlbench] check " + c.name() + ": " + (c.passed() ? "passed" : "FAILED")
                        + ", " + c.detail());
            }
            System.out.println("[dlbench] measuring " + req.key());
            JmhCell.Measurement m = JmhCell.run(req, samplesPerStep);
            double flops = mode == Mode.TRAIN ? workload.trainFlopsPerSample(req.batch()) : workload.forwardFlops();
            double seconds = (System.nanoTime() - start) / 1e9;
            return new CellResult(req.engine(), version, workload.name(), mode.id(), req.batch(), req.threads(),
                    device.toString(), Status.OK, null, m.score(), m.scoreError(), CellResult.UNIT,
                    m.score() * flops / 1e9, checks, m.samples(), settings, seconds);
        } catch (Throwable e) {
            e.printStackTrace(System.out);
            return CellResult.failed(req.key(), version, describe(e), checks, settings,
                    (System.nanoTime() - start) / 1e9);
        }
    }

    /** The innermost cause, as one line: that is usually what the engine said. */
    static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String msg = root.getMessage() == null ? "" : ": " + root.getMessage().strip().lines().findFirst().orElse("");
        return root.getClass().getSimpleName() + msg;
    }
}
