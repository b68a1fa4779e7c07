package io.cortado.net;

import io.cortado.Future;
import io.cortado.Poll;
import io.cortado.Task;
import io.cortado.testing.Closing;
import io.cortado.io.Io;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;

/** Servers and helpers the network tests share. */
final class NetSupport {
    static final InetSocketAddress ANY_LOOPBACK = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    private NetSupport() {
    }

    /** @return {@code f}, closing {@code c} when it completes, fails or is cancelled */
    static <T> Future<T> closing(Future<T> f, AutoCloseable c) {
        return Closing.closing(f, c);
    }
}
