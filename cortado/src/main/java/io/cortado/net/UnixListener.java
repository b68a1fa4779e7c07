package io.cortado.net;

import io.cortado.Handle;
import io.cortado.internal.io.Registration;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A Unix domain server socket on the runtime's reactor. Binding creates the socket file; like the operating system
 * (and Tokio), closing the listener does not delete it: remove it yourself when done.
 */
public final class UnixListener extends SocketListener<UnixStream> {
    private final Path path;

    private UnixListener(Handle handle, ServerSocketChannel ch, Registration reg, Path path) {
        super(handle, ch, reg);
        this.path = path;
    }

    /**
     * Binds a listener at {@code path} on the current runtime.
     *
     * @param path where to create the socket file (it must not exist)
     * @return the listener
     * @throws UncheckedIOException  if binding failed (e.g. the file exists)
     * @throws IllegalStateException if no runtime runs this thread
     */
    public static UnixListener bind(Path path) {
        return bind(Handle.current(), path);
    }

    /** Binds a listener at {@code path} on {@code handle}'s runtime; see {@link #bind(Path)}. */
    public static UnixListener bind(Handle handle, Path path) {
        Objects.requireNonNull(handle, "handle");
        Objects.requireNonNull(path, "path");
        Net.refuseInSimulation(handle, "Unix sockets");
        ServerSocketChannel ch;
        try {
            ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        } catch (IOException e) {
            throw Net.error(e, "open a Unix listener at " + path);
        }
        try {
            ch.bind(UnixDomainSocketAddress.of(path), TcpListener.DEFAULT_BACKLOG);
        } catch (IOException e) {
            Net.closeQuietly(ch);
            throw Net.error(e, "bind a Unix listener at " + path);
        }
        Registration reg = Net.register(handle, ch, SelectionKey.OP_ACCEPT, 0, "Unix listener " + path);
        return new UnixListener(handle, ch, reg, path);
    }

    @Override
    UnixStream wrap(SocketChannel c, Registration r) {
        return new UnixStream(c, r);
    }

    @Override
    String describe(SocketChannel c) {
        return "Unix stream " + path;
    }

    /** @return the socket file's path */
    public Path path() {
        return path;
    }
}
