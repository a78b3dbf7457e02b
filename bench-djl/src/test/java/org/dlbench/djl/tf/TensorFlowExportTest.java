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
