package io.cortado.io;

import io.cortado.Context;
import io.cortado.Future;
import io.cortado.Poll;

import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * A sink of bytes that is written without blocking: a socket, a pipe, a file, a buffered or framed layer over one.
 *
 * <p>The methods to implement ({@link #pollWrite}, {@link #pollFlush}, {@link #pollShutdown}) return an {@code int}
 * so that the hot path allocates nothing; {@link AsyncRead#PENDING} means "not yet, the waker will be woken".
 * Failures are thrown as {@link UncheckedIOException}s whose cause names what happened ({@link BrokenPipeException}
 * when the peer is gone, {@link java.nio.channels.ClosedChannelException} after a local close ...).
 */
public interface AsyncWrite {

    /**
     * Writes some bytes from {@code src} (from its position), without blocking.
     *
     * @param cx  the polling task's context
     * @param src the bytes; its position advances by the count
     * @return the number of bytes written (at least one unless {@code src} is empty), or {@link AsyncRead#PENDING}
     * @throws UncheckedIOException if the sink failed
     */
    int pollWrite(Context cx, ByteBuffer src);

    /**
     * Writes some bytes from a sequence of buffers (a gathering write). The default writes from the first buffer
     * that has bytes; sockets override it with one system call.
     *
     * @return the number of bytes written, or {@link AsyncRead#PENDING}
     */
    default long pollWriteVectored(Context cx, ByteBuffer[] srcs) {
        for (ByteBuffer b : srcs) {
            if (b.hasRemaining()) {
                return pollWrite(cx, b);
            }
        }
        return 0;
    }

    /**
     * Pushes buffered bytes down to the underlying sink.
     *
     * @return {@code 0} when flushed, or {@link AsyncRead#PENDING}
     */
    default int pollFlush(Context cx) {
        return 0;
    }

    /**
     * Flushes, then ends the stream in this direction (for a socket: shuts down its write half, so the peer reads
     * the end of stream while it can still write back).
     *
     * @return {@code 0} when done, or {@link AsyncRead#PENDING}
     */
    int pollShutdown(Context cx);

    /**
     * Writes some bytes from {@code src}, waiting until at least one can be written.
     *
     * <p><b>Cancel safety:</b> cancel-safe: bytes are written only in the poll that completes the future.
     *
     * @return a future of the number of bytes written
     */
    default Future<Integer> write(ByteBuffer src) {
        Objects.requireNonNull(src, "src");
        return cx -> {
            int n = pollWrite(cx, src);
            return n == AsyncRead.PENDING ? Poll.pending() : Poll.ready(n);
        };
    }

    /**
     * Writes every remaining byte of {@code src}.
     *
     * <p><b>Cancel safety:</b> not cancel-safe as a unit: when cancelled, {@code src}'s position says how much was
     * written; the rest was not.
     *
     * @return a future that completes when {@code src} is empty
     */
    default Future<Void> writeAll(ByteBuffer src) {
        Objects.requireNonNull(src, "src");
        return cx -> {
            while (src.hasRemaining()) {
                if (pollWrite(cx, src) == AsyncRead.PENDING) {
                    return Poll.pending();
                }
            }
            return Poll.ready(null);
        };
    }

    /**
     * Writes every remaining byte of every buffer, in order, with gathering writes.
     *
     * <p><b>Cancel safety:</b> as {@link #writeAll}: the buffers' positions say what was written.
     *
     * @return a future that completes when every buffer is empty
     */
    default Future<Void> writeAllVectored(ByteBuffer... srcs) {
        Objects.requireNonNull(srcs, "srcs");
        ByteBuffer[] bufs = srcs.clone();
        for (int i = 0; i < bufs.length; i++) {
            Objects.requireNonNull(bufs[i], "srcs[" + i + "]");
        }
        return cx -> {
            for (; ; ) {
                boolean left = false;
                for (ByteBuffer b : bufs) {
                    if (b.hasRemaining()) {
                        left = true;
                        break;
                    }
                }
                if (!left) {
                    return Poll.ready(null);
                }
                if (pollWriteVectored(cx, bufs) == AsyncRead.PENDING) {
                    return Poll.pending();
                }
            }
        };
    }

    /**
     * Flushes buffered bytes.
     *
     * <p><b>Cancel safety:</b> cancel-safe: unflushed bytes stay buffered and a later flush writes them.
     */
    default Future<Void> flush() {
        return cx -> pollFlush(cx) == AsyncRead.PENDING ? Poll.pending() : Poll.ready(null);
    }

    /**
     * Flushes and shuts down this direction.
     *
     * <p><b>Cancel safety:</b> cancel-safe: call it again to finish.
     */
    default Future<Void> shutdown() {
        return cx -> pollShutdown(cx) == AsyncRead.PENDING ? Poll.pending() : Poll.ready(null);
    }
}
