package io.cortado.http;

import io.cortado.Context;
import io.cortado.Future;
import io.cortado.Poll;
import io.cortado.io.AsyncRead;
import io.cortado.io.AsyncWrite;
import io.cortado.stream.Stream;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A request body: a {@link Stream} of the body's bytes, decoded from the connection ({@code Content-Length} or
 * chunked) only as it is polled, so a handler that reads slowly slows its client down (backpressure through
 * TCP). Each item is a fresh buffer the handler may keep. Trailer fields of a chunked body are read and dropped.
 *
 * <p>Read it from the handler's future (the connection's task polls it), before the response is ready: after
 * that the connection goes on with the next request, and polling the body throws {@link IllegalStateException}.
 * A body not read to its end by then makes the server close the connection after the response (unless its rest
 * was already buffered). When the request has {@code Expect: 100-continue}, the first poll that needs bytes from
 * the client sends {@code 100 Continue}; a handler that answers without reading the body never sends it.
 *
 * <p>Failures: an {@link HttpException} with 400 (bad chunked framing, the connection ending inside the body), 413
 * (a chunked body over the server's limit) or 431 (trailers over the head limit); an I/O failure as an
 * {@link java.io.UncheckedIOException}. Cancelling (the stream's {@link #cancel()}) only stops reading.
 */
public final class Body implements Stream<ByteBuffer> {
    static final Body EMPTY = new Body(null, 0, 0);

    private static final int DATA = 0;
    private static final int SIZE = 1;
    private static final int DATA_END = 2;
    private static final int TRAILERS = 3;
    private static final int DONE = 4;
    private static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private final Wire wire;
    private final boolean chunked;
    private final long max;
    private int state;
    /** Bytes left: of the body (Content-Length), of the current chunk (chunked). */
    private long remaining;
    private long total;
    private int trailerBytes;
    private boolean detached;
    private AsyncWrite continueTo;
    private ByteBuffer continueBytes;

    /**
     * @param length the Content-Length, or {@code -1} for chunked
     */
    Body(Wire wire, long length, long max) {
        this.wire = wire;
        this.chunked = length < 0;
        this.max = max;
        this.remaining = Math.max(length, 0);
        this.state = chunked ? SIZE : length == 0 ? DONE : DATA;
    }

    /** The first read that needs the client's bytes sends {@code 100 Continue} to {@code out} first. */
    void sendContinueTo(AsyncWrite out) {
        continueTo = out;
        continueBytes = ByteBuffer.wrap(CONTINUE);
    }

    /** @return whether a {@code 100 Continue} was due and has not been (fully) sent */
    boolean continueUnsent() {
        return continueBytes != null;
    }

    /** The response is ready: the connection takes its input back. */
    void detach() {
        if (this != EMPTY) {
            detached = true;
        }
    }

    /** @return whether the whole body has been read */
    public boolean isDone() {
        return state == DONE;
    }

    /**
     * Skips the rest of a {@code Content-Length} body if it is all in the buffer already.
     *
     * @return whether the body is now done
     */
    boolean skipBuffered() {
        if (state == DATA && !chunked && remaining <= wire.available()) {
            wire.start += (int) remaining;
            remaining = 0;
            state = DONE;
        }
        return state == DONE;
    }

    /**
     * {@inheritDoc}
     *
     * <p><b>Cancel safety:</b> cancel-safe: bytes are consumed only by the poll that returns them.
     */
    @Override
    public Poll<ByteBuffer> pollNext(Context cx) {
        if (state == DONE) {
            return Poll.ready(null);
        }
        if (detached) {
            throw new IllegalStateException("the request body was polled after its response was ready");
        }
        for (; ; ) {
            if (wire.available() > 0) {
                continueBytes = null; // the client sends the body already: no 100 Continue is needed
            }
            switch (state) {
                case DATA -> {
                    if (remaining == 0) {
                        if (chunked) {
                            state = DATA_END;
                            continue;
                        }
                        state = DONE;
                        return Poll.ready(null);
                    }
                    int avail = wire.available();
                    if (avail > 0) {
                        int n = (int) Math.min(avail, remaining);
                        ByteBuffer b = ByteBuffer.wrap(Arrays.copyOfRange(wire.buf, wire.start, wire.start + n));
                        wire.start += n;
                        remaining -= n;
                        if (!chunked && remaining == 0) {
                            state = DONE;
                        }
                        return Poll.ready(b);
                    }
                }
                case SIZE -> {
                    if (sizeLine()) {
                        continue;
                    }
                }
                case DATA_END -> {
                    if (wire.available() >= 2) {
                        if (wire.buf[wire.start] != '\r' || wire.buf[wire.start + 1] != '\n') {
                            throw new HttpException(400, "chunk data not followed by CRLF");
                        }
                        wire.start += 2;
                        state = SIZE;
                        continue;
                    }
                    if (wire.available() == 1 && wire.buf[wire.start] != '\r') {
                        throw new HttpException(400, "chunk data not followed by CRLF");
                    }
                }
                case TRAILERS -> {
                    int nl = lineEnd(wire.limits.maxHeaderBytes() - trailerBytes + 1);
                    if (nl >= 0) {
                        int len = nl + 1 - wire.start;
                        if (len < 2 || wire.buf[nl - 1] != '\r') {
                            throw new HttpException(400, "trailer line not ended by CRLF");
                        }
                        if (len > 2) {
                            checkTrailer(wire.start, nl - 1);
                        }
                        wire.start = nl + 1;
                        trailerBytes += len;
                        if (trailerBytes > wire.limits.maxHeaderBytes()) {
                            throw new HttpException(431, "trailers larger than the head limit");
                        }
                        if (len == 2) {
                            state = DONE;
                            return Poll.ready(null);
                        }
                        continue;
                    }
                    if (trailerBytes + wire.available() > wire.limits.maxHeaderBytes()) {
                        throw new HttpException(431, "trailers larger than the head limit");
                    }
                }
                default -> throw new IllegalStateException("state " + state);
            }
            // more bytes are needed
            if (continueBytes != null) {
                while (continueBytes.hasRemaining()) {
                    if (continueTo.pollWrite(cx, continueBytes) == AsyncRead.PENDING) {
                        return Poll.pending();
                    }
                }
                if (continueTo.pollFlush(cx) == AsyncRead.PENDING) {
                    return Poll.pending();
                }
                continueBytes = null;
            }
            int n = wire.fill(cx);
            if (n == AsyncRead.PENDING) {
                return Poll.pending();
            }
            if (n == AsyncRead.EOF) {
                throw new HttpException(400, "the connection ended inside the request body");
            }
        }
    }

    /** @return the index of the next LF in the buffer, or -1; throws 400 past {@code limit} bytes without one */
    private int lineEnd(int limit) {
        byte[] b = wire.buf;
        int stop = Math.min(wire.end, wire.start + limit);
        for (int i = wire.start; i < stop; i++) {
            if (b[i] == '\n') {
                return i;
            }
        }
        if (wire.available() >= limit) {
            throw new HttpException(400, "chunk line too long");
        }
        return -1;
    }

    /** Parses a chunk-size line if complete: {@code 1*HEXDIG [ BWS ";" ext ] CRLF}. */
    private boolean sizeLine() {
        int nl = lineEnd(Limits.MAX_CHUNK_LINE);
        if (nl < 0) {
            return false;
        }
        byte[] b = wire.buf;
        if (nl == wire.start || b[nl - 1] != '\r') {
            throw new HttpException(400, "chunk-size line not ended by CRLF");
        }
        int i = wire.start;
        long size = 0;
        int digits = 0;
        for (; i < nl - 1; i++) {
            int d = Character.digit(b[i], 16);
            if (d < 0 || b[i] < 0) {
                break;
            }
            if (++digits > 15) {
                throw new HttpException(400, "chunk size too long");
            }
            size = size * 16 + d;
        }
        if (digits == 0) {
            throw new HttpException(400, "malformed chunk size");
        }
        if (i < nl - 1) {
            int j = i;
            while (j < nl - 1 && (b[j] == ' ' || b[j] == '\t')) {
                j++;
            }
            if (j == nl - 1 || b[j] != ';') {
                throw new HttpException(400, "malformed chunk extension");
            }
            for (; j < nl - 1; j++) {
                if (!RequestParser.isValueByte(b[j])) {
                    throw new HttpException(400, "invalid byte in a chunk extension");
                }
            }
        }
        wire.start = nl + 1;
        if (size == 0) {
            state = TRAILERS;
        } else {
            total += size;
            if (total > max) {
                throw new HttpException(413, "chunked body over the limit " + max);
            }
            remaining = size;
            state = DATA;
        }
        return true;
    }

    private void checkTrailer(int from, int to) {
        byte[] b = wire.buf;
        int i = from;
        while (i < to && RequestParser.isTchar(b[i])) {
            i++;
        }
        if (i == from || i == to || b[i] != ':') {
            throw new HttpException(400, "malformed trailer field");
        }
        for (i++; i < to; i++) {
            if (!RequestParser.isValueByte(b[i])) {
                throw new HttpException(400, "invalid byte in a trailer field");
            }
        }
    }

    /**
     * Reads the whole body into one array.
     *
     * <p><b>Cancel safety:</b> not cancel-safe: the bytes read so far are lost with the future.
     *
     * @return a future of the bytes; it fails as {@link #pollNext} does
     */
    public Future<byte[]> bytes() {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        return cx -> {
            for (; ; ) {
                Poll<ByteBuffer> p = pollNext(cx);
                if (!p.isReady()) {
                    return Poll.pending();
                }
                ByteBuffer b = p.value();
                if (b == null) {
                    return Poll.ready(all.toByteArray());
                }
                all.write(b.array(), b.arrayOffset() + b.position(), b.remaining());
            }
        };
    }

    /**
     * Reads the whole body as UTF-8 text. <b>Cancel safety:</b> as {@link #bytes()}.
     *
     * @return a future of the text
     */
    public Future<String> text() {
        return bytes().map(b -> new String(b, StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "Body[" + (chunked ? "chunked" : "length") + ", " + (state == DONE ? "done" : "open") + "]";
    }
}
