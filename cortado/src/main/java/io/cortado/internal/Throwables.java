package io.cortado.internal;

import java.util.concurrent.CompletionException;

/** Helpers for the failure convention of futures: a failure is an unchecked exception. */
public final class Throwables {
    private Throwables() {
    }

    /**
     * Returns {@code t} as an unchecked exception to throw from a poll: runtime exceptions and errors as they
     * are, checked exceptions wrapped in a {@link CompletionException}.
     */
    public static RuntimeException unchecked(Throwable t) {
        if (t instanceof RuntimeException re) {
            return re;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new CompletionException(t);
    }

    /**
     * Hands an error that has no caller to reach (a throwing waker, a runtime bug) to the current thread's uncaught
     * exception handler, without unwinding the runtime loop that caught it.
     */
    public static void reportUncaught(Throwable t) {
        Thread me = Thread.currentThread();
        me.getUncaughtExceptionHandler().uncaughtException(me, t);
    }
}
