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

    /** Echoes {@code s} until its peer ends, then closes it; a failure (a reset peer) just closes it. */
    static Future<Long> echo(SocketStream s) {
        return closing(Io.copy(s, s), s).orElse(e -> -1L);
    }

    /**
     * Accepts forever, spawning {@link #echo} for each connection.
     *
     * @param accepted counts accepted connections
     */
    static <S extends SocketStream> Future<Void> echoServer(SocketListener<S> listener, AtomicInteger accepted) {
        return cx -> {
            for (; ; ) {
                S s = listener.pollAccept(cx);
                if (s == null) {
                    return Poll.pending();
                }
                accepted.incrementAndGet();
                Task.spawn(echo(s));
            }
        };
    }
}
