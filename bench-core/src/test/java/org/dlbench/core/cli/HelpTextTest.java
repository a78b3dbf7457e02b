package org.dlbench.core.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every command's --help prints its usage, exits 0, and picocli can format every description (no stray %). */
class HelpTextTest {
    @ParameterizedTest
    @ValueSource(strings = {"run", "sweep", "list", "report", "compare", "noise", "agree", "history", "scorecard"})
    void helpFormatsCleanly(String command) {
        PrintStream before = System.err;
        ByteArrayOutputStream traced = new ByteArrayOutputStream();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code;
        try {
            // picocli reports a description it cannot format on System.err, not on the command's writers
            System.setErr(new PrintStream(traced, true, StandardCharsets.UTF_8));
            code = Main.execute(new String[] {command, "--help"}, new PrintWriter(out, true),
                    new PrintWriter(err, true));
        } finally {
            System.setErr(before);
        }
        String all = out + err.toString() + traced.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, all);
        assertTrue(out.toString().startsWith("Usage: dlbench " + command), all);
        assertFalse(all.contains("WARN") || all.contains("Could not format"), all);
    }
}
