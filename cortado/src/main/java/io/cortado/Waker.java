package io.cortado;

/**
 * A handle that tells an executor a task can make progress and should be polled again.
 *
 * <p>A future that returns {@link Poll#pending()} must first arrange for the waker of its {@link Context} to be
 * woken when progress becomes possible; otherwise nothing will ever poll it again.
 *
 * <p>{@link #wake()} is thread-safe and idempotent: waking twice before the next poll schedules one poll, and
 * waking a task that is already scheduled costs one atomic read. A wake may be spurious: a woken future is
 * polled and may return {@code Pending} again.
 *
 * <p>A task's waker is the task itself, so holding a waker keeps the task's memory reachable; futures drop the
 * wakers they hold when they complete or are {@linkplain Future#cancel() cancelled}.
 */
@FunctionalInterface
public interface Waker {

    /** Schedules the task this waker belongs to. Thread-safe, idempotent, never blocks. */
    void wake();

    /**
     * Whether waking this waker and {@code other} would wake the same task, so a future can skip replacing a
     * stored waker. The default is identity.
     *
     * @param other another waker, may be {@code null}
     * @return {@code true} if both wake the same task
     */
    default boolean willWake(Waker other) {
        return this == other;
    }

    /** @return a waker that does nothing (for polling a future by hand, e.g. in tests) */
    static Waker noop() {
        return NoopWaker.INSTANCE;
    }
}

/** The waker returned by {@link Waker#noop()}. */
enum NoopWaker implements Waker {
    INSTANCE;

    @Override
    public void wake() {
    }
}
