package io.cortado.http;

import io.cortado.Context;
import io.cortado.io.AsyncRead;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A connection's input: the stream and one buffer, {@code buf[start, end)} holding bytes read and not yet
 * consumed. Heads are parsed in place ({@link RequestParser}); bodies are decoded from it by {@link Body}.
 *
 * <p>The buffer starts at 8 KiB (less if the limits are smaller) and grows only when a head or chunk-size line
 * does not fit, up to {@link Limits#maxBuffer()}; consumed bytes are compacted away only when the buffer is full.
 * Not thread-safe: the connection's task reads it, or the request body's reader while the handler runs.
 */
final class Wire {
    final Limits limits;
    final RequestParser parser;
    private final AsyncRead io;
    byte[] buf;
    int start;
    int end;
    private ByteBuffer view;

    Wire(Limits limits, AsyncRead io) {
        this.limits = limits;
        this.parser = new RequestParser(limits);
        this.io = io;
        this.buf = new byte[Math.min(8192, limits.maxBuffer())];
        this.view = ByteBuffer.wrap(buf);
    }

    /** @return the number of unconsumed bytes */
    int available() {
        return end - start;
    }

    /**
     * Parses the next request's head if it is all in the buffer. Empty lines before a request line are skipped
     * (RFC 9112 2.2).
     *
     * @return the request (its body still in or behind the buffer), or {@code null} when more bytes are needed
     * @throws HttpException if the head is malformed or breaks a limit
     */
    Request tryParse() {
        if (!parser.inHead()) {
            while (end - start >= 2 && buf[start] == '\r' && buf[start + 1] == '\n') {
                start += 2;
            }
            if (end - start == 1 && buf[start] == '\r') {
                return null;
            }
        }
        if (start == end) {
            start = end = 0;
            return null;
        }
        int len = parser.scanHead(buf, start, end);
        if (len < 0) {
            return null;
        }
        Request r = parser.parse(buf, start, len);
        start += len;
        return r;
    }

    /**
     * Reads more bytes behind {@code end}, making room first (compacting, or growing up to the limit).
     *
     * @return the count read, {@link AsyncRead#EOF} or {@link AsyncRead#PENDING}
     */
    int fill(Context cx) {
        if (start == end) {
            start = end = 0;
        } else if (end == buf.length) {
            if (start > 0) {
                System.arraycopy(buf, start, buf, 0, end - start);
                end -= start;
                start = 0;
            } else if (buf.length < limits.maxBuffer()) {
                buf = Arrays.copyOf(buf, Math.min(buf.length * 2, limits.maxBuffer()));
                view = ByteBuffer.wrap(buf);
            } else {
                throw new IllegalStateException("the input buffer is full of one unfinished item");
            }
        }
        view.limit(buf.length).position(end);
        int n = io.pollRead(cx, view);
        if (n > 0) {
            end += n;
        }
        return n;
    }

    /** Drops every buffered byte (a connection that is closing reads to discard). */
    void discard() {
        start = end = 0;
    }
}
