package io.cortado;

/**
 * Aborts a task without the right to await its output ({@link JoinHandle#abortHandle()}). Thread-safe.
 * Not meant to be implemented outside Cortado.
 */
public interface AbortHandle {

    /**
     * Requests cancellation of the task. A task that is idle is cancelled promptly on its runtime (its future's
     * {@link Future#cancel()} runs there); a task that is being polled is cancelled when that poll returns
     * {@code Pending}; a task whose poll returns {@code Ready} completes normally. Idempotent; no effect on a
     * finished task.
     */
    void abort();

    /** @return {@code true} once the task has completed, failed or been cancelled */
    boolean isFinished();
}
