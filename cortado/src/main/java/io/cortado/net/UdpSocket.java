package io.cortado.net;

import io.cortado.Context;
import io.cortado.Future;
import io.cortado.Handle;
import io.cortado.Poll;
import io.cortado.internal.io.Registration;
import io.cortado.internal.sim.SimDatagram;
import io.cortado.internal.sim.SimNet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.util.Objects;

/**
 * A UDP socket on the runtime's reactor. Datagrams are sent whole or not at all; a datagram received into a buffer
 * too small for it is truncated (the rest is discarded, as the operating system does).
 *
 * <p>One task may receive while another sends. Like streams, the socket belongs to its runtime and is closed when
 * that runtime shuts down: a pending send or receive is woken and fails with an {@link java.io.UncheckedIOException}
 * saying so.
 */
public final class UdpSocket implements AutoCloseable {
    private final DatagramChannel ch;
    private final Registration reg;
    /** The simulated socket on a deterministic runtime ({@code ch} and {@code reg} are then null), else null. */
    private final SimDatagram sim;

    private UdpSocket(DatagramChannel ch, Registration reg) {
        this.ch = ch;
        this.reg = reg;
        this.sim = null;
    }

    private UdpSocket(SimDatagram sim) {
        this.ch = null;
        this.reg = null;
        this.sim = sim;
    }

    /**
     * Binds a socket on the current runtime.
     *
     * @param address the local address; port 0 picks a free port
     * @throws UncheckedIOException  if binding failed
     * @throws IllegalStateException if no runtime runs this thread
     */
    public static UdpSocket bind(SocketAddress address) {
        return bind(Handle.current(), address);
    }

    /** Binds a socket on {@code handle}'s runtime; see {@link #bind(SocketAddress)}. */
    public static UdpSocket bind(Handle handle, SocketAddress address) {
        Objects.requireNonNull(handle, "handle");
        Objects.requireNonNull(address, "address");
        SimNet net = Net.simNet(handle);
        if (net != null) {
            return new UdpSocket(net.bindUdp(address));
        }
        DatagramChannel ch;
        try {
            ch = address instanceof InetSocketAddress isa && isa.getAddress() instanceof Inet6Address
                    ? DatagramChannel.open(StandardProtocolFamily.INET6) : DatagramChannel.open();
        } catch (IOException e) {
            throw Net.error(e, "open a UDP socket on " + address);
        }
        SocketAddress local;
        try {
            ch.bind(address);
            local = ch.getLocalAddress();
        } catch (IOException e) {
            Net.closeQuietly(ch);
            throw Net.error(e, "bind a UDP socket to " + address);
        }
        return new UdpSocket(ch, Net.register(handle, ch, SelectionKey.OP_READ, SelectionKey.OP_WRITE,
                "UDP socket " + local));
    }

    /**
     * Sets the default peer: {@link #send} and {@link #receive} then talk to it only, and datagrams from others are
     * dropped by the operating system.
     *
     * @throws UncheckedIOException if connecting failed
     */
    public void connect(SocketAddress peer) {
        Objects.requireNonNull(peer, "peer");
        if (sim != null) {
            sim.connect(peer);
            return;
        }
        try {
            ch.connect(peer);
        } catch (IOException e) {
            throw failure(e, "connect " + reg.what() + " to " + peer);
        }
    }

    /**
     * Sends one datagram to {@code target} (poll form).
     *
     * @return the number of bytes sent (all of {@code src}), or {@link io.cortado.io.AsyncRead#PENDING}
     */
    public int pollSendTo(Context cx, ByteBuffer src, SocketAddress target) {
        if (sim != null) {
            return sim.pollSendTo(cx, src, target);
        }
        for (; ; ) {
            int r = reg.pollReady(cx, Registration.WRITE);
            if (r < 0) {
                return io.cortado.io.AsyncRead.PENDING;
            }
            int n;
            try {
                n = target == null ? ch.write(src) : ch.send(src, target);
            } catch (IOException e) {
                throw failure(e, "send on " + reg.what() + (target == null ? "" : " to " + target));
            }
            if (n > 0 || !src.hasRemaining()) {
                return n;
            }
            reg.clearReady(r, Registration.WRITE);
        }
    }

