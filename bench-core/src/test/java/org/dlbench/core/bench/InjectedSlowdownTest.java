package org.dlbench.core.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.dlbench.core.adapter.Session;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The test slowdown: only the named engine, recorded in its settings, bad values refused; outputs unchanged. */
class InjectedSlowdownTest {
    static final class Fake implements Session {
        boolean closed;

        @Override
        public String engineVersion() {
            return "1";
        }

        @Override
        public Map<String, String> settings() {
            return Map.of("intra_op_threads", "1");
        }

        @Override
        public float[] infer(float[] features) {
            return features.clone();
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    @AfterEach
    void clear() {
        System.clearProperty(InjectedSlowdown.PROPERTY);
    }

    @Test
    void onlyTheNamedEngineIsSlowedAndItSaysSo() {
        Fake fake = new Fake();
        assertSame(fake, InjectedSlowdown.wrapIfAsked("OnnxRuntime", fake), "no property: untouched");
        System.setProperty(InjectedSlowdown.PROPERTY, "OnnxRuntime=0.15");
        assertSame(fake, InjectedSlowdown.wrapIfAsked("PyTorch", fake));
        Session slowed = InjectedSlowdown.wrapIfAsked("OnnxRuntime", fake);
        assertNotSame(fake, slowed);
        assertEquals("15% (test, dlbench.test.slowdown)", slowed.settings().get("injected_slowdown"));
        assertEquals("1", slowed.settings().get("intra_op_threads"));
        assertArrayEquals(new float[] {1, 2}, slowed.infer(new float[] {1, 2}));
        slowed.close();
        assertTrue(fake.closed);
    }

    @Test
    void badValuesAreRefusedAndTheSessionClosed() {
        for (String bad : new String[] {"OnnxRuntime", "OnnxRuntime=fast", "OnnxRuntime=0.95", "=0.1"}) {
            System.setProperty(InjectedSlowdown.PROPERTY, bad);
            Fake fake = new Fake();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> InjectedSlowdown.wrapIfAsked("OnnxRuntime", fake));
            assertTrue(e.getMessage().startsWith("dlbench.test.slowdown"), e.getMessage());
            assertTrue(fake.closed, bad);
        }
    }
}
