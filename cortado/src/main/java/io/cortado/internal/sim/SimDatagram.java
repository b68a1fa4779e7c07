package io.cortado.internal.sim;

import io.cortado.Context;

import java.net.SocketAddress;
import java.nio.ByteBuffer;

/** A simulated UDP socket, behind {@code UdpSocket}. */
public interface SimDatagram {
    /** @return bytes sent (the whole datagram), or {@code AsyncRead.PENDING}; {@code target} null: the connected peer */
    int pollSendTo(Context cx, ByteBuffer src, SocketAddress target);

    /** @return the sender, or {@code null} after arranging a wake-up */
    SocketAddress pollReceiveFrom(Context cx, ByteBuffer dst);

    void connect(SocketAddress peer);

    SocketAddress localAddress();

    /** @return the connected peer, or {@code null} */
    SocketAddress peerAddress();

    boolean isClosed();

    void close();
}
