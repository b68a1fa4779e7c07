package io.cortado.internal.sim;

import io.cortado.Context;

import java.net.SocketAddress;
import java.nio.ByteBuffer;

/**
 * One end of a simulated TCP connection, behind {@code TcpStream}. Results follow {@link io.cortado.io.AsyncRead}:
 * a count, {@code EOF} or {@code PENDING} (after arranging a wake-up); failures are
 * {@link java.io.UncheckedIOException}s with the same causes as real sockets.
 */
public interface SimStream {
    /** @see io.cortado.io.AsyncRead#pollRead */
    int pollRead(Context cx, ByteBuffer dst);

    /** @see io.cortado.io.AsyncWrite#pollWrite */
    int pollWrite(Context cx, ByteBuffer src);

    /** Ends this side's output: the peer reads the end of the stream once the data before it arrived. */
    void shutdownOutput();

    SocketAddress localAddress();

    SocketAddress peerAddress();

    boolean isClosed();

    /** Closes this end; pending operations fail with a {@link java.nio.channels.ClosedChannelException}. */
    void close();

    /** @return a socket option's value as set (simulated sockets only remember them) */
    Object option(String name, Object otherwise);

    void setOption(String name, Object value);
}
