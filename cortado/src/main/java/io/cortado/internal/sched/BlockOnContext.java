package io.cortado.internal.sched;

import io.cortado.Future;
import io.cortado.Poll;
import io.cortado.Waker;
import io.cortado.internal.task.BudgetedContext;

/**
 * The context of a {@code blockOn} future: a waker that sets a flag and unparks the blocked thread's
 * {@link Parker}, and a budget reset on every poll. Created by, and polled on, the thread in {@code blockOn}.
 *
 * <p>The flag is volatile on both sides: a waker that finds it already set returns at once, which is safe because
 * the poller clears it <i>before</i> polling (the same argument as rule 4 of the task state word).
 */
final class BlockOnContext extends BudgetedContext implements Waker {
    private final Parker parker;
    private volatile boolean woken = true;

    BlockOnContext(Parker parker) {
        this.parker = parker;
    }

    @Override
    public void wake() {
        if (!woken) {
            woken = true;
            parker.unpark();
        }
    }

    @Override
    public Waker waker() {
        return this;
    }

    boolean isWoken() {
        return woken;
    }

    /** Clears the flag; {@code true} if it was set (the future must be polled). */
    boolean takeWoken() {
        if (woken) {
            woken = false;
            return true;
        }
        return false;
    }

    <T> Poll<T> poll(Future<T> future) {
        resetBudget();
        return future.poll(this);
    }
}
