package org.dlbench.core.process;

import java.util.Optional;

/**
 * Stops this JVM soon after the process that started it is gone, however that process died (SIGKILL included): a
 * daemon thread checks every {@link #POLL_MILLIS} ms that the parent is alive and still an ancestor of this process
 * (on Linux an orphan is handed to init or a subreaper), and when it is not, prints one line to stderr, kills this
 * JVM's own child processes and halts with {@link #EXIT_CODE}. Cell JVMs (started by the runner) and JMH's benchmark
 * processes (started by a cell JVM) run it, so killing the runner leaves no process of the run behind. The runner
 * itself runs it only when {@link #PROPERTY} is given (as the tests do): a run normally outlives the shell that
 * started it.
 *
 * <p>The parent to watch is named by the system property {@link #PROPERTY} (its PID), which the starting process
 * passes with {@link #jvmArg()}: a child started just as its parent died then stops at once instead of adopting
 * init as its parent.
 */
public final class ParentWatch {
    /** System property: PID of the process whose death stops this JVM. */
    public static final String PROPERTY = "dlbench.parent.pid";
    /** Exit code of a JVM stopped because its parent is gone. */
    public static final int EXIT_CODE = 86;
    /** How often the parent is checked. */
    static final long POLL_MILLIS = 500;
    /** Ancestors looked through at most (a guard against a cycle in a racing process table). */
    private static final int MAX_DEPTH = 64;

    private static Thread watcher;

    private ParentWatch() {
    }

    /** The JVM option that makes a child JVM started by this process watch this process. */
    public static String jvmArg() {
        return "-D" + PROPERTY + "=" + ProcessHandle.current().pid();
    }

    /**
     * Watches the process named by {@link #PROPERTY} or, without it, this process's parent. {@code what} names this
     * process in the line printed when it stops. Later calls do nothing.
     */
    public static synchronized void start(String what) {
        if (watcher != null) {
            return;
        }
        Long pid = expectedParent();
        if (pid == null) {
            Optional<ProcessHandle> parent = ProcessHandle.current().parent();
            if (parent.isEmpty()) {
                return;
            }
            pid = parent.get().pid();
        }
        long parentPid = pid;
        // the handle carries the parent's start time, so a reused PID does not pass for the parent
        Optional<ProcessHandle> parent = ancestor(parentPid);
        watcher = new Thread(() -> watch(parentPid, parent.orElse(null), what), "dlbench-parent-watch");
        watcher.setDaemon(true);
        watcher.start();
    }

    /** As {@link #start}, but only when {@link #PROPERTY} is set (e.g. in a JMH benchmark process of a cell). */
    public static void startIfAsked(String what) {
        if (System.getProperty(PROPERTY) != null) {
            start(what);
        }
    }

    private static Long expectedParent() {
        String value = System.getProperty(PROPERTY);
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            System.err.println("dlbench: ignoring -D" + PROPERTY + "=" + value + " (not a process id);"
                    + " watching the parent process instead");
            return null;
        }
    }

    private static void watch(long pid, ProcessHandle parent, String what) {
        try {
            while (parent != null && !gone(parent)) {
                Thread.sleep(POLL_MILLIS);
            }
        } catch (InterruptedException e) {
            return;
        }
        System.err.println("dlbench: the process that started this " + what + " (PID " + pid + ") is gone;"
                + " stopping PID " + ProcessHandle.current().pid() + " and its child processes (exit code "
                + EXIT_CODE + ")");
        System.err.flush();
        ProcessHandle.current().descendants().forEach(ProcessHandle::destroyForcibly);
        Runtime.getRuntime().halt(EXIT_CODE);
    }

    /** Whether {@code parent} died or is no longer an ancestor of this process (this process was reparented). */
    static boolean gone(ProcessHandle parent) {
        return !parent.isAlive() || ancestor(parent.pid()).filter(parent::equals).isEmpty();
    }

    /** The ancestor of this process with that PID, if there is one. */
    static Optional<ProcessHandle> ancestor(long pid) {
        Optional<ProcessHandle> p = ProcessHandle.current().parent();
        for (int depth = 0; p.isPresent() && depth < MAX_DEPTH; depth++) {
            if (p.get().pid() == pid) {
                return p;
            }
            p = p.get().parent();
        }
        return Optional.empty();
    }
}
