package org.dlbench.core.cli;

import static org.dlbench.core.compare.Fixtures.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.dlbench.core.compare.Fixtures;
import org.dlbench.core.result.CellResult;
import org.dlbench.core.result.Host;
import org.dlbench.core.result.Profile;
import org.dlbench.core.result.ResultsIO;
import org.dlbench.core.result.RunResult;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** compare, history and report --html from the command line: outputs, exit codes 0/1/2 and every error message. */
class CompareCliTest {
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

    static final CellResult INFER = ok("PyTorch", "2.7.1", "mlp", "infer", 32, 1, 100, 101, 99, 100, 100);
    static final CellResult TRAIN = ok("PyTorch", "2.7.1", "mlp", "train", 32, 1, 50, 51, 49, 50, 50);

    @BeforeAll
    static void runs() throws Exception {
        write("base", Fixtures.run("base", INFER, TRAIN));
        write("same", Fixtures.run("same", ok("PyTorch", "2.7.1", "mlp", "infer", 32, 1, 100.5, 100, 99.5, 101, 99),
                ok("PyTorch", "2.7.1", "mlp", "train", 32, 1, 52, 51, 50, 50, 51)));
        write("slower", Fixtures.run("slower", ok("PyTorch", "2.7.1", "mlp", "infer", 32, 1, 110, 111, 109, 110, 110),
                ok("PyTorch", "2.7.1", "mlp", "train", 32, 1, 40, 41, 39, 40, 40)));
        Host other = new Host("elsewhere", "Other CPU", List.of(), 8, 1L << 35, "Linux", "6.1", "JDK", List.of(), List.of());
        write("otherhost", Fixtures.run("otherhost", other, Profile.QUICK, INFER, TRAIN));
        write("empty", Fixtures.run("empty"));
        // 20% slower inference, but noisy; training the same
        write("noisy-slower", Fixtures.run("noisy-slower", Fixtures.verdict(ok("PyTorch", "2.7.1", "mlp", "infer", 32, 1,
                80, 81, 79, 80, 80), "noisy", "error +-14.0% above 10%"), TRAIN));
        write("all-noisy", Fixtures.run("all-noisy", Fixtures.verdict(INFER, "noisy", "2 iterations, minimum 3"),
                Fixtures.verdict(TRAIN, "inconsistent", "JMH / bare loop 0.70")));
        write("too-short", Fixtures.run("too-short", Fixtures.verdict(INFER, "invalid", "measured 1.0 s, minimum 3 s"),
                TRAIN));
        Files.writeString(dir.resolve("corrupt.json"), "{\"schema_version\": 1, \"results\": [");
        Files.writeString(dir.resolve("foreign.json"), "{\"name\": \"x\"}");
        Files.writeString(dir.resolve("future.json"), "{\"schema_version\": 99}");
        Files.writeString(dir.resolve("plain-file"), "x");
        Files.createDirectories(dir.resolve("nothing-here"));
    }

    static void write(String name, RunResult r) throws Exception {
        ResultsIO.write(r, dir.resolve(name).resolve(ResultsIO.FILE));
    }

    static String p(String name) {
        return dir.resolve(name).toString();
    }

    @Test
    void noRegressionExitsZero() {
        Result r = run("compare", p("base"), p("same"));
        assertEquals(0, r.code(), r.err() + r.out());
        assertTrue(r.out().contains("2 compared: 0 faster, 0 slower, 2 same, 0 undecided; 0 not compared. No regression beyond 5%."),
                r.out());
        assertTrue(r.out().contains("Baseline:  base ("), r.out());
        assertEquals("", r.err());
    }

    @Test
    void regressionExitsOneAndSaysWhich() {
        Result r = run("compare", p("base"), p("slower"));
        assertEquals(1, r.code(), r.err() + r.out());
        assertTrue(r.out().contains("SLOWER") && r.out().contains("FASTER"), r.out());
        assertEquals("dlbench: regression: PyTorch mlp train b32 t1 -20.0%\n", r.err());
        // a threshold above the slowdown lets it pass
        Result lenient = run("compare", p("base"), p("slower"), "--threshold", "25%");
        assertEquals(0, lenient.code(), lenient.err() + lenient.out());
        assertTrue(lenient.out().contains("significant but within 25%"), lenient.out());
    }

    @Test
    void aSlowButNoisyCandidateIsNotComparableAndExitsZero() throws Exception {
        Result r = run("compare", p("base"), p("noisy-slower"));
        assertEquals(0, r.code(), r.err() + r.out());
        assertTrue(r.out().contains("Not comparable: verdict not valid (neither faster nor slower):\n"
                + "  PyTorch mlp infer b32 t1: candidate noisy: error +-14.0% above 10%"), r.out());
        assertTrue(r.out().contains("1 compared: 0 faster, 0 slower, "
                + "1 same, 0 undecided; 1 not compared, 1 of them left out for their verdicts (not valid in baseline or candidate). No "
                + "regression beyond 5%."), r.out());
        assertFalse(r.out().contains("SLOWER"), r.out());
        assertEquals("", r.err());
        Result json = run("compare", p("base"), p("noisy-slower"), "--format", "json");
        var tree = ResultsIO.JSON.readTree(json.out());
        assertEquals(1, tree.get("not_valid_count").asInt());
        assertEquals("noisy", tree.get("not_compared").get(0).get("candidate_verdict").asText());
        Path html = dir.resolve("out/noisy.html");
        assertEquals(0, run("compare", p("base"), p("noisy-slower"), "--html", html.toString()).code());
        String page = Files.readString(html);
        assertTrue(page.contains("<h2 id=\"not-valid\">Not comparable: verdict not valid</h2>"), page);
        assertTrue(page.contains("Not drawn: 1 result not valid in baseline or candidate"), page);
    }

