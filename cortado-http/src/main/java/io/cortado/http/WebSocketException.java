package io.cortado.http;

import java.io.Serial;

/**
 * A WebSocket connection that ended with a protocol failure: the peer broke RFC 6455 (an unmasked frame: 1002, a
 * message over the size limit: 1009, text that is not UTF-8: 1007, ...) and the server has sent a Close frame with
 * that {@link #code()}; or the connection was closed before the close handshake (1006).
 *
 * <p>Like {@link HttpException} it carries no stack trace: a bad frame is an input, not a bug.
 */
public final class WebSocketException extends RuntimeException {
    @Serial
    private static final long serialVersionUID = 1L;

    private final int code;

    /**
     * @param code    the close status code (RFC 6455 7.4)
     * @param message what was wrong, for logs (the reason sent in the Close frame)
     */
    public WebSocketException(int code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    /** @return the close status code the connection ended with */
    public int code() {
        return code;
    }

    @Override
    public String toString() {
        return "WebSocketException: " + code + " " + getMessage();
    }
}
