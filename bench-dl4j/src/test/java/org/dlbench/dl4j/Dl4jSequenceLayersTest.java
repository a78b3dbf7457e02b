package org.dlbench.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.dlbench.core.adapter.Adapters;
import org.dlbench.core.adapter.Device;
import org.dlbench.core.adapter.Mode;
import org.dlbench.core.adapter.Session;
import org.dlbench.core.adapter.Support;
import org.dlbench.core.check.CorrectnessChecks;
import org.dlbench.core.data.Batch;
import org.dlbench.core.data.SyntheticData;
import org.dlbench.core.data.Weights;
import org.dlbench.core.reference.ReferenceModel;
import org.dlbench.core.reference.Tolerance;
import org.dlbench.core.result.Check;
import org.dlbench.core.workload.Workload;
import org.dlbench.core.workload.Workloads;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The sequence and sparse layers of the DL4J ComputationGraph translation on small files with other sizes than the
 * built-ins: unequal embedding-bag tables in mean mode, a single-table bag, dot with self pairs, concat along the
 * steps, a positional embedding with layernorm, per-step dense, GELU and mean pooling, a float sequence input,
 * a sequence-output two-layer LSTM and causal attention. Each matches the reference forward, takes the reference
 * first step, and reads back parameters that give the reference's forward after a few more steps.
 */
class Dl4jSequenceLayersTest {
    private static final int BATCH = 4;

    private static Workload workload(String name) {
        String body = switch (name) {
            case "bags" -> "\"inputs\": [{\"name\": \"dense\", \"shape\": [5]},"
                    + " {\"name\": \"ids\", \"shape\": [3, 2], \"type\": \"int64\", \"vocabulary\": [7, 11, 5]},"
                    + " {\"name\": \"one\", \"shape\": [3], \"type\": \"int64\", \"vocabulary\": 9}],"
                    + "\"nodes\": [{\"name\": \"bot\", \"type\": \"dense\", \"units\": 4, \"activation\": \"relu\","
                    + " \"inputs\": [\"dense\"]},"
                    + "{\"name\": \"emb\", \"type\": \"embeddingbag\", \"dim\": 4, \"mode\": \"mean\", \"inputs\": [\"ids\"]},"
                    + "{\"name\": \"emb1\", \"type\": \"embeddingbag\", \"dim\": 4, \"inputs\": [\"one\"]},"
                    + "{\"name\": \"inter\", \"type\": \"dot\", \"self\": true, \"inputs\": [\"bot\", \"emb\", \"emb1\"]},"
                    + "{\"name\": \"cat\", \"type\": \"concat\", \"inputs\": [\"bot\", \"inter\", \"emb1\"]},"
                    + "{\"name\": \"out\", \"type\": \"dense\", \"units\": 3}]";
            case "encoder" -> "\"inputs\": [{\"name\": \"tokens\", \"shape\": [6], \"type\": \"int64\", \"vocabulary\": 13}],"
                    + "\"nodes\": [{\"name\": \"emb\", \"type\": \"embedding\", \"dim\": 8, \"positional\": true},"
                    + "{\"name\": \"ln0\", \"type\": \"layernorm\", \"epsilon\": 0.001},"
                    + "{\"name\": \"ff1\", \"type\": \"dense\", \"units\": 10},"
                    + "{\"name\": \"act\", \"type\": \"gelu\"},"
                    + "{\"name\": \"ff2\", \"type\": \"dense\", \"units\": 8},"
                    + "{\"name\": \"res\", \"type\": \"add\", \"inputs\": [\"ln0\", \"ff2\"]},"
                    + "{\"name\": \"steps\", \"type\": \"concat\", \"axis\": 0, \"inputs\": [\"res\", \"ln0\"]},"
                    + "{\"name\": \"pool\", \"type\": \"meanpool\"},"
                    + "{\"name\": \"pooler\", \"type\": \"dense\", \"units\": 8, \"activation\": \"tanh\"},"
                    + "{\"name\": \"out\", \"type\": \"dense\", \"units\": 3}]";
            case "float-seq" -> "\"inputs\": [{\"name\": \"x\", \"shape\": [5, 3]}],"
                    + "\"nodes\": [{\"name\": \"ff\", \"type\": \"dense\", \"units\": 4, \"activation\": \"relu\"},"
                    + "{\"name\": \"ln\", \"type\": \"layernorm\"},"
                    + "{\"name\": \"flat\", \"type\": \"flatten\"},"
                    + "{\"name\": \"out\", \"type\": \"dense\", \"units\": 3}]";
            case "lstm" -> "\"inputs\": [{\"name\": \"tokens\", \"shape\": [5], \"type\": \"int64\", \"vocabulary\": 17}],"
                    + "\"nodes\": [{\"name\": \"emb\", \"type\": \"embedding\", \"dim\": 4},"
                    + "{\"name\": \"rnn\", \"type\": \"lstm\", \"hidden\": 6, \"layers\": 2, \"output\": \"sequence\"},"
                    + "{\"name\": \"last\", \"type\": \"lstm\", \"hidden\": 3},"
                    + "{\"name\": \"out\", \"type\": \"dense\", \"units\": 3}]";
            case "attention" -> "\"inputs\": [{\"name\": \"tokens\", \"shape\": [5], \"type\": \"int64\", \"vocabulary\": 11}],"
                    + "\"nodes\": [{\"name\": \"emb\", \"type\": \"embedding\", \"dim\": 6, \"positional\": true},"
                    + "{\"name\": \"attn\", \"type\": \"attention\", \"heads\": 3, \"causal\": true},"
                    + "{\"name\": \"res\", \"type\": \"add\", \"inputs\": [\"emb\", \"attn\"]},"
                    + "{\"name\": \"pool\", \"type\": \"meanpool\"},"
                    + "{\"name\": \"out\", \"type\": \"dense\", \"units\": 3}]";
            default -> throw new IllegalArgumentException(name);
        };
        String json = "{\"name\": \"" + name + "\", " + body + ", \"classes\": 3, \"batchSizes\": [4],"
                + " \"training\": {\"optimizer\": \"sgd\", \"learningRate\": 0.1, \"loss\": \"softmax_cross_entropy\"}}";
        return Workloads.parse(json.getBytes(StandardCharsets.UTF_8), "test workload " + name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"bags", "encoder", "float-seq", "lstm", "attention"})
    void matchesTheReferenceForwardAndStep(String name) throws Exception {
        Workload w = workload(name);
        Support support = Adapters.byName(Dl4jAdapter.NAME).supports(w, Mode.TRAIN, Device.CPU);
        assertTrue(support.supported(), name + ": " + support.reason());
        SyntheticData data = new SyntheticData(w);
        Batch fixed = data.batch(77, BATCH);
        float[] expected = new ReferenceModel(w, Weights.initial(w)).forward(fixed);
        try (Session s = Dl4jWorkloadsTest.open(Dl4jAdapter.NAME, w, BATCH, 1, Mode.INFER)) {
            Tolerance.Outcome o = Tolerance.DEFAULT.compare(s.infer(fixed), expected);
            assertTrue(o.passed(), name + " forward: " + o.detail());
        }
        try (Session s = Dl4jWorkloadsTest.open(Dl4jAdapter.NAME, w, BATCH, 1, Mode.TRAIN)) {
            // parameters read back before any step are the shared weights: the layouts convert both ways
            Map<String, float[]> before = s.parameters();
            for (var p : w.trainableParams()) {
                assertEquals(0.0, Tolerance.DEFAULT.compare(before.get(p.name()), Weights.initial(w).get(p.name()))
                        .maxAbsError(), 0.0, p.name());
            }
            Check c = CorrectnessChecks.trainingStep(s, w, Weights.initial(w), BATCH);
            assertTrue(c.passed(), name + ": " + c.detail());
            for (int i = 0; i < 3; i++) {
                s.trainStep(data.batch(i, BATCH));
            }
            Tolerance.Outcome o = Tolerance.DEFAULT.compare(s.infer(fixed),
                    new ReferenceModel(w, Weights.of(w, s.parameters())).forward(fixed));
            assertTrue(o.passed(), name + " forward after training: " + o.detail());
        }
    }

