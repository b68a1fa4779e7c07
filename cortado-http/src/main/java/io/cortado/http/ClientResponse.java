package io.cortado.http;

import io.cortado.Future;
import io.cortado.stream.Stream;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A response the {@link HttpClient} received: the status, the header fields and the body as a {@link Stream} of
 * buffers, read from the connection only as it is polled.
 *
 * <p>Read the body to its end (or {@link #bytes()}) to give the connection back to the pool; cancelling the body
 * stream before its end closes the connection. A response whose body is neither read to its end nor cancelled
 * keeps its connection open and counted against the pool's limit. Body failures (bad chunked framing, the
 * connection ending early, a body over the client's limit) are {@link HttpClientException}s.
 */
public final class ClientResponse {
    private final int status;
    private final String reason;
    private final List<String> fields;
    private final Stream<ByteBuffer> body;

    ClientResponse(int status, String reason, List<String> fields, Stream<ByteBuffer> body) {
        this.status = status;
        this.reason = reason;
        this.fields = fields;
        this.body = body;
    }

    /** @return the status code */
    public int status() {
        return status;
    }

    /** @return the reason phrase as sent (may be empty) */
    public String reason() {
        return reason;
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

    /** @return the values of every field named {@code name} (ignoring case), in order */
    public List<String> headers(String name) {
        List<String> values = new ArrayList<>(1);
        for (int i = 0; i < fields.size(); i += 2) {
            if (fields.get(i).equalsIgnoreCase(name)) {
                values.add(fields.get(i + 1));
            }
        }
        return values;
    }

    /**
     * The body, read as it is polled. <b>Cancel safety:</b> cancel-safe per item; cancelling the stream before its
     * end closes the connection.
     *
     * @return the body stream (used once)
     */
    public Stream<ByteBuffer> body() {
        return body;
    }

    /** @return the whole body, collected; <b>cancel safety:</b> cancelling it closes the connection */
    public Future<byte[]> bytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        return body.fold(out, (o, b) -> {
            byte[] a = new byte[b.remaining()];
            b.get(a);
            o.writeBytes(a);
            return o;
        }).map(ByteArrayOutputStream::toByteArray);
    }

    /** @return the whole body decoded as UTF-8; as {@link #bytes()} */
    public Future<String> text() {
        return bytes().map(b -> new String(b, StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "ClientResponse[" + status + "]";
    }
}
