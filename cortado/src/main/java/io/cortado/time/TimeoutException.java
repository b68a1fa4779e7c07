package io.cortado.time;

import java.io.Serial;
import java.time.Duration;

/**
 * A {@link Timeout} elapsed before its future completed; the future was cancelled. Unchecked, unlike
 * {@link java.util.concurrent.TimeoutException}, because it is thrown from {@code poll}, which declares no checked
 * exception.
 */
public final class TimeoutException extends RuntimeException {
    @Serial
    private static final long serialVersionUID = 1L;

    /** @param limit the time limit that elapsed */
    public TimeoutException(Duration limit) {
        super("the future did not complete within " + limit + "; it was cancelled");
    }
}
