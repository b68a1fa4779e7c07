package io.cortado.net;

import io.cortado.Context;
import io.cortado.internal.io.Registration;
import io.cortado.internal.sim.SimStream;
import io.cortado.io.AsyncRead;
import io.cortado.io.AsyncWrite;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * A connected stream socket on the reactor (TCP or Unix domain): the read and write paths of
 * {@link TcpStream} and {@link UnixStream}. A reader task and a writer task may use one stream at the same time
 * (each direction has its own waiter); two readers (or two writers) at once are not supported.
 *
 * <p>A socket belongs to the runtime that made it: when that runtime closes, the socket is closed, and a pending
 * read or write is woken and fails with an {@link UncheckedIOException} saying the runtime shut down.
 */
abstract sealed class SocketStream implements AsyncRead, AsyncWrite, AutoCloseable permits TcpStream, UnixStream {
    final SocketChannel ch;
    final Registration reg;
    /** The simulated connection on a deterministic runtime ({@code ch} and {@code reg} are then null), else null. */
    final SimStream sim;

    SocketStream(SocketChannel ch, Registration reg) {
        this.ch = ch;
        this.reg = reg;
        this.sim = null;
    }

    SocketStream(SimStream sim) {
        this.ch = null;
        this.reg = null;
        this.sim = sim;
    }

    /**
     * {@inheritDoc}
     *
     * <p>Spends one unit of the task's cooperative budget per read that finds the socket ready.
     */
    @Override
    public final int pollRead(Context cx, ByteBuffer dst) {
        if (!dst.hasRemaining()) {
            return 0;
        }
        if (sim != null) {
            return sim.pollRead(cx, dst);
        }
        for (; ; ) {
            int r = reg.pollReadyBudgeted(cx, Registration.READ);
            if (r < 0) {
                return PENDING;
            }
            int n;
            try {
                n = ch.read(dst);
            } catch (IOException e) {
                throw failure(e, "read from ");
            }
            if (n > 0) {
                if (dst.hasRemaining()) {
                    reg.clearReady(r, Registration.READ); // a short read shows the socket drained (rule 2)
                }
                return n;
            }
            if (n < 0) {
                return EOF;
            }
            reg.clearReady(r, Registration.READ);
        }
    }

    @Override
    public final int pollWrite(Context cx, ByteBuffer src) {
        if (!src.hasRemaining()) {
            return 0;
        }
        if (sim != null) {
            return sim.pollWrite(cx, src);
        }
        for (; ; ) {
            int r = reg.pollReadyBudgeted(cx, Registration.WRITE);
            if (r < 0) {
                return PENDING;
            }
            int n;
            try {
                n = ch.write(src);
            } catch (IOException e) {
                throw failure(e, "write to ");
            }
            if (n > 0) {
                if (src.hasRemaining()) {
                    reg.clearReady(r, Registration.WRITE); // the send buffer is full
                }
                return n;
            }
            reg.clearReady(r, Registration.WRITE);
        }
    }

    /** One gathering system call for all the buffers. */
    @Override
    public final long pollWriteVectored(Context cx, ByteBuffer[] srcs) {
        long want = 0;
        for (ByteBuffer b : srcs) {
            want += b.remaining();
        }
        if (want == 0) {
            return 0;
        }
        if (sim != null) {
            for (ByteBuffer b : srcs) {
                if (b.hasRemaining()) {
                    return sim.pollWrite(cx, b); // one buffer at a time: a short write, as a socket may do
                }
            }
        }
        for (; ; ) {
            int r = reg.pollReadyBudgeted(cx, Registration.WRITE);
            if (r < 0) {
                return PENDING;
            }
            long n;
            try {
                n = ch.write(srcs);
            } catch (IOException e) {
                throw failure(e, "write to ");
            }
            if (n > 0) {
                if (n < want) {
                    reg.clearReady(r, Registration.WRITE);
                }
                return n;
            }
            reg.clearReady(r, Registration.WRITE);
        }
    }

    /**
     * Shuts down the write half: the peer reads the end of the stream, and this side can still read. Writes are
     * not buffered, so there is nothing to flush first.
     */
    @Override
    public final int pollShutdown(Context cx) {
        if (sim != null) {
            sim.shutdownOutput();
            return 0;
        }
        if (reg.isClosed()) {
            throw reg.closedError();
        }
        try {
            ch.shutdownOutput();
        } catch (IOException e) {
            throw failure(e, "shut down the write half of ");
        }
        return 0;
    }

    /**
     * Splits this stream so a reader task and a writer task can each own a half. Both halves use this socket;
     * closing either half (or this stream) closes it.
     *
     * @return the two halves
     */
    public final Halves split() {
        return new Halves(new ReadHalf(this), new WriteHalf(this));
    }

    /** @return the local address */
    public final SocketAddress localAddress() {
        if (sim != null) {
            return sim.localAddress();
        }
        try {
            return ch.getLocalAddress();
        } catch (IOException e) {
            throw failure(e, "local address of ");
        }
    }

    /** @return the peer's address */
    public final SocketAddress peerAddress() {
        if (sim != null) {
            return sim.peerAddress();
        }
        try {
            return ch.getRemoteAddress();
        } catch (IOException e) {
            throw failure(e, "peer address of ");
        }
    }

    /** @return whether {@link #close} was called (or the runtime shut down) */
    public final boolean isClosed() {
        return sim != null ? sim.isClosed() : reg.isClosed();
    }

    /**
     * Closes the socket. Pending reads and writes (in any task) fail with an {@link UncheckedIOException} caused by
     * a {@link java.nio.channels.ClosedChannelException}. Idempotent.
     */
    @Override
    public final void close() {
        if (sim != null) {
            sim.close();
            return;
        }
        reg.close(null);
    }

    final UncheckedIOException failure(IOException e, String op) {
        if (reg.isClosed()) {
            return reg.closedError();
        }
        return Net.error(e, op + reg.what());
    }

    @Override
    public String toString() {
        String what = sim != null ? "simulated " + sim.localAddress() + " -> " + sim.peerAddress() : reg.what();
        return getClass().getSimpleName() + "[" + what + (isClosed() ? ", closed]" : "]");
    }
}