    /**
     * Receives one datagram into {@code dst} (poll form).
     *
     * @return the sender, or {@code null} after arranging a wake-up
     */
    public SocketAddress pollReceiveFrom(Context cx, ByteBuffer dst) {
        if (sim != null) {
            return sim.pollReceiveFrom(cx, dst);
        }
        for (; ; ) {
            int r = reg.pollReadyBudgeted(cx, Registration.READ);
            if (r < 0) {
                return null;
            }
            SocketAddress from;
            try {
                from = ch.receive(dst);
            } catch (IOException e) {
                throw failure(e, "receive on " + reg.what());
            }
            if (from != null) {
                return from;
            }
            reg.clearReady(r, Registration.READ);
        }
    }

    /**
     * Sends one datagram to {@code target}.
     *
     * <p><b>Cancel safety:</b> cancel-safe: the datagram is sent only by the poll that completes the future.
     *
     * @return a future of the number of bytes sent
     */
    public Future<Integer> sendTo(ByteBuffer src, SocketAddress target) {
        Objects.requireNonNull(src, "src");
        Objects.requireNonNull(target, "target");
        return cx -> {
            int n = pollSendTo(cx, src, target);
            return n == io.cortado.io.AsyncRead.PENDING ? Poll.pending() : Poll.ready(n);
        };
    }

    /**
     * Receives one datagram.
     *
     * <p><b>Cancel safety:</b> cancel-safe: a datagram is taken only by the poll that completes the future.
     *
     * @return a future of the sender's address; the datagram is in {@code dst}
     */
    public Future<SocketAddress> receiveFrom(ByteBuffer dst) {
        Objects.requireNonNull(dst, "dst");
        return cx -> {
            SocketAddress from = pollReceiveFrom(cx, dst);
            return from == null ? Poll.pending() : Poll.ready(from);
        };
    }

    /**
     * Sends one datagram to the {@linkplain #connect connected} peer. <b>Cancel safety:</b> as {@link #sendTo}.
     *
     * @return a future of the number of bytes sent; fails with {@link java.nio.channels.NotYetConnectedException}
     * if not connected
     */
    public Future<Integer> send(ByteBuffer src) {
        Objects.requireNonNull(src, "src");
        return cx -> {
            int n = pollSendTo(cx, src, null);
            return n == io.cortado.io.AsyncRead.PENDING ? Poll.pending() : Poll.ready(n);
        };
    }

    /**
     * Receives one datagram from the connected peer. <b>Cancel safety:</b> as {@link #receiveFrom}.
     *
     * @return a future of the number of bytes received
     */
    public Future<Integer> receive(ByteBuffer dst) {
        Objects.requireNonNull(dst, "dst");
        return cx -> {
            int before = dst.position();
            SocketAddress from = pollReceiveFrom(cx, dst);
            return from == null ? Poll.pending() : Poll.ready(dst.position() - before);
        };
    }

    /** @param on whether datagrams may be sent to broadcast addresses ({@code SO_BROADCAST}) */
    public void setBroadcast(boolean on) {
        if (sim != null) {
            return; // the simulation has no broadcast addresses; the option is accepted and has no effect
        }
        try {
            ch.setOption(StandardSocketOptions.SO_BROADCAST, on);
        } catch (IOException e) {
            throw failure(e, "set SO_BROADCAST on " + reg.what());
        }
    }

    /** @return the local address */
    public SocketAddress localAddress() {
        if (sim != null) {
            return sim.localAddress();
        }
        try {
            return ch.getLocalAddress();
        } catch (IOException e) {
            throw failure(e, "local address of " + reg.what());
        }
    }

    /** @return the connected peer, or {@code null} */
    public SocketAddress peerAddress() {
        if (sim != null) {
            return sim.peerAddress();
        }
        try {
            return ch.getRemoteAddress();
        } catch (IOException e) {
            throw failure(e, "peer address of " + reg.what());
        }
    }

    /** Closes the socket; pending sends and receives fail with a {@link java.nio.channels.ClosedChannelException}. */
    @Override
    public void close() {
        if (sim != null) {
            sim.close();
            return;
        }
        reg.close(null);
    }

    private UncheckedIOException failure(IOException e, String what) {
        return reg.isClosed() ? reg.closedError() : Net.error(e, what);
    }

    @Override
    public String toString() {
        if (sim != null) {
            return "simulated UDP socket " + sim.localAddress() + (sim.isClosed() ? " (closed)" : "");
        }
        return reg.what() + (reg.isClosed() ? " (closed)" : "");
    }
}