    @Test
    void anInvalidCandidateIsARegressionAndAllNoisyIsUnusable() {
        Result r = run("compare", p("base"), p("too-short"));
        assertEquals(1, r.code(), r.err() + r.out());
        assertEquals("dlbench: regression: PyTorch mlp infer b32 t1 (candidate invalid: measured 1.0 s, minimum 3 s)\n",
                r.err());
        Result noisy = run("compare", p("base"), p("all-noisy"));
        assertEquals(2, noisy.code(), noisy.err() + noisy.out());
        assertTrue(noisy.err().contains("no result could be compared: candidate noisy (1), candidate inconsistent (1);"
                + " a result not valid in baseline or candidate is never compared"), noisy.err());
    }

    @Test
    void markdownJsonAndHtmlOutputs() throws Exception {
        Path md = dir.resolve("out/compare.md");
        Result r = run("compare", p("base") + "/results.json", p("slower"), "--format", "markdown", "--out",
                md.toString(), "--html", dir.resolve("out/compare.html").toString());
        assertEquals(1, r.code(), r.err());
        assertEquals("", r.out(), "with --out nothing goes to stdout");
        String text = Files.readString(md);
        assertTrue(text.startsWith("## dlbench comparison: slower vs baseline base"), text);
        assertTrue(text.contains("| **slower** |"), text);
        String html = Files.readString(dir.resolve("out/compare.html"));
        assertTrue(html.contains("src=\"data:image/png;base64,"), "the ratio chart is inline");

        Result json = run("compare", p("base"), p("same"), "--format", "json");
        assertEquals(0, json.code(), json.err());
        var tree = ResultsIO.JSON.readTree(json.out());
        assertEquals("same", tree.get("compared").get(0).get("test").get("verdict").asText());
    }

