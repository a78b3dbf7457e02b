package org.dlbench.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.dlbench.core.adapter.Adapters;
import org.dlbench.core.adapter.Device;
import org.dlbench.core.adapter.Mode;
import org.dlbench.core.adapter.Support;
import org.dlbench.core.adapter.TrainingRound;
import org.dlbench.core.data.Batch;
import org.dlbench.core.data.Feed;
import org.dlbench.core.data.SyntheticData;
import org.dlbench.core.data.Weights;
import org.dlbench.core.reference.ReferenceModel;
import org.dlbench.core.reference.ReferenceTraining;
import org.dlbench.core.reference.Tolerance;
import org.dlbench.core.workload.ParamSpec;
import org.dlbench.core.workload.Workload;
import org.dlbench.core.workload.Workloads;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;

/**
 * The sequence and sparse translations (embedding, embedding bag, lstm, layernorm, gelu, attention, dot, concat,
 * meanpool, dense on steps): DL4J's LSTM gate order and weight layout checked step by step against the canonical
 * maths, logits equal the reference's from the shared weights, every tensor reads back by canonical name, and five
 * SGD steps in double equal the reference's.
 */
class SequenceLayersTest {
    private static double sigmoid(double z) {
        return 1 / (1 + Math.exp(-z));
    }

    /**
     * The canonical LSTM (gate rows i, f, g, o, one bias) computed here in double, layer by layer, against DL4J's
     * hidden states: proves the DL4J column-block order (g, f, o, i) and the transposition used to load and read the
     * weights.
     */
    @Test
    void lstmHiddenStatesFollowTheCanonicalGateOrder() {
        Workload w = GraphWorkloads.resolve("tinylstm");
        Weights weights = Weights.initial(w);
        Batch b = new SyntheticData(w).batch(5, 3);
        ComputationGraph net = NetworkFactory.build(w, weights, DataType.DOUBLE);
        Map<String, INDArray> acts = net.feedForward(doubles(NetworkFactory.inputs(w, b)), false);
        int t = 4;
        int dim = 3;
        int h = 5;
        int[] ids = ((Feed.Ids) b.inputs().get(0)).values();
        float[] table = weights.get("emb.weight");
        for (int n = 0; n < b.size(); n++) {
            double[][] x = new double[t][dim];
            for (int s = 0; s < t; s++) {
                for (int d = 0; d < dim; d++) {
                    x[s][d] = table[ids[n * t + s] * dim + d];
                }
            }
            for (int layer = 0; layer < 2; layer++) {
                float[] wih = weights.get("rnn.l" + layer + "_weight_ih");
                float[] whh = weights.get("rnn.l" + layer + "_weight_hh");
                float[] bias = weights.get("rnn.l" + layer + "_bias");
                int in = x[0].length;
                double[][] hs = new double[t][h];
                double[] hPrev = new double[h];
                double[] c = new double[h];
                for (int s = 0; s < t; s++) {
                    double[] a = new double[4 * h];
                    for (int r = 0; r < 4 * h; r++) {
                        a[r] = bias[r];
                        for (int i = 0; i < in; i++) {
                            a[r] += wih[r * in + i] * x[s][i];
                        }
                        for (int i = 0; i < h; i++) {
                            a[r] += whh[r * h + i] * hPrev[i];
                        }
                    }
                    for (int j = 0; j < h; j++) {
                        double ig = sigmoid(a[j]);
                        double fg = sigmoid(a[h + j]);
                        double gg = Math.tanh(a[2 * h + j]);
                        double og = sigmoid(a[3 * h + j]);
                        c[j] = fg * c[j] + ig * gg;
                        hs[s][j] = og * Math.tanh(c[j]);
                    }
                    hPrev = hs[s];
                }
                INDArray dl4j = acts.get(NetworkFactory.lstmLayer("rnn", layer)); // [N, H, T]
                for (int s = 0; s < t; s++) {
                    for (int j = 0; j < h; j++) {
                        assertEquals(hs[s][j], dl4j.getDouble(n, j, s), 1e-9,
                                "layer " + layer + " sample " + n + " step " + s + " unit " + j);
                    }
                }
                x = hs;
            }
        }
    }