    /**
     * The custom layers travel as JSON as DL4J's own do (model saving, Spark): a configuration read back from its JSON
     * writes the same JSON.
     */
    @ParameterizedTest
    @ValueSource(strings = {"bags", "encoder", "float-seq", "lstm", "attention"})
    void configurationsSurviveJson(String name) {
        Workload w = workload(name);
        Networks.Plan plan = Networks.plan(w);
        String json = Networks.configuration(w, plan, true).toJson();
        if (name.equals("attention")) {
            assertTrue(json.replace(" ", "").contains("\"heads\":3"), "the layer's own fields are in the JSON");
        }
        assertEquals(json, org.deeplearning4j.nn.conf.ComputationGraphConfiguration.fromJson(json).toJson(), name);
    }

    @Test
    void tablesBeyondFloatIdsAreUnsupportedWithTheReason() {
        String json = "{\"name\": \"huge\", \"inputs\": [{\"name\": \"ids\", \"shape\": [2, 2], \"type\": \"int64\","
                + " \"vocabulary\": [16777216, 1]}], \"classes\": 2, \"nodes\": ["
                + "{\"name\": \"emb\", \"type\": \"embeddingbag\", \"dim\": 1}, {\"name\": \"f\", \"type\": \"flatten\"},"
                + "{\"name\": \"out\", \"type\": \"dense\", \"units\": 2}]}";
        Workload w = Workloads.parse(json.getBytes(StandardCharsets.UTF_8), "huge");
        Support s = Adapters.byName(Dl4jAdapter.NAME).supports(w, Mode.INFER, Device.CPU);
        assertFalse(s.supported());
        assertTrue(s.reason().contains("16777217"), s.reason());
    }
}
