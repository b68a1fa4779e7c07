package io.cortado.sync;

import java.io.Serial;

/**
 * The channel or primitive was closed: a send to a channel whose receiver is gone (the unsent value is handed
 * back by {@link #value()}), an acquire on a closed semaphore, a receive from a one-shot whose sender closed
 * without sending.
 */
public final class ClosedException extends IllegalStateException {
    @Serial
    private static final long serialVersionUID = 1L;

    /** The value that could not be sent, or {@code null}. Transient: not part of the serialised form. */
    private final transient Object value;

    /** @param message what was closed */
    public ClosedException(String message) {
        this(message, null);
    }

    /**
     * @param message what was closed
     * @param value   the value that could not be sent, handed back to the caller
     */
    public ClosedException(String message, Object value) {
        super(message);
        this.value = value;
    }

    /** @return the value that could not be sent, or {@code null} */
    public Object value() {
        return value;
    }
}
