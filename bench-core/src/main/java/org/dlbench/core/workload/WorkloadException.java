package org.dlbench.core.workload;

/** A workload file or definition that cannot be used; the message says which one, where and why. */
public class WorkloadException extends RuntimeException {
    public WorkloadException(String message) {
        super(message);
    }

    public WorkloadException(String message, Throwable cause) {
        super(message, cause);
    }
}
