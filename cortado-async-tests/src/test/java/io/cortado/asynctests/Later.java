package io.cortado.asynctests;

import io.cortado.Context;
import io.cortado.Future;
import io.cortado.Poll;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Futures that return {@code Pending} once (waking their task at once) and then complete: they force an async method
 * to suspend at an await, with whatever it has on the operand stack saved in its frame.
 */
final class Later<T> implements Future<T> {
    /** Polls of every {@code Later}, reset before each test: for tests that poll by hand on one thread. */
    static final AtomicInteger POLLS = new AtomicInteger();

    private final T value;
    private final RuntimeException failure;
    private boolean polledOnce;

    private Later(T value, RuntimeException failure) {
        this.value = value;
        this.failure = failure;
    }

    /** @return a future that is pending once, then ready with {@code value} */
    static <T> Future<T> value(T value) {
        return new Later<>(value, null);
    }

    /** @return a future that is pending once, then fails with {@code failure} */
    static <T> Future<T> failure(RuntimeException failure) {
        return new Later<>(null, failure);
    }

    static void resetPolls() {
        POLLS.set(0);
    }

    @Override
    public Poll<T> poll(Context cx) {
        POLLS.incrementAndGet();
        if (!polledOnce) {
            polledOnce = true;
            cx.waker().wake();
            return Poll.pending();
        }
        if (failure != null) {
            throw failure;
        }
        return Poll.ready(value);
    }
}
