package org.dlbench.core.run;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.dlbench.core.adapter.Mode;
import org.dlbench.core.adapter.NoJvmEngines;
import org.dlbench.core.result.CellKey;
import org.dlbench.core.workload.Workload;

/** Plans a run: which engines take part and which cells (engine x workload x mode x batch x threads) it holds. */
final class CellPlan {
    private CellPlan() {
    }

    /** One cell to run, with the workload argument its child resolves, or why its engine cannot run it. */
    record Planned(CellKey key, String workloadArg, String unsupportedReason) {
    }

    static List<String> selectEngines(RunOptions options, Map<String, EngineFamily> familyOf) {
        List<String> known = new ArrayList<>(familyOf.keySet());
        NoJvmEngines.all().keySet().forEach(e -> {
            if (!known.contains(e)) {
                known.add(e);
            }
        });
        if (options.engines().isEmpty()) {
            return known;
        }
        List<String> chosen = new ArrayList<>();
        for (String wanted : options.engines()) {
            String match = known.stream().filter(e -> e.equalsIgnoreCase(wanted)).findFirst()
                    .orElseThrow(() -> new Orchestrator.UsageException("unknown engine '" + wanted + "' (available: "
                            + String.join(", ", familyOf.keySet()) + "; listed without a JVM runtime: "
                            + String.join(", ", NoJvmEngines.all().keySet()) + ")"));
            if (!chosen.contains(match)) {
                chosen.add(match);
            }
        }
        return chosen;
    }

    static List<Planned> plan(RunOptions options, List<String> engines, List<DescribeRequest.Answer> answers) {
        List<Planned> plan = new ArrayList<>();
        for (int w = 0; w < options.workloads().size(); w++) {
            Workload workload = options.workloads().get(w);
            List<Integer> batches = options.batches().isEmpty() ? workload.defaultBatchSizes() : options.batches();
            for (String engine : engines) {
                for (Mode mode : options.modes()) {
                    DescribeRequest.Answer a = answers.stream().filter(x -> x.engine().equals(engine)
                            && x.workload().equals(workload.name()) && x.mode().equals(mode.id())).findFirst()
                            .orElse(null);
                    String reason = a == null ? "engine did not answer for this workload"
                            : a.supported() ? null : a.reason();
                    for (int batch : mode == Mode.SERVER ? List.of(1) : batches) {
                        for (int threads : options.threads()) {
                            CellKey key = new CellKey(engine, workload.name(), mode.id(), batch, threads,
                                    options.device().toString());
                            plan.add(new Planned(key, options.workloadArgs().get(w), reason));
                        }
                    }
                }
            }
        }
        return plan;
    }

}
