package io.cortado.http;

import java.io.Serial;

/**
 * A request the server refuses, with the status it answers: thrown by the parser (400, 413, 414, 431, 501, 505) and
 * by a request {@link Body} whose bytes break the framing or the size limit (400, 413). A handler may throw it too
 * (or fail its future with it): the server then answers its {@link #status()} instead of 500.
 *
 * <p>It carries no stack trace: a malformed request is an input, not a bug, and a hostile client must not make
 * the server pay for stack walks.
 */
public final class HttpException extends RuntimeException {
    @Serial
    private static final long serialVersionUID = 1L;

    private final int status;

    /**
     * @param status  the HTTP status to answer, 400..599
     * @param message what was wrong, for logs (it is not sent to the client)
     */
    public HttpException(int status, String message) {
        super(message, null, false, false);
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("status : " + status + " (expected: 400..599)");
        }
        this.status = status;
    }

    /** @return the status the server answers */
    public int status() {
        return status;
    }

    @Override
    public String toString() {
        return "HttpException: " + status + " " + getMessage();
    }
}
