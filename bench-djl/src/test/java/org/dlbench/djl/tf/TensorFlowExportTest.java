package org.dlbench.djl.tf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import org.dlbench.core.adapter.Device;
import org.dlbench.core.adapter.Mode;
import org.dlbench.core.adapter.Session;
import org.dlbench.core.adapter.SessionSpec;
import org.dlbench.core.data.Weights;
import org.dlbench.core.workload.Workload;
import org.dlbench.core.workload.Workloads;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SavedModel cache, the weight layout conversion, the native lookup and the recorded settings. */
class TensorFlowExportTest {

    @Test
    void exportingTwiceReusesTheCache(@TempDir Path cache) throws Exception {
        TfSession.start(1); // export runs TF Java ops, so the natives must be loaded
        Workload w = Workloads.resolve("lenet");
        Weights weights = Weights.initial(w);

        SavedModelExport.Exported first = SavedModelExport.ensure(cache, w, weights);
        assertTrue(first.created(), "the first export writes the model");
        Path pb = first.dir().resolve("saved_model.pb");
        assertTrue(Files.isRegularFile(pb));
        assertTrue(Files.isDirectory(first.dir().resolve("variables")), "weights are saved as variables");
        FileTime written = Files.getLastModifiedTime(pb);

        SavedModelExport.Exported second = SavedModelExport.ensure(cache, w, weights);
        assertFalse(second.created(), "the second export must reuse the cached model");
        assertEquals(first.dir(), second.dir());
        assertEquals(written, Files.getLastModifiedTime(pb), "the cached model must not be rewritten");
        try (Stream<Path> entries = Files.list(cache)) {
            assertEquals(List.of(first.dir()), entries.toList(), "no temporary directory may be left behind");
        }

        Path otherSeed = SavedModelExport.modelDir(cache, w, Weights.initial(w, 7));
        assertNotEquals(first.dir(), otherSeed, "other weights need their own model");
        assertTrue(first.dir().getFileName().toString().startsWith("lenet-"));
    }

    @Test
    void sessionRecordsItsThreadSettings() throws Exception {
        Workload w = Workloads.resolve("mlp");
        TensorFlowAdapter adapter = new TensorFlowAdapter();
        try (Session s = adapter.open(new SessionSpec(w, Weights.initial(w), 4, 1, Device.CPU, Mode.INFER))) {
            assertEquals("1", s.settings().get("intra_op_threads_requested"));
            assertEquals("1", s.settings().get("inter_op_threads_requested"));
            String proto = s.settings().get("tf_config_proto");
            assertTrue(proto.contains("intra_op_parallelism_threads: 1")
                    && proto.contains("inter_op_parallelism_threads: 1"), proto);
            assertEquals(java.util.List.of(), org.dlbench.core.result.ThreadFlags.problems(s.settings(), 1));
            assertTrue(s.engineVersion().startsWith("2."), "TensorFlow version: " + s.engineVersion());
        }
        assertThrows(IllegalStateException.class, () -> TfSession.start(2),
                "TensorFlow's thread pool is fixed once started; another count must be refused");
    }

    /** A workload from JSON text (test fixtures). */
    private static Workload parse(String json) {
        return Workloads.parse(json.getBytes(java.nio.charset.StandardCharsets.UTF_8), "test");
    }

