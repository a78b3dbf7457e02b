package org.dlbench.core.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A JVM running {@link ParentWatch} stops by itself once the process that started it is gone. */
class ParentWatchTest {
    @TempDir
    Path dir;

    private static List<String> java(Class<?> main, String... jvmArgs) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xshare:auto", "-XX:TieredStopAtLevel=1"));
        cmd.addAll(List.of(jvmArgs));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        return cmd;
    }

    /** Starts a {@link Child} watching this process, prints its PID, then waits forever. */
    public static final class Parent {
        public static void main(String[] args) throws Exception {
            Process child = new ProcessBuilder(java(Child.class, ParentWatch.jvmArg())).redirectErrorStream(true)
                    .redirectOutput(Path.of(args[0]).toFile()).start();
            System.out.println(child.pid());
            System.out.flush();
            Thread.sleep(Long.MAX_VALUE);
        }
    }

    /** Watches its parent, then waits forever. */
    public static final class Child {
        public static void main(String[] args) throws Exception {
            ParentWatch.start("test child");
            Thread.sleep(Long.MAX_VALUE);
        }
    }

    @Test
    void aChildStopsWithinSecondsOfItsParentsSigkill() throws Exception {
        Path childLog = dir.resolve("child.log");
        Process parent = new ProcessBuilder(withArg(java(Parent.class), childLog.toString()))
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        ProcessHandle child;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(parent.getInputStream(),
                StandardCharsets.UTF_8))) {
            child = ProcessHandle.of(Long.parseLong(r.readLine().strip())).orElseThrow();
        }
        try {
            Thread.sleep(1000);
            assertTrue(child.isAlive(), "the child runs while its parent does");
            parent.destroyForcibly(); // SIGKILL
            assertTrue(parent.waitFor(10, TimeUnit.SECONDS));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (child.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertFalse(child.isAlive(), "the child outlived its parent by 10 s");
            String log = Files.readString(childLog);
            assertTrue(log.contains("the process that started this test child (PID " + parent.pid() + ") is gone"),
                    log);
        } finally {
            child.destroyForcibly();
            parent.destroyForcibly();
        }
    }

    @Test
    void aChildWhoseNamedParentIsAlreadyGoneStopsAtOnce() throws Exception {
        // a process that has ended: its PID names no live ancestor
        Process gone = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-version").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        gone.waitFor();
        Process child = new ProcessBuilder(java(Child.class, "-D" + ParentWatch.PROPERTY + "=" + gone.pid()))
                .redirectErrorStream(true).redirectOutput(dir.resolve("orphan.log").toFile()).start();
        try {
            assertTrue(child.waitFor(10, TimeUnit.SECONDS), "a child whose parent is gone must stop");
            assertEquals(ParentWatch.EXIT_CODE, child.exitValue(), Files.readString(dir.resolve("orphan.log")));
        } finally {
            child.destroyForcibly();
        }
    }

    @Test
    void anAncestorIsFoundAndAStrangerIsNot() {
        ProcessHandle parent = ProcessHandle.current().parent().orElseThrow();
        assertEquals(parent.pid(), ParentWatch.ancestor(parent.pid()).orElseThrow().pid());
        assertFalse(ParentWatch.gone(parent));
        assertTrue(ParentWatch.ancestor(ProcessHandle.current().pid()).isEmpty(), "a process is not its own ancestor");
    }

    private static List<String> withArg(List<String> cmd, String arg) {
        List<String> all = new ArrayList<>(cmd);
        all.add(arg);
        return all;
    }
}