    /** --out /dev/stdout or a pipe must be written through, never replaced by a renamed file. */
    @Test
    void outputIntoAPipeKeepsThePipe() throws Exception {
        Path fifo = dir.resolve("pipe");
        Process mk = new ProcessBuilder("mkfifo", fifo.toString()).start();
        org.junit.jupiter.api.Assumptions.assumeTrue(mk.waitFor() == 0, "mkfifo is not available");
        java.util.concurrent.CompletableFuture<String> read = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return Files.readString(fifo);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        Result r = run("compare", p("base"), p("same"), "--format", "json", "--out", fifo.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(read.get(60, java.util.concurrent.TimeUnit.SECONDS).contains("\"format\" : \"dlbench-compare\""));
        assertFalse(Files.isRegularFile(fifo), "the pipe is still a pipe");
    }

    @Test
    void hostMismatchIsUnusableUnlessAllowed() {
        Result r = run("compare", p("base"), p("otherhost"));
        assertEquals(2, r.code(), r.err());
        assertTrue(r.out().contains("Not compared:"), "the table still says what happened: " + r.out());
        assertEquals("dlbench: no result could be compared: different host (2); pass --allow-host-mismatch to compare"
                + " runs from different machines anyway\n", r.err());
        Result allowed = run("compare", p("base"), p("otherhost"), "--allow-host-mismatch");
        assertEquals(0, allowed.code(), allowed.err());
        assertTrue(allowed.out().contains("different host, compared as asked"), allowed.out());
    }

    @Test
    void historyWritesIndexAndTrends() throws Exception {
        Path results = dir.resolve("history");
        Files.createDirectories(results);
        for (String name : List.of("base", "same", "slower")) {
            write("history/" + name, ResultsIO.read(dir.resolve(name)));
        }
        Files.createDirectories(results.resolve("broken"));
        Files.writeString(results.resolve("broken/results.json"), "[");
        Result r = run("history", results.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("Indexed 3 run(s): wrote " + results.resolve("index.md")), r.out());
        assertTrue(r.err().startsWith("dlbench: warning: skipped broken: "), r.err());
        assertTrue(Files.readString(results.resolve("index.md")).contains("| [slower](slower/results.md) |"));
        assertTrue(Files.readString(results.resolve("history.html")).contains("data:image/png;base64,"));
    }

    @Test
    void noiseFloorFromRepeatedRunsThenACompareAgainstIt() throws Exception {
        Path floor = dir.resolve("floor/noise.json");
        Files.createDirectories(floor.getParent());
        Result n = run("noise", p("base"), p("same"), p("base"), "--out", floor.toString());
        assertEquals(0, n.code(), n.err() + n.out());
        assertTrue(n.out().startsWith("Noise floor of 3 runs (base, same, base), profile quick"), n.out());
        assertTrue(n.out().contains("PyTorch/mlp/infer/b32/t1/cpu"), n.out());
        assertTrue(Files.readString(floor).contains("\"format\" : \"dlbench-noise\""));
        Result c = run("compare", p("base"), p("slower"), "--noise", floor.toString(), "--format", "markdown");
        assertTrue(c.out().contains("| floor, 3 runs |"), c.out());
        assertTrue(c.out().contains("noise floor: runs base, same, base (profile quick)"), c.out());
        // a floor of this machine does not hold for another
        Result other = run("compare", p("otherhost"), p("otherhost"), "--noise", floor.toString());
        assertEquals(2, other.code(), other.err() + other.out());
        assertTrue(other.err().contains("does not hold for run otherhost: it was measured on Test CPU 3000"),
                other.err());
    }

    @Test
    void reportWritesHtml() throws Exception {
        Path html = dir.resolve("report/run.html");
        Result r = run("report", p("base"), "--html", html.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals("Wrote " + html + "\n", r.out());
        assertTrue(Files.readString(html).contains("data:image/png;base64,"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "missing baseline     | compare @/none @/same                    | baseline: no results file at @/none",
        "missing candidate    | compare @/base @/none.json               | candidate: no results file at @/none.json",
        "corrupt candidate    | compare @/base @/corrupt.json            | candidate: @/corrupt.json: results: not valid JSON at line 1, column 35: the file ends early (truncated?)",
        "foreign baseline     | compare @/foreign.json @/base            | baseline: @/foreign.json: schema_version: missing; not a dlbench results file",
        "wrong schema         | compare @/base @/future.json             | candidate: @/future.json: schema_version: 99; this dlbench reads 1",
        "empty runs           | compare @/empty @/empty                  | no result could be compared: the runs hold no results",
        "one side empty       | compare @/base @/empty                   | no result could be compared: only in baseline (2)",
        "bad threshold        | compare @/base @/same --threshold abc    | threshold must be a percentage such as 5% or 2.5%, got 'abc'",
        "negative threshold   | compare @/base @/same --threshold -5%    | threshold must be at least 0% and below 100%, got '-5%'",
        "huge threshold       | compare @/base @/same --threshold 100    | threshold must be at least 0% and below 100%, got '100'",
        "bad alpha            | compare @/base @/same --alpha 1.5        | alpha must be between 0 and 1 (exclusive), got 1.5",
        "alpha not a number   | compare @/base @/same --alpha x          | Invalid value for option '--alpha'",
        "unknown format       | compare @/base @/same --format xml       | unknown format 'xml' (known: table, markdown, json, html)",
        "unwritable out       | compare @/base @/same --out @/plain-file/x.md | cannot write --out @/plain-file/x.md: @/plain-file is a file, not a directory",
        "unwritable html      | compare @/base @/same --html @/plain-file/x.html | cannot write --html @/plain-file/x.html",
        "out is a directory   | compare @/base @/same --out @/nothing-here | cannot write --out @/nothing-here: it is a directory",
        "one argument         | compare @/base                           | Missing required parameter: 'CANDIDATE'",
        "history missing dir  | history @/none                           | no results directory at @/none",
        "history of a file    | history @/plain-file                     | @/plain-file is a file, not a results directory",
        "history without runs | history @/nothing-here                   | no readable run under @/nothing-here",
        "report html missing  | report @/none --html @/x.html            | no results file at @/none",
        "report html unwritable | report @/base --html @/plain-file/r.html | cannot write --html @/plain-file/r.html",
        "noise of one run     | noise @/base                             | (RUN) requires at least 2 values, but only 1 were specified",
        "noise other machine  | noise @/base @/otherhost --out @/n.json  | come from different machines",
        "noise corrupt run    | noise @/base @/corrupt.json --out @/n.json | @/corrupt.json: results: not valid JSON",
        "noise out is a dir   | noise @/base @/same --out @/nothing-here | cannot write --out @/nothing-here: it is a directory",
        "compare bad noise    | compare @/base @/same --noise @/foreign.json | --noise: @/foreign.json: format: expected \"dlbench-noise\"",
        "compare no noise file | compare @/base @/same --noise @/none.json | --noise: no noise floor file at @/none.json",
        "bad correction       | compare @/base @/same --correction bonferroni | unknown correction 'bonferroni' (known: bh, holm, none)",
        "history bad noise    | history @/nothing-here --noise @/foreign.json | --noise: @/foreign.json: format",
    })
    void unusableInputExitsTwoWithOneClearLine(String what, String args, String expected) {
        String[] argv = args.replace("@", dir.toString()).trim().split("\\s+");
        Result r = run(argv);
        assertEquals(2, r.code(), what + ": " + r.err() + r.out());
        String msg = expected.replace("@", dir.toString());
        assertTrue(r.err().contains(msg), what + ": " + r.err());
        assertFalse(r.err().contains("Exception") || r.err().contains("\tat "), what + " printed a stack trace: " + r.err());
        assertTrue(r.err().lines().count() <= 2, what + ": one line (plus picocli's hint): " + r.err());
    }
}
