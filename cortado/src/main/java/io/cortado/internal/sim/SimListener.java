package io.cortado.internal.sim;

import io.cortado.Context;

import java.net.InetSocketAddress;

/** A simulated TCP listener, behind {@code TcpListener}. */
public interface SimListener {
    /** @return an accepted connection, or {@code null} after arranging a wake-up */
    SimStream pollAccept(Context cx);

    InetSocketAddress localAddress();

    boolean isClosed();

    void close();
}
