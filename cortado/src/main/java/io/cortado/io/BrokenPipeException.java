package io.cortado.io;

import java.net.SocketException;

/** A write reached a connection or pipe that the peer has closed. */
public final class BrokenPipeException extends SocketException {
    private static final long serialVersionUID = 1L;

    /** @param message what happened, and where */
    public BrokenPipeException(String message) {
        super(message);
    }
}
