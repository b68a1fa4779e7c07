package io.cortado.io;

import java.io.IOException;

/**
 * The process ran out of file descriptors (EMFILE/ENFILE). The resource was not created; others keep working.
 * Raise the limit ({@code ulimit -n}) or hold fewer connections.
 */
public final class TooManyOpenFilesException extends IOException {
    private static final long serialVersionUID = 1L;

    /** @param message what happened, and where */
    public TooManyOpenFilesException(String message, Throwable cause) {
        super(message, cause);
    }
}
