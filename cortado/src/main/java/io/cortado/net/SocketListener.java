package io.cortado.net;

import io.cortado.Context;
import io.cortado.Future;
import io.cortado.Handle;
import io.cortado.Poll;
import io.cortado.internal.io.Registration;
import io.cortado.internal.sim.SimListener;
import io.cortado.internal.sim.SimStream;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * The accept path shared by {@link TcpListener} and {@link UnixListener}. A listener belongs to the runtime that
 * made it: when that runtime closes, the listener is closed and a pending accept fails with an
 * {@link java.io.UncheckedIOException} saying the runtime shut down.
 */
abstract sealed class SocketListener<S extends SocketStream> implements AutoCloseable
        permits TcpListener, UnixListener {
    final Handle handle;
    final ServerSocketChannel ch;
    final Registration reg;
    /** The simulated listener on a deterministic runtime ({@code ch} and {@code reg} are then null), else null. */
    final SimListener sim;

    SocketListener(Handle handle, ServerSocketChannel ch, Registration reg) {
        this.handle = handle;
        this.ch = ch;
        this.reg = reg;
        this.sim = null;
    }

    SocketListener(Handle handle, SimListener sim) {
        this.handle = handle;
        this.ch = null;
        this.reg = null;
        this.sim = sim;
    }

    /** Wraps an accepted simulated connection (only TCP listeners are simulated). */
    S wrapSimulated(SimStream s) {
        throw new UnsupportedOperationException("not simulated");
    }

    /** Wraps an accepted channel, registered under {@code what}. */
    abstract S wrap(SocketChannel c, Registration r);

    /** @return the description of an accepted connection, for error messages */
    abstract String describe(SocketChannel c);

    /**
     * Waits for the next connection.
     *
     * <p><b>Cancel safety:</b> cancel-safe: a connection is taken from the backlog only in the poll that completes
     * the future, so a cancelled accept (a loser of a {@code select}) loses no connection.
     *
     * @return a future of the accepted stream, registered with this listener's runtime
     */
    public final Future<S> accept() {
        return cx -> {
            S s = pollAccept(cx);
            return s == null ? Poll.pending() : Poll.ready(s);
        };
    }

    /**
     * Accepts a connection if one is waiting.
     *
     * @return the stream, or {@code null} after arranging a wake-up
     * @throws UncheckedIOException if accepting failed (this accept only; e.g. a
     *                              {@link io.cortado.io.TooManyOpenFilesException}) or the listener is closed
     */
    public final S pollAccept(Context cx) {
        if (sim != null) {
            SimStream s = sim.pollAccept(cx);
            return s == null ? null : wrapSimulated(s);
        }
        for (; ; ) {
            int r = reg.pollReadyBudgeted(cx, Registration.READ);
            if (r < 0) {
                return null;
            }
            SocketChannel c;
            try {
                c = ch.accept();
            } catch (IOException e) {
                if (reg.isClosed()) {
                    throw reg.closedError();
                }
                throw Net.error(e, "accept on " + reg.what());
            }
            if (c != null) {
                return wrap(c, Net.register(handle, c, SelectionKey.OP_READ, SelectionKey.OP_WRITE, describe(c)));
            }
            reg.clearReady(r, Registration.READ);
        }
    }

    /** @return whether the listener is closed */
    public final boolean isClosed() {
        return sim != null ? sim.isClosed() : reg.isClosed();
    }

    /**
     * Closes the listener: when this returns, the port refuses new connections (connections already in the backlog
     * are reset) and pending accepts fail with a {@link java.nio.channels.ClosedChannelException}. Idempotent.
     */
    @Override
    public void close() {
        if (sim != null) {
            sim.close();
            return;
        }
        reg.closeAndRelease();
    }

    @Override
    public String toString() {
        String what = sim != null ? "simulated TCP listener " + sim.localAddress() : reg.what();
        return what + (isClosed() ? " (closed)" : "");
    }
}
