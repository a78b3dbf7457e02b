package org.dlbench.core.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.dlbench.core.data.Batch;
import org.dlbench.core.data.SyntheticData;
import org.dlbench.core.data.Weights;
import org.dlbench.core.workload.ParamSpec;
import org.dlbench.core.workload.Workload;
import org.dlbench.core.workload.Workloads;
import org.junit.jupiter.api.Test;

/**
 * The whole reference training path on tiny workloads with integer inputs, lstm and attention: every gradient against
 * central differences, and a loss that falls under SGD.
 */
class LayerWorkloadsTrainingTest {
    private static Workload parse(String json) {
        return Workloads.parse(json.getBytes(StandardCharsets.UTF_8), "test");
    }

    private static Workload tinyLstm(String output) {
        return parse("""
                {"name":"tl","inputs":[{"name":"tokens","shape":[3],"type":"int64","vocabulary":6}],
                 "classes":3,"nodes":[
                  {"name":"emb","type":"embedding","dim":4},
                  {"name":"rnn","type":"lstm","hidden":3,"layers":2,"output":"%s"},
                  %s
                  {"name":"out","type":"dense","units":3}],
                 "training":{"learningRate":0.5}}""".formatted(output,
                output.equals("sequence") ? "{\"name\":\"pool\",\"type\":\"meanpool\"}," : ""));
    }

    private static Workload tinyAttention(boolean causal) {
        return parse("""
                {"name":"ta","inputs":[{"name":"tokens","shape":[3],"type":"int64","vocabulary":6}],
                 "classes":3,"nodes":[
                  {"name":"emb","type":"embedding","dim":4,"positional":true},
                  {"name":"attn","type":"attention","heads":2,"causal":%s},
                  {"name":"res","type":"add","inputs":["emb","attn"]},
                  {"name":"ln","type":"layernorm"},
                  {"name":"ff","type":"dense","units":5},
                  {"name":"act","type":"gelu"},
                  {"name":"pool","type":"meanpool"},
                  {"name":"out","type":"dense","units":3}],
                 "training":{"learningRate":0.5}}""".formatted(causal));
    }

    private static List<Workload> tinyWorkloads() {
        return List.of(tinyLstm("last"), tinyLstm("sequence"), tinyAttention(false), tinyAttention(true));
    }

    @Test
    void tinySequenceWorkloadsMatchCentralDifferences() {
        double eps = 1e-6;
        for (Workload w : tinyWorkloads()) {
            Batch batch = new SyntheticData(w).batch(5, 3);
            Map<String, double[]> params = ReferenceModel.toDouble(w, Weights.initial(w, 3));
            ReferenceTraining reference = new ReferenceTraining(w);
            ReferenceTraining.Gradients g = reference.gradients(params, batch);
            List<String> errors = new ArrayList<>();
            int checked = 0;
            for (ParamSpec p : w.trainableParams()) {
                double[] v = params.get(p.name());
                double[] grad = g.byName().get(p.name());
                for (int i = 0; i < v.length; i++) {
                    double keep = v[i];
                    v[i] = keep + eps;
                    double up = reference.gradients(params, batch).loss();
                    v[i] = keep - eps;
                    double down = reference.gradients(params, batch).loss();
                    v[i] = keep;
                    double numeric = (up - down) / (2 * eps);
                    if (Math.abs(grad[i] - numeric) > 1e-8 + 1e-5 * Math.abs(numeric)) {
                        errors.add(p.name() + "[" + i + "]: " + grad[i] + " vs " + numeric);
                    }
                    checked++;
                }
            }
            assertTrue(errors.isEmpty(), w.name() + ": " + errors.size() + " of " + checked + " off: " + errors);
            assertEquals(w.paramCount(), checked);
        }
    }

    @Test
    void tinySequenceWorkloadsLoseLossUnderSgd() {
        for (Workload w : tinyWorkloads()) {
            Batch batch = new SyntheticData(w).batch(1, 8);
            ReferenceTraining reference = new ReferenceTraining(w);
            Weights weights = Weights.initial(w);
            double first = Double.NaN;
            double last = Double.NaN;
            for (int step = 0; step < 20; step++) {
                ReferenceTraining.Step s = reference.sgdStep(weights, batch);
                if (step == 0) {
                    first = s.loss();
                }
                last = s.loss();
                weights = Weights.of(w, toFloat(s.parameters()));
            }
            assertTrue(last < 0.95 * first, w.name() + ": loss " + first + " -> " + last);
            // the step's loss is the forward pass's at the same parameters
            float[] logits = new ReferenceModel(w, weights).forward(batch);
            double ce = 0;
            for (int b = 0; b < batch.size(); b++) {
                double max = Double.NEGATIVE_INFINITY;
                for (int c = 0; c < w.classes(); c++) {
                    max = Math.max(max, logits[b * w.classes() + c]);
                }
                double sum = 0;
                for (int c = 0; c < w.classes(); c++) {
                    sum += Math.exp(logits[b * w.classes() + c] - max);
                }
                ce += (max + Math.log(sum) - logits[b * w.classes() + batch.labels()[b]]) / batch.size();
            }
            assertEquals(ce, reference.sgdStep(weights, batch).loss(), 1e-5, w.name());
        }
    }

    private static Map<String, float[]> toFloat(Map<String, double[]> params) {
        Map<String, float[]> out = new LinkedHashMap<>();
        params.forEach((k, v) -> {
            float[] f = new float[v.length];
            for (int i = 0; i < v.length; i++) {
                f[i] = (float) v[i];
            }
            out.put(k, f);
        });
        return out;
    }
}
