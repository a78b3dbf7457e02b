package org.dlbench.core.adapter;

/**
 * Whether the compute threads of an engine belong to each session or are shared by every session of the process:
 * what K concurrent instances of the engine really share. With {@link Kind#PER_SESSION} pools, K instances at T
 * threads run K x T compute threads; with a {@link Kind#PROCESS} pool they compete for one pool (or one
 * per-process thread setting), which the instances x threads table must be read with.
 *
 * @param kind per session, shared by the process, or not known
 * @param reason one line: how the engine sizes its pool, and where that was found
 */
public record ThreadPoolScope(Kind kind, String reason) {

    /** The scope of an engine's thread pool. */
    public enum Kind {
        /** Every session owns its pool (ONNX Runtime's session options, TensorFlow's ConfigProto). */
        PER_SESSION("per_session"),
        /** One pool or one thread setting for the whole process, whatever the number of sessions. */
        PROCESS("process"),
        /** The adapter does not say. */
        UNKNOWN("unknown");

        private final String id;

        Kind(String id) {
            this.id = id;
        }

        /** The value recorded in a result's settings. */
        public String id() {
            return id;
        }
    }

    /** Settings key of the scope ({@code per_session}, {@code process} or {@code unknown}). */
    public static final String SETTING = "thread_pool_scope";
    /** Settings key of the scope's reason. */
    public static final String REASON_SETTING = "thread_pool_scope_reason";

    public ThreadPoolScope {
        java.util.Objects.requireNonNull(kind, "kind");
        reason = reason == null ? "" : reason;
    }

    public static ThreadPoolScope perSession(String reason) {
        return new ThreadPoolScope(Kind.PER_SESSION, reason);
    }

    public static ThreadPoolScope process(String reason) {
        return new ThreadPoolScope(Kind.PROCESS, reason);
    }

    public static ThreadPoolScope unknown(String reason) {
        return new ThreadPoolScope(Kind.UNKNOWN, reason);
    }
}
