package org.dlbench.core.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.dlbench.core.result.Host;
import org.dlbench.core.result.ResultsIO;
import org.junit.jupiter.api.Test;

/** The calibrating child: several samples per engine, their median and spread, in a JSON answer the parent reads. */
class CalibrateTest {

    @Test
    void everyCalibratingEngineGetsItsSamplesMedianAndSpread() throws Exception {
        CellMain.CalibrateAnswer answer = CellMain.calibrate(new CellMain.CalibrateRequest(1, 64, 0.01, 5, 0.01));
        assertFalse(answer.calibrations().isEmpty(), "the test engines calibrate with a plain-Java multiply");
        for (Host.Calibration c : answer.calibrations()) {
            assertEquals(5, c.samples().size(), c.toString());
            assertEquals(Host.median(c.samples()), c.gflops(), 1e-12);
            assertTrue(c.minGflops() <= c.gflops() && c.gflops() <= c.maxGflops(), c.toString());
            assertEquals(1, c.threads());
            assertEquals(64, c.n());
        }
        CellMain.CalibrateAnswer read = ResultsIO.JSON.readValue(ResultsIO.JSON.writeValueAsBytes(answer),
                CellMain.CalibrateAnswer.class);
        assertEquals(answer, read);
    }
}
