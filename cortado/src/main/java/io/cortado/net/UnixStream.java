package io.cortado.net;

import io.cortado.Future;
import io.cortado.Handle;
import io.cortado.internal.io.Registration;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A connected Unix domain stream socket on the runtime's reactor; everything {@link TcpStream} says about reads,
 * writes, errors, splitting and ownership holds here too.
 */
public final class UnixStream extends SocketStream {

    UnixStream(SocketChannel ch, Registration reg) {
        super(ch, reg);
    }

    /**
     * Connects to the socket file at {@code path} on the runtime that polls the returned future.
     *
     * <p><b>Cancel safety:</b> cancelling a pending connect closes the socket; nothing else is lost.
     *
     * @return a lazy future of the connected stream; it fails with an {@link java.io.UncheckedIOException} caused
     * by a {@link java.net.SocketException} if nothing listens there
     */
    public static Future<UnixStream> connect(Path path) {
        Objects.requireNonNull(path, "path");
        return new ConnectFuture<>(null, UnixDomainSocketAddress.of(path),
                () -> SocketChannel.open(StandardProtocolFamily.UNIX), "Unix connection", UnixStream::new, null);
    }

    /** Connects on {@code handle}'s runtime; see {@link #connect(Path)}. */
    public static Future<UnixStream> connect(Handle handle, Path path) {
        Objects.requireNonNull(handle, "handle");
        Objects.requireNonNull(path, "path");
        return new ConnectFuture<>(handle, UnixDomainSocketAddress.of(path),
                () -> SocketChannel.open(StandardProtocolFamily.UNIX), "Unix connection", UnixStream::new, null);
    }
}
