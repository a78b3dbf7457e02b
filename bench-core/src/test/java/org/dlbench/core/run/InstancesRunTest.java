package org.dlbench.core.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.dlbench.core.adapter.Adapters;
import org.dlbench.core.adapter.Device;
import org.dlbench.core.adapter.EngineAdapter;
import org.dlbench.core.adapter.Mode;
import org.dlbench.core.adapter.Session;
import org.dlbench.core.adapter.SessionSpec;
import org.dlbench.core.adapter.Support;
import org.dlbench.core.adapter.ThreadPoolScope;
import org.dlbench.core.bench.EngineState;
import org.dlbench.core.bench.ForkReport;
import org.dlbench.core.result.CellResult;
import org.dlbench.core.result.Check;
import org.dlbench.core.result.Host;
import org.dlbench.core.result.Profile;
import org.dlbench.core.result.ResultsIO;
import org.dlbench.core.result.RunResult;
import org.dlbench.core.result.Status;
import org.dlbench.core.testkit.TestAdapters;
import org.dlbench.core.testkit.TestAdapters.CountingSession;
import org.dlbench.core.workload.Workload;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * K = 2 instances of a counting pure-Java engine measured by JMH in this JVM (no fork, short iterations): what is
 * opened, checked and counted, never how fast.
 */
class InstancesRunTest {
    /** In-process JMH: no warm-up, three iterations of 0.1 s, a 0.2 s latency phase. */
    private static final Profile SHORT = new Profile("smoke", 0, 0, 0.0, 3, 0.1, 0.2, 180);
    private static final int BATCH = 4;

    private static CellRequest request(String mode, int instances) {
        return new CellRequest("TestCounting", "mlp", "mlp", mode, BATCH, 1, "cpu", SHORT, null, null, instances);
    }

    @BeforeEach
    void forget() {
        TestAdapters.Counting.OPENED.clear();
    }

    @Test
    void jmhRunsOneThreadPerInstanceAndEveryPhaseCountsEveryInstance(@TempDir Path dir) throws Exception {
        JmhCell.Measurement m = JmhCell.run(request("infer", 2), dir.resolve("cell.forks"), BATCH);

        List<CountingSession> opened = TestAdapters.Counting.OPENED;
        assertEquals(2, opened.size(), "one session per instance");
        assertTrue(opened.stream().allMatch(s -> s.closed), "every session closed");
        // JMH's score over two threads is their sum, iteration by iteration
        assertEquals(3, m.samples().size());
        for (int i = 0; i < m.samples().size(); i++) {
            List<Double> threads = m.threadSamples().get(i);
            assertEquals(2, threads.size(), "two JMH threads");
            assertEquals(threads.get(0) + threads.get(1), m.samples().get(i), 1e-9 * m.samples().get(i));
        }
        // each session is called by its own instance thread and by its own JMH thread, never by another's
        Set<String> jmhThreads = new java.util.HashSet<>();
        for (int i = 0; i < 2; i++) {
            Set<String> callers = opened.get(i).callsByThread.keySet();
            assertTrue(callers.contains("dlbench-instance-" + i), callers.toString());
            Set<String> jmh = callers.stream().filter(n -> n.contains("jmh-worker")).collect(Collectors.toSet());
            assertEquals(1, jmh.size(), callers.toString());
            assertEquals(2, callers.size(), callers.toString());
            jmhThreads.addAll(jmh);
        }
        assertEquals(2, jmhThreads.size(), "instance i is JMH thread i's alone");

        assertEquals(1, m.forks().size());
        ForkReport f = m.forks().get(0);
        assertEquals(2, f.instances());
        Map<String, Check> checks = f.checks().stream().collect(Collectors.toMap(Check::name, c -> c));
        assertTrue(checks.get(EngineState.FORWARD).passed());
        assertTrue(checks.get(EngineState.FORWARD).detail().startsWith("all 2 instances passed"),
                checks.get(EngineState.FORWARD).detail());
        assertTrue(checks.get(EngineState.OUTPUTS_UNCHANGED).passed());
        // the instance threads made: the forward check, both bare loops, the latency phase and the check after
        // timing (no steady-state warm-up in this profile); the latency phase timed every one of its calls
        long onInstanceThreads = 0;
        for (int i = 0; i < 2; i++) {
            onInstanceThreads += opened.get(i).callsByThread.get("dlbench-instance-" + i).get();
        }
        long latencyCalls = onInstanceThreads - f.bareLoopBefore().calls() - f.bareLoopAfter().calls() - 2 - 2;
        assertNotNull(f.latency());
        assertEquals(latencyCalls, f.latency().count());
        assertTrue(f.latency().count() >= EngineState.MIN_LATENCY_CALLS, "each instance records its share");
        assertTrue(f.bareLoopBefore().calls() >= 2 * 5 * 2, "both instances, 5 chunks of at least 2 calls each");

        Map<String, String> s = f.settings();
        assertEquals("2", s.get(EngineState.INSTANCES_SETTING));
        assertEquals("per_session", s.get(ThreadPoolScope.SETTING));
        assertTrue(s.get(ThreadPoolScope.REASON_SETTING).startsWith("test:"));
        assertEquals("session", s.get("instances_settings_differ"), "the sessions' own settings that differ");

        // the latency phase's figure is K x batch / mean latency: the aggregate, like JMH's and the bare loop's
        CellResult.CrossCheck x = CrossChecks.of(m.score(), m.scoreError(), m.samples().size(), m.forks(), BATCH,
                f.latency(), BATCH);
        assertEquals(2 * BATCH * 1000.0 / f.latency().meanMs(), x.latencyPhase(), 1e-9 * x.latencyPhase());
        assertEquals(f.bareLoopBefore().calls() + f.bareLoopAfter().calls(),
                Math.round(x.bareLoop() / BATCH * (f.bareLoopBefore().seconds() + f.bareLoopAfter().seconds())));
    }

