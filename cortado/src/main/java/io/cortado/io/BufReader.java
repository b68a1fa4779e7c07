package io.cortado.io;

import io.cortado.Context;
import io.cortado.Future;
import io.cortado.Poll;
import io.cortado.internal.Checks;
import io.cortado.stream.Stream;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * Buffers an {@link AsyncRead}: fewer, larger reads of the source, and frames decoded straight out of the buffer
 * ({@link #frames}, {@link #lines()}). The buffer grows, when a frame needs it, up to the decoder's
 * {@linkplain Decoder#maxFrameLength() maximum frame length} and no further.
 *
 * <p>A reader belongs to one task at a time. Bytes it has buffered are served by later reads, frames and lines
 * alike, so these may be mixed freely.
 */
public final class BufReader implements AsyncRead {
    /** The default buffer size. */
    public static final int DEFAULT_CAPACITY = 8 * 1024;
    private final AsyncRead inner;
    /** Buffered bytes in read mode: [position, limit). */
    private ByteBuffer buf;
    private boolean eof;

    /** @param inner the source; buffered with {@value #DEFAULT_CAPACITY} bytes */
    public BufReader(AsyncRead inner) {
        this(inner, DEFAULT_CAPACITY);
    }

    /**
     * @param capacity the initial buffer size, at least 1
     * @throws IllegalArgumentException if {@code capacity} is not positive
     */
    public BufReader(AsyncRead inner, int capacity) {
        this.inner = Objects.requireNonNull(inner, "inner");
        this.buf = ByteBuffer.allocate(Checks.checkPositive(capacity, "capacity")).flip();
    }

    /** @return the source */
    public AsyncRead inner() {
        return inner;
    }

    /** @return how many bytes are buffered */
    public int buffered() {
        return buf.remaining();
    }

    @Override
    public int pollRead(Context cx, ByteBuffer dst) {
        if (!dst.hasRemaining()) {
            return 0;
        }
        if (!buf.hasRemaining()) {
            if (eof) {
                return EOF;
            }
            if (dst.remaining() >= buf.capacity()) {
                return inner.pollRead(cx, dst); // a large read bypasses the buffer
            }
            int n = fill(cx, buf.capacity());
            if (n < 0) {
                return n;
            }
        }
        int n = Math.min(dst.remaining(), buf.remaining());
        dst.put(dst.position(), buf, buf.position(), n);
        dst.position(dst.position() + n);
        buf.position(buf.position() + n);
        return n;
    }

    /**
     * Reads more from the source into the buffer, growing it up to {@code max} bytes.
     *
     * @return the number of bytes added, {@link #EOF}, or {@link #PENDING}; {@code 0} if the buffer already holds
     * {@code max} bytes
     */
    private int fill(Context cx, int max) {
        if (eof) {
            return EOF;
        }
        if (buf.position() > 0 || buf.limit() == buf.capacity()) {
            buf.compact(); // now in write mode
            if (!buf.hasRemaining() && buf.capacity() < max) {
                ByteBuffer bigger = ByteBuffer.allocate((int) Math.min(max, 2L * buf.capacity()));
                buf.flip();
                bigger.put(buf);
                buf = bigger;
            }
        } else {
            buf.position(buf.limit()).limit(buf.capacity());
        }
        if (!buf.hasRemaining()) {
            buf.flip();
            return 0;
        }
        int n;
        try {
            n = inner.pollRead(cx, buf);
        } finally {
            buf.flip();
        }
        if (n == EOF) {
            eof = true;
        }
        return n;
    }

    /**
     * Decodes the next frame, reading more as needed (the poll form of {@link #readFrame}).
     *
     * @return {@code Ready(frame)}, {@code Ready(null)} at a clean end of the source, or {@code Pending} after
     * arranging a wake-up
     * @throws UncheckedIOException if decoding failed ({@link FrameTooLongException}, an {@link java.io.EOFException}
     *                              at an end in mid-frame) or the source failed
     */
    public <T> Poll<T> pollFrame(Context cx, Decoder<? extends T> decoder) {
        try {
            for (; ; ) {
                T frame = decoder.decode(buf);
                if (frame != null) {
                    return Poll.ready(frame);
                }
                if (eof) {
                    return Poll.ready(decoder.decodeEof(buf));
                }
                int n = fill(cx, Math.max(buf.capacity(), decoder.maxFrameLength()));
                if (n == PENDING) {
                    return Poll.pending();
                }
                if (n == 0) {
                    throw new FrameTooLongException("a frame needs more than the decoder's maximum of "
                            + decoder.maxFrameLength() + " bytes");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The next frame.
     *
     * <p><b>Cancel safety:</b> cancel-safe: bytes read stay in this reader's buffer for the next call.
     *
     * @return a future of the frame, or {@code null} at a clean end of the source
     */
    public <T> Future<T> readFrame(Decoder<T> decoder) {
        Objects.requireNonNull(decoder, "decoder");
        return cx -> pollFrame(cx, decoder);
    }

    /**
     * The frames of the source, as a stream that ends when the source ends.
     *
     * <p><b>Cancel safety:</b> as {@link #readFrame}: cancelling a pending {@code next()} loses nothing.
     */
    public <T> Stream<T> frames(Decoder<T> decoder) {
        Objects.requireNonNull(decoder, "decoder");
        return cx -> pollFrame(cx, decoder);
    }

    /**
     * The next line (see {@link LinesCodec}: UTF-8, {@code \n} or {@code \r\n}, at most
     * {@value LinesCodec#DEFAULT_MAX_LENGTH} bytes).
     *
     * <p><b>Cancel safety:</b> cancel-safe, as {@link #readFrame}.
     *
     * @return a future of the line without its end, or {@code null} at the end of the source
     */
    public Future<String> readLine() {
        return readFrame(new LinesCodec());
    }

    /**
     * The lines of the source as a stream (see {@link #readLine()}).
     *
     * @param maxLength the longest line accepted, in bytes; a longer one fails the stream with a
     *                  {@link FrameTooLongException}
     */
    public Stream<String> lines(int maxLength) {
        return frames(new LinesCodec(maxLength));
    }

    /** The lines of the source, each at most {@value LinesCodec#DEFAULT_MAX_LENGTH} bytes. */
    public Stream<String> lines() {
        return frames(new LinesCodec());
    }
}
