package io.cortado.tls;

import io.cortado.AsyncRuntime;
import io.cortado.Context;
import io.cortado.Future;
import io.cortado.Futures;
import io.cortado.Poll;
import io.cortado.Task;
import io.cortado.testing.Closing;
import io.cortado.io.AsyncRead;
import io.cortado.io.AsyncWrite;
import io.cortado.io.Io;
import io.cortado.net.TcpListener;
import io.cortado.net.TcpStream;

import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/** Servers and clients the TLS tests share. */
final class TlsSupport {
    static final InetSocketAddress ANY_LOOPBACK = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    private TlsSupport() {
    }

    static AsyncRuntime runtime(String flavor) {
        return flavor.equals("current")
                ? AsyncRuntime.builder().currentThread().build()
                : AsyncRuntime.builder().multiThread().workerThreads(2).build();
    }

    /** What a TLS server saw: handshakes done, and every failure (handshake or later) in order. */
    static final class ServerLog {
        final AtomicInteger handshakes = new AtomicInteger();
        final AtomicInteger echoed = new AtomicInteger();
        final Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
        final Queue<TlsStream<?>> streams = new ConcurrentLinkedQueue<>();
    }

    /**
     * Accepts forever; each connection is handshaken by {@code acceptor}, then echoed until the peer's close_notify,
     * then shut down cleanly (close_notify back) and closed.
     */
    static Future<Void> echoServer(TcpListener listener, TlsAcceptor acceptor, ServerLog log) {
        return echoServer(listener, acceptor::accept, log);
    }

    /** As {@link #echoServer(TcpListener, TlsAcceptor, ServerLog)}, with the handshake of {@code accept}. */
    static <S extends AsyncRead & AsyncWrite> Future<Void> echoServer(
            TcpListener listener, Function<TcpStream, Future<TlsStream<S>>> accept, ServerLog log) {
        return cx -> {
            for (; ; ) {
                TcpStream s = listener.pollAccept(cx);
                if (s == null) {
                    return Poll.pending();
                }
                Task.spawn(accept.apply(s).then(tls -> {
                    log.handshakes.incrementAndGet();
                    log.streams.add(tls);
                    return closing(Io.copy(tls, tls).then(n -> tls.shutdown().map(v -> {
                        log.echoed.incrementAndGet();
                        return n;
                    })), tls);
                }).orElse(e -> {
                    log.failures.add(e instanceof UncheckedIOException u ? u.getCause() : e);
                    return -1L;
                }));
            }
        };
    }

    /** Writes {@code data} (flushing) while reading as many bytes back; then shuts down and expects the end. */
    static <S extends AsyncRead & AsyncWrite> Future<byte[]> echoRoundTrip(TlsStream<S> tls, byte[] data) {
        ByteBuffer in = ByteBuffer.allocate(data.length);
        Future<Void> write = tls.writeAll(ByteBuffer.wrap(data)).then(v -> tls.flush());
        return Futures.join(write, tls.readExact(in))
                .then(v -> tls.shutdown())
                .then(v -> tls.read(ByteBuffer.allocate(16)))
                .map(end -> {
                    if (end != AsyncRead.EOF) {
                        throw new AssertionError("expected the end after the echo, read " + end + " more bytes");
                    }
                    return in.array();
                });
    }

    /** @return {@code f}, closing {@code c} when it completes, fails or is cancelled */
    static <T> Future<T> closing(Future<T> f, AutoCloseable c) {
        return Closing.closing(f, c);
    }

    /** A stream that moves one byte per read and per write: every TLS record arrives and leaves in pieces. */
    static final class Trickle implements AsyncRead, AsyncWrite, AutoCloseable {
        final TcpStream inner;

        Trickle(TcpStream inner) {
            this.inner = inner;
        }

        @Override
        public int pollRead(Context cx, ByteBuffer dst) {
            if (!dst.hasRemaining()) {
                return 0;
            }
            int limit = dst.limit();
            dst.limit(dst.position() + 1);
            try {
                return inner.pollRead(cx, dst);
            } finally {
                dst.limit(limit);
            }
        }

        @Override
        public int pollWrite(Context cx, ByteBuffer src) {
            if (!src.hasRemaining()) {
                return 0;
            }
            int limit = src.limit();
            src.limit(src.position() + 1);
            try {
                return inner.pollWrite(cx, src);
            } finally {
                src.limit(limit);
            }
        }

        @Override
        public int pollShutdown(Context cx) {
            return inner.pollShutdown(cx);
        }

        @Override
        public void close() {
            inner.close();
        }
    }

    /** @return the cause of an {@link UncheckedIOException} thrown by {@code r} */
    static Throwable ioFailure(Runnable r) {
        try {
            r.run();
        } catch (UncheckedIOException e) {
            return e.getCause();
        }
        throw new AssertionError("expected an UncheckedIOException");
    }
}