    /** LSTM steps in double, canonical layout and gate order i, f, g, o; returns every h_t, [batch][T][H]. */
    private static double[][][] lstmByHand(float[] x, int batch, int t, int in, int h, float[] wih, float[] whh,
                                            float[] b) {
        double[][][] out = new double[batch][t][h];
        for (int n = 0; n < batch; n++) {
            double[] hPrev = new double[h];
            double[] c = new double[h];
            for (int s = 0; s < t; s++) {
                double[] a = new double[4 * h];
                for (int g = 0; g < 4 * h; g++) {
                    a[g] = b[g];
                    for (int i = 0; i < in; i++) {
                        a[g] += wih[g * in + i] * x[(n * t + s) * in + i];
                    }
                    for (int j = 0; j < h; j++) {
                        a[g] += whh[g * h + j] * hPrev[j];
                    }
                }
                for (int j = 0; j < h; j++) {
                    double ig = 1 / (1 + Math.exp(-a[j]));
                    double fg = 1 / (1 + Math.exp(-a[h + j]));
                    double gg = Math.tanh(a[2 * h + j]);
                    double og = 1 / (1 + Math.exp(-a[3 * h + j]));
                    c[j] = fg * c[j] + ig * gg;
                    out[n][s][j] = og * Math.tanh(c[j]);
                }
                hPrev = out[n][s].clone();
            }
        }
        return out;
    }

    /**
     * BlockLSTMV2's gate order, checked first: one step whose four gate blocks have clearly different weights, so a
     * wrong block order (v1's i, c, f, o or ONNX's i, o, f, c) gives a different h.
     */
    @Test
    void blockLstmGatesAreIfgo() throws Exception {
        Workload w = parse("""
                {"name": "lstm-gates", "inputs": [{"name": "x", "shape": [1, 2]}], "classes": 2,
                 "nodes": [{"name": "rnn", "type": "lstm", "hidden": 2}]}""");
        // rows: i (2 rows), f, g, o; each gate its own scale and sign
        float[] wih = {0.9f, -0.4f, 0.3f, 0.8f, -1.5f, 0.2f, 0.1f, -0.7f, 1.2f, 0.6f, -0.9f, 1.1f, 2.0f, -1.0f,
            0.4f, 1.6f};
        float[] whh = new float[16];
        float[] b = {0.1f, -0.2f, 2.5f, -2.0f, 0.3f, -0.1f, -1.0f, 0.7f};
        Weights weights = Weights.of(w, java.util.Map.of("rnn.l0_weight_ih", wih, "rnn.l0_weight_hh", whh,
                "rnn.l0_bias", b));
        float[] x = {0.5f, -1.0f, 1.5f, 0.25f};
        double[][][] expected = lstmByHand(x, 2, 1, 2, 2, wih, whh, b);
        try (Session s = new TensorFlowAdapter().open(new SessionSpec(w, weights, 2, 1, Device.CPU, Mode.INFER))) {
            float[] h = s.infer(new org.dlbench.core.data.Batch(x, new int[2], 2, new int[] {1, 2}, 2));
            for (int n = 0; n < 2; n++) {
                for (int j = 0; j < 2; j++) {
                    assertEquals(expected[n][0][j], h[n * 2 + j], 1e-5, "sample " + n + " unit " + j);
                }
            }
        }
    }

