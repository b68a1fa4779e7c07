package io.cortado;

/**
 * Thrown when joining a task that did not produce a value: it failed (its poll threw; {@link #getCause()} is what
 * it threw) or it was cancelled ({@link #isCancelled()}: aborted, or cancelled by a runtime shutdown).
 */
public final class JoinException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final boolean cancelled;

    private JoinException(String message, Throwable cause, boolean cancelled) {
        super(message, cause);
        this.cancelled = cancelled;
    }

    /**
     * @param cause what the task's poll threw
     * @return an exception for a failed task
     */
    public static JoinException failed(Throwable cause) {
        return new JoinException("task failed: " + cause, cause, false);
    }

    /** @return an exception for a cancelled task */
    public static JoinException cancelled() {
        return new JoinException("task was cancelled", null, true);
    }

    /** @return {@code true} if the task was cancelled (aborted or shut down) rather than failed */
    public boolean isCancelled() {
        return cancelled;
    }

    /** @return {@code true} if the task failed with an exception, which {@link #getCause()} returns */
    public boolean isFailed() {
        return !cancelled;
    }
}
