package io.cortado.io;

import java.net.SocketException;

/** The peer reset the connection (TCP RST): what it sent after the last successful read may be lost. */
public final class ConnectionResetException extends SocketException {
    private static final long serialVersionUID = 1L;

    /** @param message what happened, and where */
    public ConnectionResetException(String message) {
        super(message);
    }
}
