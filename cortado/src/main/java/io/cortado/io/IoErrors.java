package io.cortado.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.SocketException;

/**
 * Turns the JDK's generic {@link IOException}s into the subtypes Cortado promises ({@link ConnectionResetException},
 * {@link BrokenPipeException}, {@link TooManyOpenFilesException}), and wraps them for a future's failure.
 */
public final class IoErrors {
    private IoErrors() {
    }

    /**
     * @param e   what the JDK threw
     * @param what the operation, for the message (e.g. "read from /127.0.0.1:8080")
     * @return the most specific subtype for {@code e}; a plain {@code IOException}, {@code SocketException} or
     * {@code ConnectException} comes back as the same type with {@code what} in its message; other subtypes as they
     * are
     */
    public static IOException classify(IOException e, String what) {
        if (e instanceof ConnectionResetException || e instanceof BrokenPipeException
                || e instanceof TooManyOpenFilesException) {
            return e;
        }
        String m = e.getMessage();
        if (m == null) {
            return e;
        }
        IOException specific;
        if (m.contains("Connection reset")) {
            specific = new ConnectionResetException(what + ": connection reset by peer");
        } else if (m.contains("Broken pipe")) {
            specific = new BrokenPipeException(what + ": the peer closed the connection (broken pipe)");
        } else if (m.contains("Too many open files")) {
            specific = new TooManyOpenFilesException(what + ": too many open files (raise ulimit -n)", e);
        } else if (e.getClass() == ConnectException.class) {
            specific = new ConnectException(what + ": " + m); // keep the type, name the operation
        } else if (e.getClass() == SocketException.class) {
            specific = new SocketException(what + ": " + m);
        } else if (e.getClass() == IOException.class) {
            specific = new IOException(what + ": " + m);
        } else {
            return e; // a specific JDK subtype (NoSuchFileException ...) already says what it is
        }
        if (specific.getCause() == null) {
            specific.initCause(e);
        }
        return specific;
    }

    /** @return {@code e}, classified, wrapped for a future's failure */
    public static UncheckedIOException unchecked(IOException e, String what) {
        return new UncheckedIOException(classify(e, what));
    }
}
