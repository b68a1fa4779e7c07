package io.cortado;

/**
 * The handle of a spawned task, and a {@link Future} of its output.
 *
 * <p>Polling the handle completes with the task's value, or throws a {@link JoinException}: failed (with the
 * task's exception as cause) or {@linkplain JoinException#isCancelled() cancelled}. A finished handle may be
 * polled again and gives the same outcome.
 *
 * <h2>Dropping interest detaches</h2>
 * {@link #cancel()} on a handle (what a {@code select} or a timeout does to a losing handle) <b>detaches</b>: the
 * task keeps running and its output is dropped, as with Tokio. To stop the task call {@link #abort()}; to get a
 * future whose cancellation aborts the task (smol's behaviour) use {@link #abortOnCancel()}.
 *
 * <h2>Cancel safety</h2>
 * Cancelling the future returned by {@link #abortOnCancel()} aborts the task. Cancelling the handle itself loses
 * the output but not the task's work.
 *
 * <p>Not meant to be implemented outside Cortado.
 *
 * <p>When the task's runtime closes before the task ends, the task's future is cancelled and the handle completes
 * with a {@link JoinException} whose {@link JoinException#isCancelled()} is true; joiners in other runtimes or
 * threads are woken (see ARCHITECTURE.md, "When a runtime closes").
 *
 * @param <T> the type of the task's output
 */
public interface JoinHandle<T> extends Future<T>, AbortHandle {

    /** @return an abort handle for this task (it may be shared with other threads) */
    AbortHandle abortHandle();

    /**
     * Detaches: the task runs on, its output is discarded. Idempotent.
     */
    @Override
    void cancel();

    /**
     * Returns a future of the task's output whose {@link Future#cancel()} aborts the task (and whose poll is this
     * handle's poll). Use it where abandoning the result should stop the work, e.g. as a {@code select} branch.
     *
     * @return the aborting future
     */
    default Future<T> abortOnCancel() {
        JoinHandle<T> self = this;
        return new Future<>() {
            @Override
            public Poll<T> poll(Context cx) {
                return self.poll(cx);
            }

            @Override
            public void cancel() {
                self.abort();
            }
        };
    }
}