    @Test
    void lstmLayoutRoundTrips() {
        int[] shape = {8, 3};
        float[] canonical = new float[24];
        for (int i = 0; i < canonical.length; i++) {
            canonical[i] = i;
        }
        float[] dl4j = NetworkFactory.lstmWeightToDl4j(canonical, shape);
        // DL4J [in 1, column 0] is block g (canonical rows 4..5), unit 0: canonical row 4, column 1
        assertEquals(canonical[4 * 3 + 1], dl4j[1 * 8]);
        assertArrayEquals(canonical, NetworkFactory.lstmWeightFromDl4j(dl4j, shape));
        float[] bias = Arrays.copyOf(canonical, 8);
        assertArrayEquals(new float[] {4, 5, 2, 3, 6, 7, 0, 1}, NetworkFactory.lstmBiasToDl4j(bias));
        assertArrayEquals(bias, NetworkFactory.lstmBiasFromDl4j(NetworkFactory.lstmBiasToDl4j(bias)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"tinydlrm", "tinyseq", "tinylstm", "tinyattn", "dlrm", "lstm", "transformer"})
    void forwardMatchesReferenceFromSharedWeights(String name) {
        Workload w = GraphWorkloads.resolve(name);
        assertEquals(null, NetworkFactory.unsupportedReason(w));
        Weights weights = Weights.initial(w);
        Batch fixed = new SyntheticData(w).batch(123, 4);
        float[] expected = new ReferenceModel(w, weights).forward(fixed);
        ComputationGraph net = NetworkFactory.build(w, weights);
        float[] actual = NetworkFactory.logits(net, NetworkFactory.inputs(w, fixed));
        Tolerance.Outcome o = Tolerance.DEFAULT.compare(actual, expected);
        assertTrue(o.passed(), name + ": " + o.detail());

        Map<String, float[]> read = NetworkFactory.read(net, w);
        assertEquals(w.params().size(), read.size());
        for (ParamSpec p : w.params()) {
            assertArrayEquals(weights.get(p.name()), read.get(p.name()), name + " " + p.name());
        }
    }

    /** Five SGD steps in double equal the reference's: the gradients of every translated layer are exact. */
    @ParameterizedTest
    @ValueSource(strings = {"tinydlrm", "tinyseq", "tinylstm", "tinyattn"})
    void fiveStepsInDoubleMatchTheReference(String name) {
        Workload w = GraphWorkloads.resolve(name);
        Weights initial = Weights.initial(w);
        ComputationGraph net = NetworkFactory.build(w, initial, DataType.DOUBLE);
        List<Batch> batches = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Batch b = new SyntheticData(w).batch(i, 4);
            batches.add(b);
            net.fit(new MultiDataSet(doubles(NetworkFactory.inputs(w, b)),
                    new INDArray[] {NetworkFactory.labels(b).castTo(DataType.DOUBLE)}));
        }
        Map<String, float[]> after = NetworkFactory.read(net, w);
        ReferenceTraining.Step ref = new ReferenceTraining(w).round(initial, new TrainingRound(List.of(batches)));
        double diff2 = 0;
        double ref2 = 0;
        for (ParamSpec p : w.trainableParams()) {
            float[] start = initial.get(p.name());
            float[] a = after.get(p.name());
            double[] r = ref.parameters().get(p.name());
            double pd = 0;
            double pr = 0;
            for (int i = 0; i < a.length; i++) {
                double e = (a[i] - start[i]) - (r[i] - start[i]);
                pd += e * e;
                pr += (r[i] - start[i]) * (r[i] - start[i]);
            }
            assertTrue(pd <= 1e-6 * Math.max(pr, 1e-12), name + " " + p.name() + ": update error "
                    + Math.sqrt(pd / Math.max(pr, 1e-30)) + " of the reference update (" + Math.sqrt(pr) + ")");
            diff2 += pd;
            ref2 += pr;
        }
        double error = Math.sqrt(diff2 / ref2);
        assertTrue(error < 1e-4, name + ": five steps, whole update error " + error + " of the reference update");
        assertEquals(ref.loss(), net.score(), 1e-6, name + " loss of the fifth step");
    }

    /**
     * The custom SameDiff layers survive DL4J's JSON form (what model saving and a Spark worker may rebuild the graph
     * from): a graph built from the round-tripped configuration with the same parameters gives the same logits.
     */
    @ParameterizedTest
    @ValueSource(strings = {"tinydlrm", "tinyseq", "tinyattn"})
    void configurationSurvivesItsJsonRoundTrip(String name) {
        Workload w = GraphWorkloads.resolve(name);
        org.deeplearning4j.nn.conf.ComputationGraphConfiguration conf = NetworkFactory.configuration(w);
        String json = conf.toJson();
        org.deeplearning4j.nn.conf.ComputationGraphConfiguration back =
                org.deeplearning4j.nn.conf.ComputationGraphConfiguration.fromJson(json);
        assertEquals(json, back.toJson());
        ComputationGraph original = NetworkFactory.build(w, Weights.initial(w));
        ComputationGraph rebuilt = new ComputationGraph(back);
        rebuilt.init(original.params().dup(), false);
        Batch b = new SyntheticData(w).batch(3, 2);
        assertArrayEquals(NetworkFactory.logits(original, NetworkFactory.inputs(w, b)),
                NetworkFactory.logits(rebuilt, NetworkFactory.inputs(w, b)), 0f, name);
    }

    @Test
    void aTableBeyondFloatIdsIsUnsupportedWithItsReason() {
        String json = GraphWorkloads.TINY_DLRM.replace("\"vocabulary\": [7, 11, 5]",
                "\"vocabulary\": [7, 16777216, 5]");
        Workload w = GraphWorkloads.parse(json);
        Support s = Adapters.byName("DL4J-Spark").supports(w, Mode.TRAIN, Device.CPU);
        assertFalse(s.supported());
        assertTrue(s.reason().contains("exact only up to 16777216 (2^24) rows"), s.reason());
    }

    private static INDArray[] doubles(INDArray[] in) {
        return Arrays.stream(in).map(a -> a.castTo(DataType.DOUBLE)).toArray(INDArray[]::new);
    }

    /** The built-ins read the same way the harness names them. */
    @Test
    void builtInsAreTranslated() {
        for (String name : List.of("lstm", "transformer", "dlrm")) {
            assertEquals(null, NetworkFactory.unsupportedReason(Workloads.resolve(name)), name);
        }
    }
}
