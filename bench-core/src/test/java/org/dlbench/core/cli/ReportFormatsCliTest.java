package org.dlbench.core.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.dlbench.core.compare.Fixtures;
import org.dlbench.core.output.RunFormat;
import org.dlbench.core.output.RunFormats;
import org.dlbench.core.result.ResultsIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** report --format / --out / --all and compare --format html, from the command line. */
class ReportFormatsCliTest {
    @TempDir
    static Path dir;

    record Result(int code, String out, String err) {
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(code, out.toString(), err.toString());
    }

    @BeforeAll
    static void runs() throws Exception {
        for (String id : new String[] {"base", "cand"}) {
            ResultsIO.write(Fixtures.run(id, Fixtures.ok("PyTorch", "2.7.1", "mlp", "infer", 32, 1, 100, 101, 99),
                            Fixtures.ok("PyTorch", "2.7.1", "mlp", "train", 32, 1, 50, 51, 49)),
                    dir.resolve(id).resolve(ResultsIO.FILE));
        }
    }

    @Test
    void allRewritesEveryFormatIntoTheRunDirectoryAndLeavesResultsJsonAlone() throws Exception {
        Path results = dir.resolve("base").resolve(ResultsIO.FILE);
        byte[] before = Files.readAllBytes(results);
        Result r = run("report", dir.resolve("base").toString(), "--all");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("Wrote results.md, results.csv, jmh-result.json, benchmark-action.json, "
                + "benchmark-action-latency.json, report.html in "), r.out());
        for (RunFormat f : RunFormats.REGISTRY.all()) {
            assertTrue(Files.size(dir.resolve("base").resolve(f.fileName())) > 0, f.fileName());
        }
        assertArrayEquals(before, Files.readAllBytes(results));
    }

    @Test
    void allIntoAnotherDirectoryWritesResultsJsonToo() {
        Path other = dir.resolve("exports");
        Result r = run("report", dir.resolve("cand").resolve(ResultsIO.FILE).toString(), "--all", other.toString());
        assertEquals(0, r.code(), r.err());
        for (RunFormat f : RunFormats.REGISTRY.all()) {
            assertTrue(Files.exists(other.resolve(f.fileName())), f.fileName());
        }
        assertEquals("cand", ResultsIO.read(other).runId());
    }

    @Test
    void formatPrintsToStdoutAndOutWritesAFile() throws Exception {
        Result csv = run("report", dir.resolve("base").toString(), "--format", "csv");
        assertEquals(0, csv.code(), csv.err());
        assertTrue(csv.out().startsWith("engine,workload,mode,batch,threads,device,status,verdict,"), csv.out());
        assertEquals(3, csv.out().split("\r\n").length);

        Path jmh = dir.resolve("out/jmh.json");
        Result r = run("report", dir.resolve("base").toString(), "--format", "jmh", "--out", jmh.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals("Wrote " + jmh + "\n", r.out());
        assertEquals(2, ResultsIO.JSON.readTree(jmh.toFile()).size());

        Result md = run("report", dir.resolve("base").toString());
        assertTrue(md.out().startsWith("# "), "Markdown stays the default: " + md.out());
    }

    @Test
    void compareWritesHtmlThroughFormatToo() {
        Result r = run("compare", dir.resolve("base").toString(), dir.resolve("cand").toString(), "--format", "html");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("<!DOCTYPE html>") || r.out().startsWith("<!doctype html>"),
                r.out().substring(0, Math.min(80, r.out().length())));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "unknown format    | report @/base --format xml             | unknown format 'xml' (known: json, markdown, csv, jmh, benchmark-action, benchmark-action-latency, html)",
        "all with format   | report @/base --all --format csv       | --all writes every format; give --format, --out or --html without it",
        "html with format  | report @/base --html @/x.html --format csv | --html writes the HTML report; for another format use --format and --out",
        "out is a dir      | report @/base --format csv --out @/base | cannot write --out @/base: it is a directory",
        "all missing run   | report @/none --all                    | no results file at @/none",
    })
    void badOptionsExitTwoWithOneLine(String what, String args, String expected) {
        Result r = run(args.replace("@", dir.toString()).trim().split("\\s+"));
        assertEquals(2, r.code(), what + ": " + r.err() + r.out());
        assertTrue(r.err().contains(expected.replace("@", dir.toString())), what + ": " + r.err());
        assertFalse(r.err().contains("Exception") || r.err().contains("\tat "), what + ": " + r.err());
    }
}
