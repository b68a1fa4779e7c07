package io.cortado.io;

import io.cortado.Context;
import io.cortado.Future;
import io.cortado.Poll;
import io.cortado.internal.Checks;
import io.cortado.stream.Stream;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * Buffers an {@link AsyncRead}: fewer, larger reads of the source, and frames decoded straight out of the buffer
 * ({@link #frames}, {@link #lines()}). The buffer grows, when a frame needs it, up to the decoder's
 * {@linkplain Decoder#maxFrameLength() maximum frame length} and no further, and shrinks back to its initial
 * capacity as soon as the large frame was taken and what is left fits in half of it, so an idle connection holds
 * its initial buffer only. With a {@link FrameBudget}, growing beyond the initial capacity reserves the extra bytes
 * from the budget shared with other readers, and fails the frame if the budget is spent.
 *
 * <p>A reader belongs to one task at a time. Bytes it has buffered are served by later reads, frames and lines
 * alike, in order, so these may be mixed freely: raw reads ({@link #pollRead}), frames of any decoders, lines. A
 * decoder that was not the last to take bytes from the buffer is {@linkplain Decoder#reset() reset} before it
 * decodes, so state it kept about the buffer (how far a {@link LinesCodec} scanned) never outlives the bytes.
 *
 * <p>After a failed frame (too long, over the budget, an end in mid-frame, a failed source) the reader drops its
 * buffered bytes and returns its share of the budget: the framing is lost, close the connection.
 *
 * <p>Guarded by {@code CodecTest}, {@code FrameBudgetTest} and the fuzz tests {@code BufReaderFuzzTest},
 * {@code LinesCodecFuzzTest} and {@code LengthDelimitedCodecFuzzTest}.
 */
public final class BufReader implements AsyncRead {
    /** The default buffer size. */
    public static final int DEFAULT_CAPACITY = 8 * 1024;
    private final AsyncRead inner;
    private final int initialCapacity;
    /** The budget that growth beyond {@link #initialCapacity} reserves from, or null. */
    private final FrameBudget budget;
    /** This reader's share of {@link #budget}: made at the first growth; holds capacity - initialCapacity. */
    private FrameBudget.Lease lease;
    /** Buffered bytes in read mode: [position, limit). */
    private ByteBuffer buf;
    private boolean eof;
    /** The decoder that last took bytes from the buffer (its remembered state is valid), or null. */
    private Decoder<?> lastDecoder;

    /** @param inner the source; buffered with {@value #DEFAULT_CAPACITY} bytes */
    public BufReader(AsyncRead inner) {
        this(inner, DEFAULT_CAPACITY);
    }

    /**
     * @param capacity the initial buffer size, at least 1
     * @throws IllegalArgumentException if {@code capacity} is not positive
     */
    public BufReader(AsyncRead inner, int capacity) {
        this(inner, capacity, null);
    }

    /**
     * A reader whose buffer growth beyond {@code capacity} is paid from {@code budget}.
     *
     * @param capacity the initial buffer size, at least 1; not counted in the budget
     * @param budget   shared with the readers of other connections; {@code null} for none
     * @throws IllegalArgumentException if {@code capacity} is not positive
     */
    public BufReader(AsyncRead inner, int capacity, FrameBudget budget) {
        this.inner = Objects.requireNonNull(inner, "inner");
        this.initialCapacity = Checks.checkPositive(capacity, "capacity");
        this.buf = ByteBuffer.allocate(capacity).flip();
        this.budget = budget;
    }

    /** @return the source */
    public AsyncRead inner() {
        return inner;
    }

    /** @return how many bytes are buffered */
    public int buffered() {
        return buf.remaining();
    }

    /** @return the buffer's current size */
    int capacity() {
        return buf.capacity();
    }

    /**
     * Drops the buffered bytes and returns this reader's share of its {@link FrameBudget} now, for a connection given
     * up in mid-frame (a read timed out, its task was cancelled). A reader that fails, or takes its large frame,
     * returns its share by itself. The reader may be used again afterwards (from an empty buffer).
     */
    public void release() {
        buf = ByteBuffer.allocate(initialCapacity).flip();
        lastDecoder = null;
        if (lease != null) {
            lease.release();
        }
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
                return inner.pollRead(cx, dst); // a large read bypasses the (empty) buffer
            }
            int n;
            try {
                n = fill(cx);
            } catch (RuntimeException | Error e) {
                release();
                throw e;
            }
            if (n == EOF || n == PENDING) {
                return n;
            }
        }
        int n = Math.min(dst.remaining(), buf.remaining());
        dst.put(dst.position(), buf, buf.position(), n);
        dst.position(dst.position() + n);
        buf.position(buf.position() + n);
        lastDecoder = null; // bytes left the buffer behind every decoder's back
        shrinkIfDrained();
        return n;
    }

    /** {@link #fill} returns this when the buffer is full. */
    private static final int FULL = -3;

    /**
     * Reads more from the source into the free space of the buffer (compacting it first).
     *
     * @return the number of bytes added, {@link #EOF}, {@link #PENDING}, or {@link #FULL}
     */
    private int fill(Context cx) {
        if (eof) {
            return EOF;
        }
        if (buf.position() > 0) {
            buf.compact(); // now in write mode
        } else {
            buf.position(buf.limit()).limit(buf.capacity());
        }
        if (!buf.hasRemaining()) {
            buf.flip();
            return FULL;
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

    /** Doubles the full buffer, up to {@code max} bytes, reserving the growth from the budget first. */
    private void grow(int max) throws FrameBudgetExceededException {
        int cap = buf.capacity();
        int bigger = (int) Math.min(max, 2L * cap);
        if (budget != null) {
            if (lease == null) {
                lease = budget.lease(this);
            }
            lease.reserve(bigger - cap);
        }
        buf = ByteBuffer.allocate(bigger).put(buf).flip();
        Reference.reachabilityFence(this); // FrameBudget rule 3: the lease is not expunged while it changes
    }

    /** Back to the initial capacity once what is buffered fits in half of it (FrameBudget: returns the share). */
    private void shrinkIfDrained() {
        if (buf.capacity() > initialCapacity && buf.remaining() <= initialCapacity / 2) {
            buf = ByteBuffer.allocate(initialCapacity).put(buf).flip();
            if (lease != null) {
                lease.release();
            }
        }
    }

    /**
     * Decodes the next frame, reading more as needed (the poll form of {@link #readFrame}).
     *
     * @return {@code Ready(frame)}, {@code Ready(null)} at a clean end of the source, or {@code Pending} after
     * arranging a wake-up
     * @throws UncheckedIOException if decoding failed ({@link FrameTooLongException}, an {@link java.io.EOFException}
     *                              at an end in mid-frame, a {@link FrameBudgetExceededException}) or the source
     *                              failed; the buffered bytes are then dropped
     */
    public <T> Poll<T> pollFrame(Context cx, Decoder<? extends T> decoder) {
        try {
            if (lastDecoder != decoder) {
                decoder.reset(); // bytes it may have seen were taken by others
                lastDecoder = decoder;
            }
            for (; ; ) {
                T frame = decoder.decode(buf);
                if (frame != null) {
                    shrinkIfDrained();
                    return Poll.ready(frame);
                }
                if (eof) {
                    frame = decoder.decodeEof(buf);
                    shrinkIfDrained();
                    return Poll.ready(frame);
                }
                int n = fill(cx);
                if (n == FULL) {
                    if (buf.capacity() >= decoder.maxFrameLength()) {
                        throw new FrameTooLongException("a frame needs more than the decoder's maximum of "
                                + decoder.maxFrameLength() + " bytes");
                    }
                    grow(decoder.maxFrameLength());
                    n = fill(cx);
                }
                if (n == PENDING) {
                    return Poll.pending();
                }
            }
        } catch (IOException e) {
            release();
            throw new UncheckedIOException(e);
        } catch (RuntimeException | Error e) {
            release();
            throw e;
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
