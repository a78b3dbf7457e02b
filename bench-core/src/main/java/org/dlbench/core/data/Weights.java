package org.dlbench.core.data;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.dlbench.core.workload.ParamSpec;
import org.dlbench.core.workload.Workload;

/**
 * The shared initial parameters of a workload, by canonical name ({@code layer<i>.weight}, {@code layer<i>.bias})
 * in canonical layout (dense [out, in], conv [out, in, k, k]). Adapters copy them, transposing where their
 * engine stores a tensor differently.
 */
public final class Weights {
    public static final long DEFAULT_SEED = 42L;

    private final Map<String, float[]> values;
    private final Map<String, ParamSpec> specs;

    private Weights(Map<String, float[]> values, Map<String, ParamSpec> specs) {
        this.values = values;
        this.specs = specs;
    }

    /**
     * Each tensor drawn as its layer's {@link org.dlbench.core.workload.layer.Param.Init} says (He-uniform weights with
     * bound sqrt(6 / fan_in), small uniform biases, batchnorm statistics near their usual values), from its own
     * {@link Random} seeded by the run seed and the tensor's name, so a tensor never depends on the others.
     */
    public static Weights initial(Workload workload, long seed) {
        Map<String, float[]> values = new LinkedHashMap<>();
        Map<String, ParamSpec> specs = new LinkedHashMap<>();
        for (ParamSpec p : workload.params()) {
            Random random = new Random(seed * 1_000_003L + p.name().hashCode());
            float[] data = p.init().draw(p.shape(), random);
            values.put(p.name(), data);
            specs.put(p.name(), p);
        }
        return new Weights(Collections.unmodifiableMap(values), Collections.unmodifiableMap(specs));
    }

    /** Weights given explicitly (for tests and hand-checked examples); every parameter must be present. */
    public static Weights of(Workload workload, Map<String, float[]> given) {
        Map<String, float[]> values = new LinkedHashMap<>();
        Map<String, ParamSpec> specs = new LinkedHashMap<>();
        for (ParamSpec p : workload.params()) {
            float[] v = given.get(p.name());
            if (v == null || v.length != p.size()) {
                throw new IllegalArgumentException(p + " needs " + p.size() + " values, got "
                        + (v == null ? "none" : v.length));
            }
            values.put(p.name(), v.clone());
            specs.put(p.name(), p);
        }
        return new Weights(Collections.unmodifiableMap(values), Collections.unmodifiableMap(specs));
    }

    public static Weights initial(Workload workload) {
        return initial(workload, DEFAULT_SEED);
    }

    /** A defensive copy of one tensor, in canonical layout. */
    public float[] get(String name) {
        float[] v = values.get(name);
        if (v == null) {
            throw new IllegalArgumentException("no parameter " + name + " (have " + values.keySet() + ")");
        }
        return v.clone();
    }

    public ParamSpec spec(String name) {
        return specs.get(name);
    }

    public Iterable<String> names() {
        return values.keySet();
    }

    /** Weight [out, in] transposed to [in, out], for engines that store dense weights that way. */
    public float[] transposed(String name) {
        ParamSpec p = specs.get(name);
        if (p.shape().length != 2) {
            throw new IllegalArgumentException(name + " is not a matrix");
        }
        int rows = p.shape()[0];
        int cols = p.shape()[1];
        float[] src = values.get(name);
        float[] out = new float[src.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                out[c * rows + r] = src[r * cols + c];
            }
        }
        return out;
    }
}
