package io.cortado.http;

import java.io.Serial;

/**
 * A request the {@link HttpClient} could not complete because of what the server sent (a malformed or oversized
 * status line, head or body, bad chunked framing, the connection ending early) or a client time-out. Only the
 * request it is thrown for fails: its connection is closed and the pool opens another for the next request.
 */
public final class HttpClientException extends RuntimeException {
    @Serial
    private static final long serialVersionUID = 1L;

    /** @param message what went wrong */
    public HttpClientException(String message) {
        super(message);
    }

    /** @param message what went wrong; @param cause the underlying failure */
    public HttpClientException(String message, Throwable cause) {
        super(message, cause);
    }
}
