package org.dlbench.core.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.dlbench.core.host.HostProbe;
import org.junit.jupiter.api.Test;

class OversubscriptionTest {

    @Test
    void warnsAbovePhysicalCoresNamingBothCounts() {
        HostProbe.Topology smt = new HostProbe.Topology(2, 4, "test");
        assertNull(RunCommand.oversubscription(2, smt));
        assertEquals("3 threads exceed the 2 physical cores (4 logical CPUs): threads would share cores through SMT;"
                + " such numbers measure contention", RunCommand.oversubscription(3, smt));
        assertEquals("5 threads exceed the 2 physical cores (4 logical CPUs); such numbers measure contention",
                RunCommand.oversubscription(5, smt));
        assertEquals("2 threads exceed the 1 physical core (1 logical CPU); such numbers measure contention",
                RunCommand.oversubscription(2, new HostProbe.Topology(1, 1, "test")));
    }
}
