package io.cortado.io;

import io.cortado.Context;
import io.cortado.Future;
import io.cortado.Poll;
import io.cortado.Tuple2;
import io.cortado.internal.Checks;

import java.nio.ByteBuffer;
import java.util.Objects;

/** Copying between asynchronous byte streams (Tokio's {@code io::copy} and {@code io::copy_bidirectional}). */
public final class Io {
    /** The copy buffer size. */
    public static final int COPY_BUFFER = 8 * 1024;

    private Io() {
    }

    /**
     * Copies everything {@code from} produces into {@code to} until {@code from} ends, then flushes {@code to}.
     * Whenever {@code from} has nothing to give, {@code to} is flushed first, so a buffered writer never holds bytes
     * while the copy waits.
     *
     * <p><b>Cancel safety:</b> not cancel-safe: bytes read from {@code from} but not yet written are lost with the
     * copy's buffer.
     *
     * @return a future of the number of bytes copied
     */
    public static Future<Long> copy(AsyncRead from, AsyncWrite to) {
        return new Copy(Objects.requireNonNull(from, "from"), Objects.requireNonNull(to, "to"), COPY_BUFFER, false);
    }

    /**
     * As {@link #copy(AsyncRead, AsyncWrite)} with a buffer of {@code bufferSize} bytes.
     *
     * @throws IllegalArgumentException if {@code bufferSize} is not positive
     */
    public static Future<Long> copy(AsyncRead from, AsyncWrite to, int bufferSize) {
        return new Copy(Objects.requireNonNull(from, "from"), Objects.requireNonNull(to, "to"),
                Checks.checkPositive(bufferSize, "bufferSize"), false);
    }

    /**
     * Copies in both directions at once, {@code a → b} and {@code b → a}. When one side ends, the other side's write
     * half is shut down (so its peer sees the end), and the copy finishes once both directions ended. This is the
     * core of a proxy.
     *
     * <p><b>Cancel safety:</b> not cancel-safe, as {@link #copy(AsyncRead, AsyncWrite)}.
     *
     * @return a future of the bytes copied {@code a → b} and {@code b → a}
     */
    public static <S extends AsyncRead & AsyncWrite, U extends AsyncRead & AsyncWrite> Future<Tuple2<Long, Long>>
    copyBidirectional(S a, U b) {
        Objects.requireNonNull(a, "a");
        Objects.requireNonNull(b, "b");
        Copy ab = new Copy(a, b, COPY_BUFFER, true);
        Copy ba = new Copy(b, a, COPY_BUFFER, true);
        return new Future<>() {
            @Override
            public Poll<Tuple2<Long, Long>> poll(Context cx) {
                try {
                    boolean abDone = ab.done || ab.poll(cx).isReady();
                    boolean baDone = ba.done || ba.poll(cx).isReady();
                    return abDone && baDone ? Poll.ready(new Tuple2<>(ab.total, ba.total)) : Poll.pending();
                } catch (RuntimeException | Error e) {
                    ab.cancel();
                    ba.cancel();
                    throw e;
                }
            }

            @Override
            public void cancel() {
                ab.cancel();
                ba.cancel();
            }
        };
    }

    /** The copy state machine: a buffer that is either being filled from the source or drained into the sink. */
    static final class Copy implements Future<Long> {
        private final AsyncRead from;
        private final AsyncWrite to;
        private final boolean shutdownAtEnd;
        private final ByteBuffer buf;
        private boolean draining;
        private boolean readDone;
        private boolean unflushed;
        boolean done;
        long total;

        Copy(AsyncRead from, AsyncWrite to, int size, boolean shutdownAtEnd) {
            this.from = from;
            this.to = to;
            this.shutdownAtEnd = shutdownAtEnd;
            this.buf = ByteBuffer.allocate(size);
        }

        @Override
        public Poll<Long> poll(Context cx) {
            for (; ; ) {
                if (draining) {
                    int n = to.pollWrite(cx, buf);
                    if (n == AsyncRead.PENDING) {
                        return Poll.pending();
                    }
                    total += n;
                    unflushed = true;
                    if (!buf.hasRemaining()) {
                        buf.clear();
                        draining = false;
                    }
                    continue;
                }
                if (readDone) {
                    if (to.pollFlush(cx) == AsyncRead.PENDING) {
                        return Poll.pending();
                    }
                    if (shutdownAtEnd && to.pollShutdown(cx) == AsyncRead.PENDING) {
                        return Poll.pending();
                    }
                    done = true;
                    return Poll.ready(total);
                }
                int n = from.pollRead(cx, buf);
                if (n == AsyncRead.PENDING) {
                    if (unflushed) {
                        if (to.pollFlush(cx) == AsyncRead.PENDING) {
                            return Poll.pending();
                        }
                        unflushed = false;
                    }
                    return Poll.pending();
                }
                if (n == AsyncRead.EOF) {
                    readDone = true;
                } else {
                    buf.flip();
                    draining = true;
                }
            }
        }

        @Override
        public void cancel() {
            done = true;
        }
    }
}
