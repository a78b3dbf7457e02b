package org.dlbench.core.run;

import org.dlbench.core.process.ParentWatch;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Starts a child JVM for one engine family with the cell's thread settings in its environment (OMP_NUM_THREADS
 * cannot be changed inside a running JVM), plus what the family's modules ask for in their
 * {@link EngineFamily#ENV_FILE}, waits at most a time limit, and kills the whole process tree on timeout.
 */
final class ChildJvm {
    /** What a finished child left behind. */
    record Exit(int code, boolean timedOut, String logTail, String nativeCrash) {
        String describe(long timeoutSeconds) {
            if (timedOut) {
                return "timed out after " + timeoutSeconds + " s" + tail();
            }
            String cause = code > 128 ? "killed by signal " + (code - 128) + signalName(code - 128) : "exit code " + code;
            if (nativeCrash != null) {
                cause = "native crash: " + nativeCrash + ", JVM " + cause;
            }
            return "child JVM died (" + cause + ")" + tail();
        }

        private String tail() {
            return logTail.isBlank() ? "" : "; last log lines: " + logTail;
        }

        private static String signalName(int signal) {
            return switch (signal) {
                case 6 -> " SIGABRT";
                case 9 -> " SIGKILL";
                case 11 -> " SIGSEGV";
                case 15 -> " SIGTERM";
                default -> "";
            };
        }
    }

    private static volatile Process current;

    static {
        // SIGTERM, Ctrl-C or System.exit while a child runs (describing, calibrating or measuring): stop it with us
        Runtime.getRuntime().addShutdownHook(new Thread(ChildJvm::killCurrent, "dlbench-kill-child"));
    }

    private ChildJvm() {
    }

    /** The environment and system properties every engine needs to stay offline and quiet. */
    static Map<String, String> environment(int threads, Path cache) {
        String t = Integer.toString(threads);
        return Map.of(
                "OMP_NUM_THREADS", t,
                "MKL_NUM_THREADS", t,
                "OPENBLAS_NUM_THREADS", t,
                "DJL_OFFLINE", "true",
                "OPT_OUT_TRACKING", "true",
                "DJL_CACHE_DIR", cache.resolve("djl").toString(),
                "TF_CPP_MIN_LOG_LEVEL", "2",
                // Spark (DL4J-Spark) binds to loopback only: a benchmark never opens ports on other interfaces
                "SPARK_LOCAL_IP", "127.0.0.1");
    }

    /**
     * Runs {@link CellMain} with the given arguments in {@code workDir} (where crash files land), output appended to
     * {@code log}.
     */
    static Exit run(String classpath, List<String> jvmArgs, List<String> args, int threads, Path cache, Path workDir,
                    Path log, long timeoutSeconds) throws IOException, InterruptedException {
        return run(classpath, jvmArgs, args, threads, cache, workDir, log, timeoutSeconds, Map.of());
    }

    /**
     * As above, with the engine's own environment ({@link org.dlbench.core.adapter.EngineAdapter#environment}) applied
     * last: {@code {threads}} is replaced, an empty value removes the variable.
     */
    static Exit run(String classpath, List<String> jvmArgs, List<String> args, int threads, Path cache, Path workDir,
                    Path log, long timeoutSeconds, Map<String, String> engineEnvironment)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-XX:ErrorFile=" + log.resolveSibling(log.getFileName() + ".hs_err_%p.log"));
        // the child (and its JMH fork) stops within a second when this runner is gone, even after kill -9
        cmd.add(ParentWatch.jvmArg());
        cmd.addAll(jvmArgs);
        cmd.add("-Dai.djl.offline=true");
        cmd.add("-Dorg.bytedeco.javacpp.cachedir=" + cache.resolve("javacpp"));
        cmd.add("-cp");
        cmd.add(classpath);
        cmd.add(CellMain.class.getName());
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().putAll(environment(threads, cache));
        // a module's own needs (e.g. DL4J's idle-wait policy, Spark's one thread per worker) override the defaults
        pb.environment().putAll(EngineFamily.moduleEnvironment(classpath, threads));
        engineEnvironment.forEach((name, value) -> {
            if (value == null || value.isEmpty()) {
                pb.environment().remove(name);
            } else {
                pb.environment().put(name, value.replace("{threads}", Integer.toString(threads)));
            }
        });
        Process p = pb.start();
        current = p;
        try {
            boolean done = p.waitFor(timeoutSeconds, TimeUnit.SECONDS);
            if (!done) {
                kill(p);
            }
            return new Exit(done ? p.exitValue() : -1, !done, tail(log, 5), nativeCrash(log));
        } finally {
            if (p.isAlive()) {
                // interrupted or failed while waiting: never leave the child running
                kill(p);
            }
            current = null;
        }
    }

    /** Kills the running child and its descendants (JMH forks), e.g. on Ctrl-C. */
    static void killCurrent() {
        Process p = current;
        if (p != null) {
            kill(p);
        }
    }

    /**
     * Processes other than this one whose command line names a file under {@code dir}: cell JVMs and JMH forks that
     * an earlier runner started for the run whose temporary directory that is.
     */
    static List<ProcessHandle> runningUnder(Path dir) {
        String given = dir + java.io.File.separator;
        String absolute = dir.toAbsolutePath().normalize() + java.io.File.separator;
        long self = ProcessHandle.current().pid();
        return ProcessHandle.allProcesses().filter(h -> h.pid() != self).filter(h -> {
            String cmd = h.info().commandLine().orElse("");
            return cmd.contains(given) || cmd.contains(absolute);
        }).toList();
    }

    /** Waits up to {@code seconds} for {@link #runningUnder} to end; returns those still running. */
    static List<ProcessHandle> awaitNoneUnder(Path dir, long seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        List<ProcessHandle> left = runningUnder(dir);
        while (!left.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(250);
            left = runningUnder(dir);
        }
        return left;
    }

    private static void kill(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        try {
            p.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static final java.util.regex.Pattern CRASH =
            java.util.regex.Pattern.compile("^#\\s+(SIG[A-Z]+) \\(0x\\w+\\)(.*)$", java.util.regex.Pattern.MULTILINE);
    private static final java.util.regex.Pattern FRAME =
            java.util.regex.Pattern.compile("^# Problematic frame:\\R#\\s*(.+)$", java.util.regex.Pattern.MULTILINE);

    /** The signal (and faulting frame) from the JVM's fatal error banner, if the child crashed natively. */
    static String nativeCrash(Path log) {
        try {
            String text = new String(Files.readAllBytes(log), StandardCharsets.UTF_8);
            java.util.regex.Matcher m = CRASH.matcher(text);
            if (!m.find()) {
                return null;
            }
            java.util.regex.Matcher f = FRAME.matcher(text);
            return m.group(1) + (f.find() ? " in " + f.group(1).strip() : "");
        } catch (IOException e) {
            return null;
        }
    }

    static String tail(Path log, int lines) {
        try {
            List<String> all = new String(Files.readAllBytes(log), StandardCharsets.UTF_8).lines()
                    .filter(l -> !l.isBlank()).toList();
            return String.join(" / ", all.subList(Math.max(0, all.size() - lines), all.size())).strip();
        } catch (IOException e) {
            return "";
        }
    }
}
