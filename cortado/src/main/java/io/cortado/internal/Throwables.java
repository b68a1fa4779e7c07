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

    /**
     * Turns the failure of a blocking I/O task (files, pipes) into what an I/O future throws: the task's own
     * exception when it threw an unchecked one, an {@link java.io.UncheckedIOException} when the runtime shut down
     * before the work ran.
     *
     * @param what the operation, for the message
     */
    public static RuntimeException ofBlockingIo(io.cortado.JoinException e, String what) {
        if (e.isCancelled()) {
            return new java.io.UncheckedIOException(new java.io.IOException(what
                    + ": cancelled, because the runtime shut down before the blocking work ran"));
        }
        Throwable cause = e.getCause();
        if (cause instanceof RuntimeException re) {
            return re;
        }
        if (cause instanceof Error err) {
            throw err;
        }
        return e;
    }
}
