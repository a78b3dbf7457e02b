package org.dlbench.core.reference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.dlbench.core.data.Batch;
import org.dlbench.core.data.SyntheticData;
import org.dlbench.core.data.Weights;
import org.dlbench.core.workload.Workload;
import org.dlbench.core.workload.Workloads;
import org.junit.jupiter.api.Test;

/** The reference maths on inputs small enough to check by hand. */
class ReferenceModelTest {

    private static Workload parse(String json) {
        return Workloads.parse(json.getBytes(StandardCharsets.UTF_8), "test");
    }

    @Test
    void denseComputesXWTransposePlusBiasThenActivation() {
        Workload w = parse("""
                {"name":"d","input":[2],"classes":2,"layers":[{"type":"dense","units":2,"activation":"relu"},
                 {"type":"dense","units":2}]}""");
        Weights weights = Weights.of(w, Map.of(
                "layer0.weight", new float[] {1, 2, -3, 4}, // [out, in]
                "layer0.bias", new float[] {0.5f, -20f},
                "layer1.weight", new float[] {1, 0, 0, 1},
                "layer1.bias", new float[] {0, 1}));
        float[] y = new ReferenceModel(w, weights).forward(new float[] {1, 1, 2, -1}, 2);
        // sample 0: [1*1+2*1+0.5, relu(-3+4-20)=0] = [3.5, 0] -> +[0,1]
        // sample 1: [2-2+0.5, relu(-6-4-20)=0] = [0.5, 0] -> +[0,1]
        assertArrayEquals(new float[] {3.5f, 1f, 0.5f, 1f}, y, 1e-6f);
    }

    @Test
    void convPadsStridesAndPoolsInChwOrder() {
        Workload w = parse("""
                {"name":"c","input":[1,3,3],"classes":2,"layers":[
                 {"type":"conv2d","filters":1,"kernel":2,"stride":1,"padding":0},
                 {"type":"maxpool2d","kernel":2,"stride":1},
                 {"type":"flatten"},{"type":"dense","units":2}]}""");
        Weights weights = Weights.of(w, Map.of(
                "layer0.weight", new float[] {1, 0, 0, 1}, // x[i,j] + x[i+1,j+1]
                "layer0.bias", new float[] {10},
                "layer3.weight", new float[] {1, -1},
                "layer3.bias", new float[] {0, 0}));
        float[] x = {1, 2, 3, 4, 5, 6, 7, 8, 9};
        // conv: [[1+5, 2+6], [4+8, 5+9]] + 10 = [[16, 18], [22, 24]]; maxpool 2x2 -> 24
        float[] y = new ReferenceModel(w, weights).forward(x, 1);
        assertArrayEquals(new float[] {24, -24}, y, 1e-6f);
    }

    @Test
    void avgPoolAveragesAndPaddingAddsZeros() {
        Workload w = parse("""
                {"name":"p","input":[1,2,2],"classes":2,"layers":[
                 {"type":"conv2d","filters":1,"kernel":1,"padding":1},
                 {"type":"avgpool2d","kernel":2,"stride":2},
                 {"type":"flatten"},{"type":"dense","units":2}]}""");
        Weights weights = Weights.of(w, Map.of(
                "layer0.weight", new float[] {1}, "layer0.bias", new float[] {0},
                "layer3.weight", new float[] {1, 1, 1, 1, 0, 0, 0, 0}, "layer3.bias", new float[] {0, 0}));
        // padded 4x4 with the 2x2 input in the middle; each 2x2 window holds one input value and three zeros
        float[] y = new ReferenceModel(w, weights).forward(new float[] {4, 8, 12, 16}, 1);
        assertArrayEquals(new float[] {(4 + 8 + 12 + 16) / 4f, 0}, y, 1e-6f);
    }

    @Test
    void crossEntropyAndAccuracyOnKnownValues() {
        float[] logits = {0, 0, 10, 0};
        int[] labels = {1, 0};
        assertEquals((Math.log(2) + Math.log(1 + Math.exp(-10))) / 2, Metrics.crossEntropy(logits, labels, 2), 1e-9);
        assertEquals(0.5, Metrics.accuracy(logits, labels, 2), 1e-12);
    }

    @Test
    void toleranceAcceptsRoundingAndRejectsRealErrors() {
        float[] ref = {1f, 100f, -3f};
        assertTrue(Tolerance.DEFAULT.compare(new float[] {1.00005f, 100.05f, -3.0001f}, ref).passed());
        assertFalse(Tolerance.DEFAULT.compare(new float[] {1.01f, 100f, -3f}, ref).passed());
        assertFalse(Tolerance.DEFAULT.compare(new float[] {1f, 100f}, ref).passed());
        assertFalse(Tolerance.DEFAULT.compare(new float[] {Float.NaN, 100f, -3f}, ref).passed());
    }

    @Test
    void syntheticDataIsDeterministicAndBalanced() {
        Workload w = Workloads.resolve("mlp");
        Batch a = new SyntheticData(w).batch(3, 2000);
        Batch b = new SyntheticData(w).batch(3, 2000);
        assertArrayEquals(a.features(), b.features());
        assertArrayEquals(a.labels(), b.labels());
        int[] counts = new int[10];
        for (int label : a.labels()) {
            counts[label]++;
        }
        for (int c = 0; c < 10; c++) {
            assertTrue(counts[c] > 100 && counts[c] < 300, "class " + c + " has " + counts[c] + " of 2000");
        }
    }

    @Test
    void initialWeightsAreSeededAndBounded() {
        Workload w = Workloads.resolve("lenet");
        Weights a = Weights.initial(w);
        Weights b = Weights.initial(w);
        float[] conv = a.get("layer0.weight");
        assertArrayEquals(conv, b.get("layer0.weight"));
        double bound = Math.sqrt(6.0 / 25);
        for (float v : conv) {
            assertTrue(Math.abs(v) <= bound);
        }
        assertFalse(java.util.Arrays.equals(conv, Weights.initial(w, 43).get("layer0.weight")));
    }
}
