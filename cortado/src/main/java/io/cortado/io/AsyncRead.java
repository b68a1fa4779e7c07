package io.cortado.io;

import io.cortado.Context;
import io.cortado.Future;
import io.cortado.Poll;

import java.io.EOFException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * A source of bytes that is read without blocking: a socket, a pipe, a file, a buffered or framed layer over one.
 *
 * <p>The one method to implement is {@link #pollRead}, which returns an {@code int} so that the hot path allocates
 * nothing: a byte count, {@link #EOF}, or {@link #PENDING}. Callers that are not themselves poll-based state machines
 * use the future forms ({@link #read}, {@link #readExact}).
 *
 * <h2>Failure</h2>
 * An I/O failure is thrown from {@code pollRead} (and fails the futures) as an {@link UncheckedIOException} whose
 * cause is the {@link java.io.IOException} subtype saying what happened: {@link ConnectionResetException},
 * {@link java.io.EOFException} from {@code readExact}, {@link java.nio.channels.ClosedChannelException} after a
 * local close, and so on (see {@link IoErrors}).
 */
public interface AsyncRead {

    /** {@link #pollRead} returns this when the source has ended (the peer shut down its write half). */
    int EOF = -1;

    /** {@link #pollRead} returns this when no byte is available yet; the context's waker will be woken. */
    int PENDING = -2;

    /**
     * Reads what is available into {@code dst} (from its position up to its limit), without blocking.
     *
     * @param cx  the polling task's context; its waker is woken when bytes or the end arrive
     * @param dst where the bytes go; its position advances by the count
     * @return the number of bytes read ({@code 0} only if {@code dst} has no room), {@link #EOF}, or
     * {@link #PENDING}
     * @throws UncheckedIOException if the source failed
     */
    int pollRead(Context cx, ByteBuffer dst);

    /**
     * Reads what is available into {@code dst}, waiting until at least one byte or the end arrives.
     *
     * <p><b>Cancel safety:</b> cancel-safe. Bytes are taken from the source only in the poll that completes the
     * future, so a cancelled read loses nothing.
     *
     * @param dst where the bytes go
     * @return a future of the number of bytes read, or {@link #EOF} ({@code -1})
     */
    default Future<Integer> read(ByteBuffer dst) {
        Objects.requireNonNull(dst, "dst");
        return cx -> {
            int n = pollRead(cx, dst);
            return n == PENDING ? Poll.pending() : Poll.ready(n);
        };
    }

    /**
     * Fills {@code dst} completely (up to its limit).
     *
     * <p><b>Cancel safety:</b> not cancel-safe as a unit: when cancelled, the bytes read so far are in {@code dst}
     * (its position says how many) and the rest are still in the source.
     *
     * @param dst the buffer to fill
     * @return a future that completes when {@code dst} is full, and fails with an {@link UncheckedIOException}
     * caused by an {@link EOFException} if the source ends first
     */
    default Future<Void> readExact(ByteBuffer dst) {
        Objects.requireNonNull(dst, "dst");
        return cx -> {
            while (dst.hasRemaining()) {
                int n = pollRead(cx, dst);
                if (n == PENDING) {
                    return Poll.pending();
                }
                if (n == EOF) {
                    throw new UncheckedIOException(new EOFException(
                            "end of stream with " + dst.remaining() + " of the expected bytes still missing"));
                }
            }
            return Poll.ready(null);
        };
    }
}
