package io.cortado.http;

import io.cortado.Future;
import io.cortado.stream.Stream;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * An HTTP response: a status, header fields and a body that is either bytes or a {@link Stream} of buffers.
 *
 * <p>The server writes the framing itself: {@code Content-Length} for a byte body or a stream of known length,
 * {@code Transfer-Encoding: chunked} for a stream of unknown length (a close-delimited body for an HTTP/1.0
 * client), {@code Date}, {@code Server} (unless the response has one) and {@code Connection}. Those framing fields
 * cannot be set here; call {@link #close()} to end the connection after this response.
 *
 * <p>Header fields are encoded as they are added, so a response can be built once and returned for many requests
 * (a constant answer), as long as it is not changed afterwards and its body is bytes. A response with a streamed
 * body is used once.
 */
public final class Response {
    private static final byte[] NO_BYTES = new byte[0];

    private final int status;
    private final List<String> fields = new ArrayList<>(4);
    private byte[] encoded = NO_BYTES;
    private int encodedLength;
    private boolean hasServer;
    private boolean close;
    private byte[] body = NO_BYTES;
    private Stream<ByteBuffer> stream;
    private long streamLength = -1;
    private Function<? super WebSocket, ? extends Future<Void>> upgrade;
    private int maxMessage;

    private Response(int status) {
        this.status = status;
    }

    /** @return a {@code 101} response that hands the connection to a WebSocket session ({@link WebSocket}) */
    static Response switching(int maxMessage, Function<? super WebSocket, ? extends Future<Void>> session) {
        Response r = new Response(101);
        r.upgrade = session;
        r.maxMessage = maxMessage;
        return r;
    }

    /**
     * @param status 100..599 (not 101: {@link WebSocket#upgrade} makes that one)
     * @return a response with that status and no body
     */
    public static Response of(int status) {
        if (status < 100 || status > 599 || status == 101) {
            throw new IllegalArgumentException("status : " + status
                    + " (expected: 100..599, not 101: see WebSocket.upgrade)");
        }
        return new Response(status);
    }

    /** @return a {@code 200} response with {@code text} as a {@code text/plain; charset=utf-8} body */
    public static Response text(String text) {
        return of(200).header("Content-Type", "text/plain; charset=utf-8").body(text);
    }

    /** @return a {@code 200} response with {@code json} as an {@code application/json} body */
    public static Response json(String json) {
        return of(200).header("Content-Type", "application/json").body(json);
    }

    /**
     * Adds a header field.
     *
     * @throws IllegalArgumentException if the name is not a token, the value holds a control byte (CR, LF, ...),
     *                                  or the name is one the server writes ({@code Content-Length},
     *                                  {@code Transfer-Encoding}, {@code Connection}, {@code Date})
     */
    public Response header(String name, String value) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("name : \"\" (expected: a token)");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c > 0x7f || !RequestParser.isTchar((byte) c)) {
                throw new IllegalArgumentException("name : \"" + name + "\" (expected: a token)");
            }
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c > 0xff || !RequestParser.isValueByte((byte) c)) {
                throw new IllegalArgumentException("value of " + name + " : holds character " + (int) c
                        + " (expected: visible characters, spaces and tabs)");
            }
        }
        String lower = name.toLowerCase(java.util.Locale.ROOT);
        switch (lower) {
            case "content-length", "transfer-encoding", "connection", "date" -> throw new IllegalArgumentException(
                    "name : " + name + " (expected: not a field the server writes; see Response's Javadoc)");
            case "server" -> hasServer = true;
            default -> {
            }
        }
        fields.add(name);
        fields.add(value);
        int need = encodedLength + name.length() + value.length() + 4;
        if (need > encoded.length) {
            encoded = java.util.Arrays.copyOf(encoded, Math.max(need, encoded.length * 2 + 32));
        }
        encodedLength = ascii(name, encoded, encodedLength);
        encoded[encodedLength++] = ':';
        encoded[encodedLength++] = ' ';
        encodedLength = ascii(value, encoded, encodedLength);
        encoded[encodedLength++] = '\r';
        encoded[encodedLength++] = '\n';
        return this;
    }

    private static int ascii(String s, byte[] to, int at) {
        for (int i = 0; i < s.length(); i++) {
            to[at++] = (byte) s.charAt(i);
        }
        return at;
    }

    /** Sets the body to {@code bytes} (not copied: do not change them afterwards). */
    public Response body(byte[] bytes) {
        body = Objects.requireNonNull(bytes, "bytes");
        stream = null;
        return this;
    }

    /** Sets the body to {@code text} in UTF-8. */
    public Response body(String text) {
        return body(text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Streams the body: the server polls {@code chunks} as the connection can take them (backpressure) and sends
     * them chunked (or close-delimited to an HTTP/1.0 client). A stream that fails ends the connection with the body
     * cut short (the client sees an incomplete message); for a {@code HEAD} request it is cancelled unpolled.
     */
    public Response body(Stream<ByteBuffer> chunks) {
        return body(chunks, -1);
    }

    /**
     * Streams a body of {@code length} bytes, sent with {@code Content-Length}. A stream that yields more or fewer
     * bytes ends the connection after what fits.
     *
     * @param length the exact length, or {@code -1} for unknown (chunked)
     */
    public Response body(Stream<ByteBuffer> chunks, long length) {
        stream = Objects.requireNonNull(chunks, "chunks");
        if (length < -1) {
            throw new IllegalArgumentException("length : " + length + " (expected: >= -1)");
        }
        streamLength = length;
        body = NO_BYTES;
        return this;
    }

    /** Ends the connection after this response ({@code Connection: close}). */
    public Response close() {
        close = true;
        return this;
    }

    /** @return the status */
    public int status() {
        return status;
    }

    /** @return the value of the first field named {@code name} (ignoring case), or {@code null} */
    public String header(String name) {
        for (int i = 0; i < fields.size(); i += 2) {
            if (fields.get(i).equalsIgnoreCase(name)) {
                return fields.get(i + 1);
            }
        }
        return null;
    }

    byte[] encodedFields() {
        return encoded;
    }

    int encodedLength() {
        return encodedLength;
    }

    boolean hasServer() {
        return hasServer;
    }

    boolean closeRequested() {
        return close;
    }

    Function<? super WebSocket, ? extends Future<Void>> upgrade() {
        return upgrade;
    }

    int maxMessage() {
        return maxMessage;
    }

    byte[] bytes() {
        return body;
    }

    Stream<ByteBuffer> stream() {
        return stream;
    }

    long streamLength() {
        return streamLength;
    }

    /** @return the reason phrase of a status (empty for unknown ones, as RFC 9112 allows) */
    static String reason(int status) {
        return switch (status) {
            case 100 -> "Continue";
            case 101 -> "Switching Protocols";
            case 200 -> "OK";
            case 201 -> "Created";
            case 202 -> "Accepted";
            case 204 -> "No Content";
            case 206 -> "Partial Content";
            case 301 -> "Moved Permanently";
            case 302 -> "Found";
            case 303 -> "See Other";
            case 304 -> "Not Modified";
            case 307 -> "Temporary Redirect";
            case 308 -> "Permanent Redirect";
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 408 -> "Request Timeout";
            case 409 -> "Conflict";
            case 410 -> "Gone";
            case 413 -> "Content Too Large";
            case 414 -> "URI Too Long";
            case 415 -> "Unsupported Media Type";
            case 417 -> "Expectation Failed";
            case 422 -> "Unprocessable Content";
            case 429 -> "Too Many Requests";
            case 431 -> "Request Header Fields Too Large";
            case 500 -> "Internal Server Error";
            case 501 -> "Not Implemented";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            case 505 -> "HTTP Version Not Supported";
            default -> "";
        };
    }

    @Override
    public String toString() {
        return "Response[" + status + "]";
    }
}
