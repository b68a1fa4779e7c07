package io.cortado.internal.future;

import io.cortado.Context;
import io.cortado.Waker;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The waker and context of one child of a future that polls many children on one task ({@code JoinAll},
 * {@code FuturesUnordered}): a wake queues the child once and wakes the parent task; polling through it spends the
 * parent task's budget.
 *
 * <h2>Rules</h2>
 * <ol>
 *   <li>A child is queued at most once: {@link #wake} queues it only if it moved {@link #flag} from false to true;
 *       the poller clears the flag <i>before</i> polling the child, so a wake during that poll queues it again.</li>
 *   <li>{@link #parentCx} is set by the poller around the child's poll only; the budget it spends is the parent's.</li>
 * </ol>
 */
public abstract class ChildWaker implements Waker, Context {
    /** Rule 1: set while the child is queued. */
    public final AtomicBoolean flag = new AtomicBoolean();
    /** Rule 2: the parent's context during a poll of this child; only the poller touches it. */
    public Context parentCx;

    /** Puts this child in its parent's queue (called once per false-to-true move of the flag). */
    protected abstract void enqueue();

    /** @return the parent task's latest waker, or {@code null} */
    protected abstract Waker parentWaker();

    @Override
    public final void wake() {
        if (!flag.get() && flag.compareAndSet(false, true)) {
            enqueue();
            Waker p = parentWaker();
            if (p != null) {
                p.wake();
            }
        }
    }

    @Override
    public final Waker waker() {
        return this;
    }

    @Override
    public final boolean consumeBudget() {
        Context cx = parentCx;
        return cx == null || cx.consumeBudget();
    }

    @Override
    public final void waitingOn(Object what) {
        Context cx = parentCx;
        if (cx != null) {
            cx.waitingOn(what);
        }
    }
}
