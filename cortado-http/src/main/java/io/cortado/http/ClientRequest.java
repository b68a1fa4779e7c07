package io.cortado.http;

import io.cortado.stream.Stream;

import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A request for the {@link HttpClient}: a method, an absolute {@code http} or {@code https} URI, header fields and
 * a body of bytes (sent with {@code Content-Length}) or a {@link Stream} (with {@code Content-Length} when its
 * length is given, else chunked). The client writes {@code Host}, the framing fields and {@code Connection}
 * itself. A request with bytes or no body can be sent again; one with a stream is used once.
 */
public final class ClientRequest {
    private static final byte[] NO_BYTES = new byte[0];

    private final String method;
    private final URI uri;
    private final List<String> fields = new ArrayList<>(4);
    private byte[] body = NO_BYTES;
    private Stream<ByteBuffer> stream;
    private long streamLength = -1;
    private boolean close;

    private ClientRequest(String method, URI uri) {
        this.method = Objects.requireNonNull(method, "method");
        this.uri = Objects.requireNonNull(uri, "uri");
        for (int i = 0; i < method.length(); i++) {
            char c = method.charAt(i);
            if (c > 0x7f || !RequestParser.isTchar((byte) c)) {
                throw new IllegalArgumentException("method : \"" + method + "\" (expected: a token)");
            }
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            throw new IllegalArgumentException("uri : " + uri + " (expected: an absolute http or https URI)");
        }
    }

    /** @return a request with {@code method} for {@code uri} */
    public static ClientRequest of(String method, URI uri) {
        return new ClientRequest(method, uri);
    }

    /** @return a {@code GET} request */
    public static ClientRequest get(String uri) {
        return of("GET", URI.create(uri));
    }

    /** @return a {@code POST} request with {@code body} */
    public static ClientRequest post(String uri, byte[] body) {
        return of("POST", URI.create(uri)).body(body);
    }

    /**
     * Adds a header field.
     *
     * @throws IllegalArgumentException as {@link Response#header(String, String)}: not a token, a control byte in
     *                                  the value, or a field the client writes ({@code Host}, {@code Content-Length},
     *                                  {@code Transfer-Encoding}, {@code Connection}, {@code Date})
     */
    public ClientRequest header(String name, String value) {
        if (name.equalsIgnoreCase("host")) {
            throw new IllegalArgumentException("name : Host (expected: not a field the client writes)");
        }
        Response.of(200).header(name, value); // the same validation as the server's responses
        fields.add(name);
        fields.add(value);
        return this;
    }

    /** Sets the body (not copied). */
    public ClientRequest body(byte[] bytes) {
        body = Objects.requireNonNull(bytes, "bytes");
        stream = null;
        return this;
    }

    /** Sets the body to {@code text} in UTF-8. */
    public ClientRequest body(String text) {
        return body(text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Streams the body, polled as the connection takes it.
     *
     * @param length the exact length ({@code Content-Length}), or {@code -1} for chunked
     */
    public ClientRequest body(Stream<ByteBuffer> chunks, long length) {
        if (length < -1) {
            throw new IllegalArgumentException("length : " + length + " (expected: >= -1)");
        }
        stream = Objects.requireNonNull(chunks, "chunks");
        streamLength = length;
        body = NO_BYTES;
        return this;
    }

    /** Asks the server to close the connection after the response ({@code Connection: close}). */
    public ClientRequest close() {
        close = true;
        return this;
    }

    /** @return the method */
    public String method() {
        return method;
    }

    /** @return the URI */
    public URI uri() {
        return uri;
    }

    boolean closeRequested() {
        return close;
    }

    List<String> fields() {
        return fields;
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

    @Override
    public String toString() {
        return method + " " + uri;
    }
}
