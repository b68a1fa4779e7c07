package io.cortado.testing;

import io.cortado.Future;
import io.cortado.Poll;

/**
 * A future polled by hand with its own {@link TestWaker}, for model checks of wake-ups. It remembers how many wakes
 * its waker had when its latest Pending poll <i>began</i>, which gives the no-lost-wake property as a check that can
 * be made at any moment: if no wake came since that poll began, a poll now must still be Pending
 * ({@link #assertNoLostWake}). A wake during the poll counts as a wake, so the check never blames a wake that raced
 * the poll itself.
 *
 * @param <T> the output type
 */
public final class HandPolled<T> {
    private final Future<T> future;
    private final TestWaker waker = new TestWaker();
    /** Wakes seen when the latest poll began, if it returned Pending; -1 otherwise. */
    private int wakesAtPendingPoll = -1;

    public HandPolled(Future<T> future) {
        this.future = future;
    }

    /** Polls once; a poll that throws counts as completed. */
    public Poll<T> poll() {
        int before = waker.wakes();
        wakesAtPendingPoll = -1;
        Poll<T> p = future.poll(waker.context());
        if (!p.isReady()) {
            wakesAtPendingPoll = before;
        }
        return p;
    }

    /** @return whether the latest poll returned Pending */
    public boolean isPending() {
        return wakesAtPendingPoll >= 0;
    }

    /** @return whether the waker was woken since the latest Pending poll began */
    public boolean wokenSincePending() {
        return isPending() && waker.wakes() != wakesAtPendingPoll;
    }

    /** @return the waker's wakes so far */
    public int wakes() {
        return waker.wakes();
    }

    /** @return the future */
    public Future<T> future() {
        return future;
    }

    /**
     * The no-lost-wake check: if the latest poll was Pending and no wake came since it began, polls once more and
     * fails if the future is now ready (or throws): it became ready without waking its task.
     *
     * @param what names the future in the failure message
     */
    public void assertNoLostWake(String what) {
        if (!isPending() || wokenSincePending()) {
            return;
        }
        Poll<T> p;
        try {
            p = poll();
        } catch (RuntimeException e) {
            throw new AssertionError("lost wake-up: " + what + " completed (" + e + ") without a wake", e);
        }
        if (p.isReady()) {
            throw new AssertionError("lost wake-up: " + what + " became ready (" + p.value() + ") without a wake");
        }
    }
}
