package io.cortado.net;

import io.cortado.Handle;
import io.cortado.internal.Checks;
import io.cortado.internal.io.Registration;
import io.cortado.internal.sim.SimListener;
import io.cortado.internal.sim.SimNet;
import io.cortado.internal.sim.SimStream;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Objects;

/**
 * A TCP server socket on the runtime's reactor.
 *
 * <pre>{@code
 * TcpListener listener = TcpListener.bind(new InetSocketAddress("127.0.0.1", 0));
 * while (true) {
 *     TcpStream conn = await(listener.acceptRetrying());
 *     Task.spawn(serve(conn));
 * }
 * }</pre>
 * A failed accept (for example {@link io.cortado.io.TooManyOpenFilesException}) fails that accept only; the
 * listener keeps listening. An accept loop should use {@link #acceptRetrying()}, which pauses (and logs, at most once
 * a second) while the process is out of descriptors instead of failing, and resumes as soon as a socket closes. Like streams, a listener belongs to its runtime and is closed when it shuts down.
 */
public final class TcpListener extends SocketListener<TcpStream> {
    /** The default accept backlog. */
    public static final int DEFAULT_BACKLOG = 1024;

    private final InetSocketAddress local;

    private TcpListener(Handle handle, ServerSocketChannel ch, Registration reg, InetSocketAddress local) {
        super(handle, ch, reg);
        this.local = local;
    }

    private TcpListener(Handle handle, SimListener sim) {
        super(handle, sim);
        this.local = sim.localAddress();
    }

    /**
     * Binds a listener on the current runtime ({@code SO_REUSEADDR} on, backlog {@value #DEFAULT_BACKLOG}).
     *
     * @param address the address; port 0 picks a free port (see {@link #localAddress()})
     * @return the listener
     * @throws UncheckedIOException  if binding failed (e.g. a {@link java.net.BindException}: the address is in use)
     * @throws IllegalStateException if no runtime runs this thread
     */
    public static TcpListener bind(SocketAddress address) {
        return bind(Handle.current(), address, DEFAULT_BACKLOG);
    }

    /** Binds a listener on {@code handle}'s runtime with the default backlog; see {@link #bind(SocketAddress)}. */
    public static TcpListener bind(Handle handle, SocketAddress address) {
        return bind(handle, address, DEFAULT_BACKLOG);
    }

    /**
     * Binds a listener on {@code handle}'s runtime.
     *
     * @param backlog the accept backlog, at least 1
     * @throws IllegalArgumentException if {@code backlog} is not positive
     */
    public static TcpListener bind(Handle handle, SocketAddress address, int backlog) {
        Objects.requireNonNull(handle, "handle");
        Objects.requireNonNull(address, "address");
        Checks.checkPositive(backlog, "backlog");
        SimNet net = Net.simNet(handle);
        if (net != null) {
            return new TcpListener(handle, net.bindTcp(address, backlog));
        }
        ServerSocketChannel ch;
        try {
            ch = ServerSocketChannel.open();
        } catch (IOException e) {
            throw Net.error(e, "open a TCP listener on " + address);
        }
        InetSocketAddress local;
        try {
            ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            ch.bind(address, backlog);
            local = (InetSocketAddress) ch.getLocalAddress();
        } catch (IOException e) {
            Net.closeQuietly(ch);
            throw Net.error(e, "bind a TCP listener to " + address);
        }
        Registration reg = Net.register(handle, ch, SelectionKey.OP_ACCEPT, 0, "TCP listener " + local);
        return new TcpListener(handle, ch, reg, local);
    }

    @Override
    TcpStream wrapSimulated(SimStream s) {
        return new TcpStream(s);
    }

    @Override
    TcpStream wrap(SocketChannel c, Registration r) {
        return new TcpStream(c, r);
    }

    @Override
    String describe(SocketChannel c) {
        try {
            return "TCP stream " + local + " <- " + c.getRemoteAddress();
        } catch (IOException e) {
            return "TCP stream " + local;
        }
    }

    /** @return the address the listener is bound to (with the real port when bound to port 0) */
    public InetSocketAddress localAddress() {
        return local;
    }
}