    /**
     * Stacked layers, several steps, every hidden state (sequence output, averaged by a meanpool) and a cell that
     * grows past 3: BlockLSTMV2 must not clip it (v1's default cell_clip is 3) nor add a forget bias.
     */
    @Test
    void blockLstmStacksWithoutClipOrForgetBias() throws Exception {
        Workload w = parse("""
                {"name": "lstm-steps", "inputs": [{"name": "x", "shape": [6, 3]}], "classes": 2,
                 "nodes": [{"name": "rnn", "type": "lstm", "hidden": 2, "layers": 2, "output": "sequence"},
                           {"name": "pool", "type": "meanpool"}]}""");
        java.util.Map<String, float[]> given = new java.util.HashMap<>();
        java.util.Random r = new java.util.Random(3);
        int[] ins = {3, 2};
        for (int l = 0; l < 2; l++) {
            float[] wih = new float[8 * ins[l]];
            float[] whh = new float[16];
            float[] b = new float[8];
            for (int i = 0; i < wih.length; i++) {
                wih[i] = (float) (r.nextGaussian() * 0.3);
            }
            for (int i = 0; i < whh.length; i++) {
                whh[i] = (float) (r.nextGaussian() * 0.3);
            }
            // i and f open, g near 1 for unit 0: c grows by about 1 per step, to about 5 after six
            b[0] = 4f;
            b[1] = 1f;
            b[2] = 4f;
            b[3] = 0.5f;
            b[4] = 3f;
            b[5] = -0.5f;
            b[6] = 0.2f;
            b[7] = -0.3f;
            given.put("rnn.l" + l + "_weight_ih", wih);
            given.put("rnn.l" + l + "_weight_hh", whh);
            given.put("rnn.l" + l + "_bias", b);
        }
        Weights weights = Weights.of(w, given);
        int batch = 3;
        float[] x = new float[batch * 6 * 3];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        double[][][] first = lstmByHand(x, batch, 6, 3, 2, given.get("rnn.l0_weight_ih"),
                given.get("rnn.l0_weight_hh"), given.get("rnn.l0_bias"));
        float[] hidden = new float[batch * 6 * 2];
        for (int n = 0; n < batch; n++) {
            for (int s = 0; s < 6; s++) {
                for (int j = 0; j < 2; j++) {
                    hidden[(n * 6 + s) * 2 + j] = (float) first[n][s][j];
                }
            }
        }
        double[][][] second = lstmByHand(hidden, batch, 6, 2, 2, given.get("rnn.l1_weight_ih"),
                given.get("rnn.l1_weight_hh"), given.get("rnn.l1_bias"));
        try (Session s = new TensorFlowAdapter().open(new SessionSpec(w, weights, batch, 1, Device.CPU,
                Mode.INFER))) {
            float[] y = s.infer(new org.dlbench.core.data.Batch(x, new int[batch], batch, new int[] {6, 3}, 2));
            for (int n = 0; n < batch; n++) {
                for (int j = 0; j < 2; j++) {
                    double mean = 0;
                    for (int t = 0; t < 6; t++) {
                        mean += second[n][t][j] / 6;
                    }
                    assertEquals(mean, y[n * 2 + j], 1e-5, "sample " + n + " unit " + j);
                }
            }
        }
    }

    @Test
    void convWeightsGoToHwio() {
        // [out=2, in=1, 2, 2]: value = 10 * out + position
        float[] oihw = {0, 1, 2, 3, 10, 11, 12, 13};
        float[] hwio = SavedModelExport.hwio(oihw, 2, 1, 2);
        // [h, w, in, out]: the two filters interleave
        assertArrayEquals(new float[] {0, 10, 1, 11, 2, 12, 3, 13}, hwio);
    }

    @Test
    void missingNativesAreNamedClearly(@TempDir Path empty) {
        Properties record = new Properties();
        record.setProperty("native.dir", empty.toString());
        record.setProperty("native.artifact", "org.tensorflow:tensorflow-core-native:1.0.0-rc.1:jar:linux-x86_64");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> TfNatives.locate(null, null, record));
        assertTrue(e.getMessage().contains("libjnitensorflow.so"), e.getMessage());
        assertTrue(e.getMessage().contains("tensorflow-core-native"), e.getMessage());
        assertTrue(e.getMessage().contains(empty.toString()), e.getMessage());

        IllegalStateException none = assertThrows(IllegalStateException.class, () -> TfNatives.locate(null, null, null));
        assertTrue(none.getMessage().contains("TENSORFLOW_LIBRARY_PATH"), none.getMessage());
    }

    @Test
    void buildRecordPointsAtUnpackedNatives() {
        // the location child JVMs use when TENSORFLOW_LIBRARY_PATH is not set
        Properties record = TfNatives.readRecord();
        assertTrue(record != null, "the build must write natives.properties into the classes");
        TfNatives.Location byRecord = TfNatives.locate(null, null, record);
        assertTrue(Files.isRegularFile(byRecord.dir().resolve(TfNatives.JNI_LIBRARY)));
    }
}
