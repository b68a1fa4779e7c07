package io.cortado.io;

import io.cortado.Context;
import io.cortado.Future;
import io.cortado.Poll;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * Writes frames to an {@link AsyncWrite} through an {@link Encoder}: {@link #feed} encodes into a buffer,
 * {@link #flush} writes the buffer out, {@link #send} does both. Belongs to one task at a time. The buffer grows
 * for a large frame and shrinks back to {@value #INITIAL_CAPACITY} bytes once everything was written.
 *
 * @param <T> the frame type
 */
public final class FramedWrite<T> {
    /** The size of the output buffer when nothing large is waiting to be written. */
    static final int INITIAL_CAPACITY = 1024;
    private final AsyncWrite inner;
    private final Encoder<? super T> encoder;
    /** Encoded bytes not yet written, in write mode. */
    private ByteBuffer out = ByteBuffer.allocate(INITIAL_CAPACITY);

    /**
     * @param inner   the sink
     * @param encoder how frames become bytes
     */
    public FramedWrite(AsyncWrite inner, Encoder<? super T> encoder) {
        this.inner = Objects.requireNonNull(inner, "inner");
        this.encoder = Objects.requireNonNull(encoder, "encoder");
    }

    /**
     * Encodes {@code frame} into the buffer without writing (call {@link #flush()} after a batch).
     *
     * @throws IllegalArgumentException if the encoder refuses the frame
     */
    public void feed(T frame) {
        Objects.requireNonNull(frame, "frame");
        out = encoder.encode(frame, out);
    }

    /** @return how many encoded bytes wait to be written */
    public int buffered() {
        return out.position();
    }

    /** @return the output buffer's current size */
    int capacity() {
        return out.capacity();
    }

    /**
     * Writes out every buffered byte and flushes the sink (poll form).
     *
     * @return {@code 0} when done, or {@link AsyncRead#PENDING}
     */
    public int pollFlush(Context cx) {
        if (out.position() > 0) {
            out.flip();
            try {
                while (out.hasRemaining()) {
                    if (inner.pollWrite(cx, out) == AsyncRead.PENDING) {
                        return AsyncRead.PENDING;
                    }
                }
            } finally {
                out.compact();
                if (out.position() == 0 && out.capacity() > INITIAL_CAPACITY) {
                    out = ByteBuffer.allocate(INITIAL_CAPACITY); // drained: give a large frame's space back
                }
            }
        }
        return inner.pollFlush(cx);
    }

    /**
     * Writes out every buffered frame.
     *
     * <p><b>Cancel safety:</b> cancel-safe: what was not written stays buffered for the next flush.
     */
    public Future<Void> flush() {
        return cx -> pollFlush(cx) == AsyncRead.PENDING ? Poll.pending() : Poll.ready(null);
    }

    /**
     * Encodes {@code frame} now and completes when it (and every frame fed before) is written.
     *
     * <p><b>Cancel safety:</b> the frame is encoded when this method is called, so a cancelled send still leaves it
     * buffered: the next flush or send writes it. Cancelling never writes half a frame and drops the rest.
     *
     * @throws IllegalArgumentException if the encoder refuses the frame
     */
    public Future<Void> send(T frame) {
        feed(frame);
        return flush();
    }

    /**
     * Flushes, then shuts down the sink's write direction.
     *
     * <p><b>Cancel safety:</b> cancel-safe: call it again to finish.
     */
    public Future<Void> close() {
        return cx -> {
            if (pollFlush(cx) == AsyncRead.PENDING || inner.pollShutdown(cx) == AsyncRead.PENDING) {
                return Poll.pending();
            }
            return Poll.ready(null);
        };
    }
}