    @Test
    void aCellOfTwoInstancesRecordsThemAndItsJsonRoundTrips(@TempDir Path dir) throws Exception {
        CellResult r = CellMain.measure(request("infer", 2), dir.resolve("cell.json"));
        assertEquals(Status.OK, r.status(), r.reason());
        assertEquals(2, r.instances());
        assertEquals("2", r.settings().get("instances"));
        assertEquals("per_session", r.settings().get("thread_pool_scope"));
        assertTrue(r.checksPassed(), r.checks().toString());
        assertNotNull(r.crossCheck());
        assertNotNull(r.latency());
        assertNotNull(r.memory(), "peak memory of the benchmark process, as with one instance");
        // the checking JVM's start-up session, then the two timed instances
        assertEquals(3, TestAdapters.Counting.OPENED.size());

        Host host = new Host("box", "Some CPU", List.of(), 2, 1L << 34, "Linux", "6.1", "OpenJDK 17", List.of(),
                List.of());
        RunResult run = new RunResult(RunResult.SCHEMA_VERSION, "k2", "2026-11-30T00:00:00Z", null, "0.1.0", "abc",
                host, SHORT, List.of(r));
        Path file = dir.resolve("results.json");
        ResultsIO.write(run, file);
        assertTrue(java.nio.file.Files.readString(file).contains("\"instances\" : 2"));
        CellResult read = ResultsIO.read(file).results().get(0);
        assertEquals(2, read.instances());
        assertEquals(r, read);
    }

    @Test
    void trainingAndServerCellsRefuseSeveralInstances(@TempDir Path dir) {
        CellResult server = CellMain.measure(request("server", 2), dir.resolve("s.json"));
        assertEquals(Status.UNSUPPORTED, server.status());
        assertEquals("2 instances: concurrent instances are measured for inference only; a server cell runs one "
                + "session", server.reason());
        assertEquals(0, TestAdapters.Counting.OPENED.size(), "refused before any session is opened");
        EngineAdapter counting = Adapters.byName("TestCounting");
        assertNotNull(CellMain.instancesUnsupported(counting, Mode.TRAIN, 2));
        assertNull(CellMain.instancesUnsupported(counting, Mode.TRAIN, 1));
        assertNull(CellMain.instancesUnsupported(counting, Mode.INFER, 4));
    }

    @Test
    void aForkReportWrittenBeforeInstancesReadsAsOneInstance() throws Exception {
        ForkReport old = ResultsIO.JSON.readValue("{\"checks\":[],\"engine_version\":\"1\"}", ForkReport.class);
        assertNull(old.instances());
        assertEquals(1, old.instanceCount());
        ForkReport two = new ForkReport(List.of(), null, null, null, null, null, "1", Map.of(), null, null, null, 2);
        assertEquals(two, ResultsIO.JSON.readValue(ResultsIO.JSON.writeValueAsString(two), ForkReport.class));
    }

    @Test
    void anEngineThatCannotRunInstancesSaysWhy() {
        EngineAdapter single = new EngineAdapter() {
            @Override
            public String name() {
                return "Single";
            }

            @Override
            public Support supports(Workload workload, Mode mode, Device device) {
                return Support.yes();
            }

            @Override
            public Session open(SessionSpec spec) {
                throw new UnsupportedOperationException();
            }

            @Override
            public Support supportsInstances(int instances) {
                return instances == 1 ? Support.yes() : Support.no("one context per JVM");
            }
        };
        assertEquals("3 instances: one context per JVM", CellMain.instancesUnsupported(single, Mode.INFER, 3));
        assertEquals(ThreadPoolScope.Kind.UNKNOWN, single.threadPoolScope().kind(), "the default does not know");
        assertNotEquals("", single.threadPoolScope().reason());
    }
}
