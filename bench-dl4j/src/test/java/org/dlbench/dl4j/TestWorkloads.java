package org.dlbench.dl4j;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.dlbench.core.workload.Training;
import org.dlbench.core.workload.Workload;
import org.dlbench.core.workload.WorkloadSpec;
import org.dlbench.core.workload.Workloads;

/** Built-in workloads by name, and the extra ones under {@code src/test/resources/workloads}. */
final class TestWorkloads {
    /** Custom workloads covering what the built-ins do not: strides, padding, average pooling, tanh, sigmoid. */
    static final String[] CUSTOM = {"strided", "pool-first", "flat-image"};

    private TestWorkloads() {
    }

    /** The same workload with another learning rate. */
    static Workload withLearningRate(String name, double learningRate) {
        WorkloadSpec s = load(name).spec();
        return Workload.of(new WorkloadSpec(s.name(), s.description(), s.input(), s.inputType(), s.classes(), s.nodes(),
                s.batchSizes(), new Training(s.training().optimizer(), learningRate, s.training().loss())));
    }

    static Workload load(String name) {
        if (Workloads.builtInNames().contains(name)) {
            return Workloads.resolve(name);
        }
        try (InputStream in = TestWorkloads.class.getResourceAsStream("/workloads/" + name + ".json")) {
            if (in == null) {
                throw new IllegalArgumentException("no test workload " + name);
            }
            return Workloads.parse(in.readAllBytes(), "test workload " + name);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
