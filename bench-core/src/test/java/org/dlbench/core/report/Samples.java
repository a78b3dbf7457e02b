package org.dlbench.core.report;

import java.util.ArrayList;
import java.util.List;
import org.dlbench.core.compare.Fixtures;
import org.dlbench.core.result.CellResult;
import org.dlbench.core.result.Host;
import org.dlbench.core.result.Profile;
import org.dlbench.core.result.RunResult;

/** A plausible run with several engines, workloads, batch sizes and thread counts (made-up numbers). */
final class Samples {
    private Samples() {
    }

    static RunResult run(String id, double speed) {
        return run(id, speed, Fixtures.HOST, Profile.QUICK);
    }

    /** {@code speed} scales every engine's throughput, so two such runs compare as faster or slower. */
    static RunResult run(String id, double speed, Host host, Profile profile) {
        List<CellResult> cells = new ArrayList<>();
        String[][] engines = {{"PyTorch", "2.7.1", "1.0"}, {"DL4J", "1.0.0-M2.1", "0.55"}, {"TensorFlow", "2.16.1", "0.8"}};
        for (String[] e : engines) {
            for (String workload : List.of("mlp", "lenet")) {
                for (String mode : List.of("infer", "train")) {
                    if (e[0].equals("TensorFlow") && mode.equals("train")) {
                        cells.add(Fixtures.unsupported(e[0], workload, mode, 32, 1));
                        continue;
                    }
                    for (int batch : List.of(1, 32, 128)) {
                        for (int threads : List.of(1, 2)) {
                            if (threads == 2 && batch != 32) {
                                continue;
                            }
                            double base = (workload.equals("mlp") ? 150_000 : 9_000) * (mode.equals("infer") ? 1 : 0.2)
                                    * Double.parseDouble(e[2]) * (batch == 1 ? 0.15 : batch == 32 ? 1 : 1.2)
                                    * (threads == 2 ? 1.7 : 1) * (e[0].equals("PyTorch") ? speed : 1);
                            double[] s = new double[5];
                            for (int i = 0; i < s.length; i++) {
                                s[i] = base * (1 + 0.01 * ((i * 7 + batch + threads) % 5 - 2));
                            }
                            CellResult c = Fixtures.ok(e[0], e[1], workload, mode, batch, threads, s);
                            cells.add(e[0].equals("DL4J") ? c : Fixtures.djl(c, "0.36.0"));
                        }
                    }
                }
            }
        }
        cells.add(Fixtures.failed("DL4J", "lenet", "train", 128, 2, "child JVM ran out of memory"));
        return Fixtures.run(id, host, profile, cells.toArray(new CellResult[0]));
    }
}
