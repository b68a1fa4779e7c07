package io.cortado.io;

import io.cortado.Context;
import io.cortado.internal.Checks;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * Buffers an {@link AsyncWrite}: small writes are gathered and written in one go when the buffer fills or on
 * {@link #flush()}. Bytes sit in the buffer until flushed: flush (or {@link #shutdown()}) before you stop writing.
 * A writer belongs to one task at a time.
 */
public final class BufWriter implements AsyncWrite {
    /** The default buffer size. */
    public static final int DEFAULT_CAPACITY = 8 * 1024;
    private final AsyncWrite inner;
    /** Pending bytes in write mode: [0, position). */
    private final ByteBuffer buf;

    /** @param inner the sink; buffered with {@value #DEFAULT_CAPACITY} bytes */
    public BufWriter(AsyncWrite inner) {
        this(inner, DEFAULT_CAPACITY);
    }

    /**
     * @param capacity the buffer size, at least 1
     * @throws IllegalArgumentException if {@code capacity} is not positive
     */
    public BufWriter(AsyncWrite inner, int capacity) {
        this.inner = Objects.requireNonNull(inner, "inner");
        this.buf = ByteBuffer.allocate(Checks.checkPositive(capacity, "capacity"));
    }

    /** @return how many bytes wait in the buffer */
    public int buffered() {
        return buf.position();
    }

    @Override
    public int pollWrite(Context cx, ByteBuffer src) {
        if (!src.hasRemaining()) {
            return 0;
        }
        if (src.remaining() > buf.remaining()) {
            if (drain(cx) == AsyncRead.PENDING) {
                return AsyncRead.PENDING;
            }
            if (src.remaining() >= buf.capacity()) {
                return inner.pollWrite(cx, src); // too large to buffer: write it through
            }
        }
        int n = Math.min(src.remaining(), buf.remaining());
        buf.put(buf.position(), src, src.position(), n);
        buf.position(buf.position() + n);
        src.position(src.position() + n);
        return n;
    }

    /** Writes out the buffer: 0 when empty, or PENDING. */
    private int drain(Context cx) {
        if (buf.position() == 0) {
            return 0;
        }
        buf.flip();
        try {
            while (buf.hasRemaining()) {
                if (inner.pollWrite(cx, buf) == AsyncRead.PENDING) {
                    return AsyncRead.PENDING;
                }
            }
            return 0;
        } finally {
            buf.compact();
        }
    }

    @Override
    public int pollFlush(Context cx) {
        if (drain(cx) == AsyncRead.PENDING) {
            return AsyncRead.PENDING;
        }
        return inner.pollFlush(cx);
    }

    @Override
    public int pollShutdown(Context cx) {
        if (pollFlush(cx) == AsyncRead.PENDING) {
            return AsyncRead.PENDING;
        }
        return inner.pollShutdown(cx);
    }
}
