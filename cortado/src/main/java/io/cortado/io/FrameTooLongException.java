package io.cortado.io;

import java.io.IOException;

/**
 * A peer sent a frame longer than the codec's maximum. The connection's framing is then unreliable: close it.
 * Nothing beyond the maximum was buffered.
 */
public final class FrameTooLongException extends IOException {
    private static final long serialVersionUID = 1L;

    /** @param message the limit and what exceeded it */
    public FrameTooLongException(String message) {
        super(message);
    }
}
