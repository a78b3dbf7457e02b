package org.dlbench.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** SameDiff's native garbage: a GC once resident memory stands well above its low, none for a call that keeps flat. */
class NativeGarbageTest {
    @Test
    void asksForAGcOnceNativeMemoryGrewAndNotBefore() throws Exception {
        NativeGarbage g = new NativeGarbage();
        Thread.sleep(NativeGarbage.CHECK_NANOS / 1_000_000 + 5);
        g.afterCall(); // the first reading: the low
        Thread.sleep(NativeGarbage.CHECK_NANOS / 1_000_000 + 5);
        g.afterCall();
        assertEquals(0, g.collections(), "nothing grew");
        List<INDArray> garbage = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            garbage.add(Nd4j.ones(DataType.FLOAT, 16, 1024, 1024)); // 64 MB each, every page written
        }
        garbage.clear();
        Thread.sleep(NativeGarbage.CHECK_NANOS / 1_000_000 + 5);
        g.afterCall();
        assertEquals(1, g.collections(), "384 MB of native arrays over the low");
        assertTrue(NativeGarbage.setting().startsWith("System.gc() after a call"), NativeGarbage.setting());
    }
}
