package io.cortado;

import java.util.Objects;

/**
 * What a {@link Future} is polled with: the {@link Waker} to wake when it can make progress, and the task's
 * cooperative budget.
 *
 * <h2>Cooperative budget</h2>
 * A task that is always ready would keep its worker forever. Every task therefore starts each poll with a budget
 * of {@value #TASK_BUDGET} operations. Leaf operations that could otherwise complete again and again without
 * waiting (receiving from a channel that always has data, joining a finished task, {@link Task#consumeBudget()})
 * call {@link #consumeBudget()} first; once it returns {@code false} the operation wakes the task and returns
 * {@code Pending}, so the task yields and the others run. Combinators pass their context (or a
 * {@link #withWaker(Waker) derived one}, which shares the budget) to the futures they poll.
 *
 * <p>A context is only valid during the poll it was passed to; do not keep it. Keep {@link #waker()} instead.
 */
public interface Context {

    /** The number of budgeted operations a task may perform in one poll before it is forced to yield. */
    int TASK_BUDGET = 128;

    /** @return the waker of the task being polled */
    Waker waker();

    /**
     * Spends one unit of the polling task's budget.
     *
     * @return {@code true} if the operation may proceed; {@code false} if the budget is used up, in which case the
     * caller must call {@code waker().wake()} and return {@code Pending}
     */
    default boolean consumeBudget() {
        return true;
    }

    /**
     * Returns a context that wakes {@code waker} instead but spends this context's budget (for combinators that
     * give each child its own waker).
     *
     * @param waker the waker of the derived context
     * @return the derived context
     */
    default Context withWaker(Waker waker) {
        Objects.requireNonNull(waker, "waker");
        Context parent = this;
        return new Context() {
            @Override
            public Waker waker() {
                return waker;
            }

            @Override
            public boolean consumeBudget() {
                return parent.consumeBudget();
            }

            @Override
            public void waitingOn(Object what) {
                parent.waitingOn(what);
            }
        };
    }

    /**
     * Tells the polling task what this poll is about to return {@code Pending} on (a timer, a channel, a socket,
     * another task), for {@link Handle#dump()}: leaf futures call it; its {@code toString()} is read only when a
     * dump is taken. The default does nothing (a hand-made context has no task to tell).
     *
     * @param what the thing waited on
     */
    default void waitingOn(Object what) {
    }

    /**
     * Returns a context with an unlimited budget that wakes {@code waker}: for polling futures by hand.
     *
     * @param waker the waker
     * @return a new context
     */
    static Context of(Waker waker) {
        Objects.requireNonNull(waker, "waker");
        return () -> waker;
    }
}
