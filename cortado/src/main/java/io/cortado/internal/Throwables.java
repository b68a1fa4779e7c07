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
}
