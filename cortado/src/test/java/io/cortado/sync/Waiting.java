package io.cortado.sync;

import io.cortado.Future;
import io.cortado.Poll;
import io.cortado.testing.HandPolled;

import java.util.function.Supplier;

/**
 * One thread's waiting operation in a model check (an acquire, a lock, a send, a notified): started on the first
 * {@link #step}, polled by hand on later steps until it completes, or cancelled. Thread-confined: each thread of a
 * scenario has its own.
 *
 * @param <T> the output type
 */
final class Waiting<T> {
    /** What a {@link #step} or {@link #cancel} did. */
    enum Outcome {
        /** Nothing was pending ({@link #cancel}), or a completed value is still held ({@link #step}). */
        NONE,
        /** The operation is pending. */
        PENDING,
        /** It completed at its first poll. */
        DONE_AT_ONCE,
        /** It completed after it had waited and been woken. */
        DONE_AFTER_WAKE,
        /** It completed after it had waited, on a poll that no wake asked for. */
        DONE_UNWOKEN,
        /** It was cancelled while it waited, unwoken. */
        CANCELLED_WAITING,
        /** It was cancelled after a wake and before the poll that would have completed it. */
        CANCELLED_AFTER_WAKE
    }

    private final Supplier<Future<T>> start;
    private HandPolled<T> pending;
    private T value;
    private boolean holding;

    Waiting(Supplier<Future<T>> start) {
        this.start = start;
    }

    /** Starts the operation if none is pending or held, else polls the pending one. */
    Outcome step() {
        if (holding) {
            return Outcome.NONE;
        }
        boolean started = pending != null;
        if (!started) {
            pending = new HandPolled<>(start.get());
        }
        boolean woken = pending.wokenSincePending();
        Poll<T> p = pending.poll();
        if (!p.isReady()) {
            return Outcome.PENDING;
        }
        pending = null;
        value = p.value();
        holding = true;
        return !started ? Outcome.DONE_AT_ONCE : woken ? Outcome.DONE_AFTER_WAKE : Outcome.DONE_UNWOKEN;
    }

    /** Cancels the pending operation, if any. */
    Outcome cancel() {
        if (pending == null) {
            return Outcome.NONE;
        }
        boolean woken = pending.wokenSincePending();
        pending.future().cancel();
        pending = null;
        return woken ? Outcome.CANCELLED_AFTER_WAKE : Outcome.CANCELLED_WAITING;
    }

    /** @return whether a completed value is held (until {@link #take}) */
    boolean holding() {
        return holding;
    }

    /** @return the completed value, which is no longer held */
    T take() {
        T v = value;
        value = null;
        holding = false;
        return v;
    }

    /** @return whether an operation is pending */
    boolean isPending() {
        return pending != null;
    }

    /** @return whether the pending operation was woken since its latest poll */
    boolean woken() {
        return pending != null && pending.wokenSincePending();
    }

    /** The no-lost-wake check of {@link HandPolled#assertNoLostWake}, if an operation is pending. */
    void assertNoLostWake(String what) {
        if (pending != null) {
            pending.assertNoLostWake(what);
        }
    }

    /**
     * Settles a pending operation after the race: a woken one is polled once more (and may complete), any other is
     * cancelled. No-lost-wake must be checked first.
     *
     * @return whether it completed (its value is then held)
     */
    boolean settle() {
        if (pending == null) {
            return false;
        }
        if (pending.wokenSincePending()) {
            Poll<T> p = pending.poll();
            if (p.isReady()) {
                pending = null;
                value = p.value();
                holding = true;
                return true;
            }
        }
        pending.future().cancel();
        pending = null;
        return false;
    }
}
