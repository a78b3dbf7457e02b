package org.dlbench.core.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every kind of bad input gets one clear line on stderr and exit code 2, never a stack trace. */
class BadInputTest {
    @TempDir
    static Path dir;

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "unknown workload   | run --workloads vgg          | unknown workload 'vgg' (built-in: mlp, lenet, resnet, mobilenet",
        "zero batch         | run --batch 0                | batch size must be a positive integer, got 0",
        "negative batch     | run --batch 8,-3             | batch size must be a positive integer, got -3",
        "huge batch         | run --batch 10000000         | batch size 10000000 is larger than dlbench allows",
        "batch not a number | run --batch abc              | Invalid value for option '--batch'",
        "zero threads       | run --threads 0              | threads must be a positive integer, got 0",
        "unknown profile    | run --profile fast           | --profile: unknown profile 'fast' (known: quick, thorough, smoke)",
        "forks zero         | run --forks 0                | --forks must be between 1 and 50, got 0",
        "unknown mode       | run --modes fit              | unknown mode 'fit' (known: infer, train, server)",
        "unknown device     | run --device tpu             | --device: unknown device 'tpu' (known: cpu, gpu, gpu:N)",
        "huge gpu index     | run --device gpu:99999999999 | --device: device 'gpu:99999999999': GPU index 99999999999 is out of range (0 to 2147483647)",
        "malformed workload | run --workloads @BAD@        | @BAD@: layers[0].type: unknown layer type 'transformer'",
        "not json workload  | run --workloads @NOTJSON@    | @NOTJSON@: name: not valid JSON at line 1",
        "resume without id  | run --resume                 | --resume needs --run-id",
        "out is a file      | run --out @FILE@             | is a file, not a directory",
        "unwritable out     | run --out @FILE@/sub --home @DIR@ | cannot create results directory",
        "bad timeout        | run --cell-timeout 0         | --cell-timeout must be a positive number of seconds",
        "unknown option     | run --engine PyTorch         | Unknown options: '--engine'",
        "corrupt results    | report @NOTJSON@             | @NOTJSON@: name: not valid JSON at line 1",
        "foreign results    | report @BAD@                 | @BAD@: schema_version: missing; not a dlbench results file",
        "missing results    | report @DIR@/nothing         | no results file at",
        "unknown command    | benchmark                    | Unmatched argument at index 0: 'benchmark'",
    })
    void clearMessageAndExitCode2(String what, String args, String expected) throws Exception {
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, "{\"name\":\"b\",\"input\":[4],\"classes\":2,\"layers\":[{\"type\":\"transformer\"}]}");
        Path notJson = dir.resolve("notjson.json");
        Files.writeString(notJson, "{\"name\": ");
        Path file = dir.resolve("plain-file");
        Files.writeString(file, "x");
        expected = expected.replace("@BAD@", bad.toString()).replace("@NOTJSON@", notJson.toString());
        String[] argv = args.replace("@BAD@", bad.toString()).replace("@NOTJSON@", notJson.toString())
                .replace("@FILE@", file.toString()).replace("@DIR@", dir.toString()).trim().split("\\s+");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.execute(argv, new PrintWriter(out, true), new PrintWriter(err, true));
        String e = err.toString();
        assertEquals(Main.USAGE, code, what + ": " + e + out);
        assertTrue(e.contains(expected), what + ": " + e);
        assertFalse(e.contains("Exception") || e.contains("\tat "), what + " printed a stack trace: " + e);
        if (!expected.contains("Unknown options") && !expected.contains("Unmatched") && !expected.contains("Invalid value")) {
            assertEquals(1, e.lines().count(), what + ": one line: " + e);
        }
    }
}
