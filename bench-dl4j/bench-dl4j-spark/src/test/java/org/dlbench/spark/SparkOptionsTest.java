package org.dlbench.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SparkOptionsTest {
    @Test
    void defaultsToLocalModeWithOneSlotPerWorker() {
        SparkOptions o = SparkOptions.configured(3, k -> null);
        assertEquals("local[3]", o.master());
        assertTrue(o.isLocal());
        assertEquals(3, o.workers());
        assertEquals(SparkOptions.DEFAULT_AVERAGING_FREQUENCY, o.averagingFrequency());
        assertEquals(Duration.ofSeconds(SparkOptions.DEFAULT_JOB_TIMEOUT_SECONDS), o.jobTimeout());
        // 3 workers x 5 minibatches x 32 = 480 samples a round; 4096 / 480 = 8.5 -> 9 rounds
        assertEquals(480, o.samplesPerRound(32));
        assertEquals(9, o.roundsPerEpoch(32));
    }

    @Test
    void readsMasterAndSettingsFromTheirKeys() {
        Map<String, String> v = Map.of(SparkOptions.MASTER, "spark://10.1.2.3:7077",
                SparkOptions.AVERAGING_FREQUENCY, "2", SparkOptions.EPOCH_SAMPLES, "100",
                SparkOptions.JOB_TIMEOUT, "7");
        SparkOptions o = SparkOptions.configured(2, v::get);
        assertEquals("spark://10.1.2.3:7077", o.master());
        assertFalse(o.isLocal());
        assertEquals(2, o.averagingFrequency());
        assertEquals(1, o.roundsPerEpoch(32));
        assertEquals(Duration.ofSeconds(7), o.jobTimeout());
    }

    @Test
    void environmentNamesFollowTheProperties() {
        assertEquals("DLBENCH_SPARK_MASTER", SparkOptions.envName(SparkOptions.MASTER));
        assertEquals("DLBENCH_SPARK_AVERAGING_FREQUENCY", SparkOptions.envName(SparkOptions.AVERAGING_FREQUENCY));
        assertEquals("DLBENCH_SPARK_EPOCH_SAMPLES", SparkOptions.envName(SparkOptions.EPOCH_SAMPLES));
        assertEquals("DLBENCH_SPARK_JOB_TIMEOUT", SparkOptions.envName(SparkOptions.JOB_TIMEOUT));
    }

    @Test
    void rejectsNonsenseWithTheKeyName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SparkOptions.configured(2, Map.of(SparkOptions.AVERAGING_FREQUENCY, "zero")::get));
        assertTrue(e.getMessage().contains("DLBENCH_SPARK_AVERAGING_FREQUENCY"), e.getMessage());
    }
}
