package io.cortado.internal.future;

import io.cortado.Context;
import io.cortado.Future;
import io.cortado.Poll;

/**
 * Stands in for a future that finished or was cancelled, so combinators drop their reference to it: polling it
 * is a contract violation and fails loudly.
 */
public enum Done implements Future<Object> {
    INSTANCE;

    /** @return the shared finished future */
    @SuppressWarnings("unchecked")
    public static <T> Future<T> future() {
        return (Future<T>) (Future<?>) INSTANCE;
    }

    @Override
    public Poll<Object> poll(Context cx) {
        throw new IllegalStateException("a future was polled after it completed or was cancelled "
                + "(wrap it with fuse() to poll it again harmlessly)");
    }
}
