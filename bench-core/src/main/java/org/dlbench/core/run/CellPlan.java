package org.dlbench.core.run;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.dlbench.core.adapter.Mode;
import org.dlbench.core.adapter.NoJvmEngines;
import org.dlbench.core.result.CellKey;
import org.dlbench.core.variant.VariantRecord;
import org.dlbench.core.variant.VariantSelection;
import org.dlbench.core.workload.Workload;

/** Plans a run: which engines take part and which cells (engine x workload x mode x batch x threads) it holds. */
final class CellPlan {
    private CellPlan() {
    }

    /**
     * One cell to run, with the workload argument its child resolves, or why its engine cannot run it; {@code choice}
     * is the engine variant it measures (null for an engine without a JVM runtime).
     */
    record Planned(CellKey key, String workloadArg, String unsupportedReason, VariantSelection.Choice choice) {
        Planned(CellKey key, String workloadArg, String unsupportedReason) {
            this(key, workloadArg, unsupportedReason, null);
        }

        /** The variant's record for the result (null without a variant). */
        VariantRecord variantRecord() {
            return choice == null ? null : choice.record();
        }
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

    /** A plan without variants (every engine as it comes, the variant left unrecorded). */
    static List<Planned> plan(RunOptions options, List<String> engines, List<DescribeRequest.Answer> answers) {
        return plan(options, engines, answers, Map.of());
    }

    /**
     * The cells: workload x engine x its chosen variants x mode x batch x threads x instances. An engine missing from
     * {@code variants} (one without a JVM runtime) gets one cell per coordinate without a variant; a variant the host
     * cannot run gets unsupported cells with its reason. More than one instance is measured for inference only: the
     * other modes run one instance when 1 is among the counts, else their cells say why not.
     */
    static List<Planned> plan(RunOptions options, List<String> engines, List<DescribeRequest.Answer> answers,
                              Map<String, List<VariantSelection.Choice>> variants) {
        List<Planned> plan = new ArrayList<>();
        for (int w = 0; w < options.workloads().size(); w++) {
            Workload workload = options.workloads().get(w);
            List<Integer> batches = options.batches().isEmpty() ? workload.defaultBatchSizes() : options.batches();
            for (String engine : engines) {
                List<VariantSelection.Choice> choices = new ArrayList<>(variants.getOrDefault(engine, List.of()));
                if (choices.isEmpty()) {
                    choices.add(null);
                }
                for (VariantSelection.Choice choice : choices) {
                    for (Mode mode : options.modes()) {
                        DescribeRequest.Answer a = answers.stream().filter(x -> x.engine().equals(engine)
                                && x.workload().equals(workload.name()) && x.mode().equals(mode.id())).findFirst()
                                .orElse(null);
                        String reason = a == null ? "engine did not answer for this workload"
                                : a.supported() ? null : a.reason();
                        if (reason == null && choice != null && !choice.runnable()) {
                            reason = "variant " + choice.variant().name() + ": " + choice.unsupportedReason();
                        }
                        List<Integer> instances = options.instances();
                        if (mode != Mode.INFER && instances.contains(1)) {
                            instances = List.of(1);
                        }
                        for (int batch : mode == Mode.SERVER ? List.of(1) : batches) {
                            for (int threads : options.threads()) {
                                for (int k : instances) {
                                    String why = reason;
                                    if (why == null && k > 1 && mode != Mode.INFER) {
                                        why = k + " instances: concurrent instances are measured for inference only";
                                    }
                                    CellKey key = new CellKey(engine, workload.name(), mode.id(), batch, threads,
                                            options.device().toString(),
                                            choice == null ? null : choice.variant().name(), k);
                                    plan.add(new Planned(key, options.workloadArgs().get(w), why, choice));
                                }
                            }
                        }
                    }
                }
            }
        }
        return plan;
    }

}
