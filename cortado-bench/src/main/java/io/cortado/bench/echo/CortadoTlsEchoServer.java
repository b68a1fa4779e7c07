package io.cortado.bench.echo;

import io.cortado.AsyncRuntime;
import io.cortado.Context;
import io.cortado.Future;
import io.cortado.Poll;
import io.cortado.Task;
import io.cortado.io.AsyncRead;
import io.cortado.net.TcpListener;
import io.cortado.net.TcpStream;
import io.cortado.tls.TlsAcceptor;
import io.cortado.tls.TlsStream;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The {@code cortado} server of W12 ({@code tls_echo}): {@link CortadoEchoServer}'s shape (the multi-thread runtime
 * with ONE worker, an accept task, a hand-written poll state machine per connection) with a {@link TlsAcceptor}
 * between the socket and the echo: each connection's task first polls {@link TlsAcceptor#accept}'s handshake
 * future (with the acceptor's default handshake time limit), then reads from the {@link TlsStream}, writes the bytes
 * back and flushes, until the client's {@code close_notify}. The handshake's delegated tasks (signing, key
 * agreement) run on the worker, inside the poll, as {@code TlsStream} does them.
 *
 * <p>{@code -Dcortado.bench.watchdogMs=N} sets the blocked-worker watchdog's threshold, as for
 * {@link CortadoEchoServer}.
 */
final class CortadoTlsEchoServer {
    private CortadoTlsEchoServer() {
    }

    /** Starts the runtime, binds, spawns the accept task; returns the port. */
    static int start(InetSocketAddress addr, Path certs) throws IOException {
        TlsAcceptor acceptor = TlsAcceptor.builder(BenchTls.chain(certs), BenchTls.privateKey(certs))
                .protocols(BenchTls.PROTOCOL)
                .cipherSuites(BenchTls.SUITE)
                .build();
        AsyncRuntime.Builder b = AsyncRuntime.builder().multiThread().workerThreads(1);
        Long watchdogMs = Long.getLong("cortado.bench.watchdogMs"); // as CortadoEchoServer
        if (watchdogMs != null) {
            b.blockedWorkerThreshold(Duration.ofMillis(watchdogMs));
        }
        AsyncRuntime rt = b.build(); // lives as long as the process
        TcpListener listener = TcpListener.bind(rt.handle(), addr, 1024);
        rt.spawn(new AcceptLoop(listener, acceptor));
        return listener.localAddress().getPort();
    }

    /** Accepts forever; every connection becomes its own task. */
    private record AcceptLoop(TcpListener listener, TlsAcceptor acceptor) implements Future<Void> {
        @Override
        public Poll<Void> poll(Context cx) {
            for (; ; ) {
                TcpStream s;
                try {
                    s = listener.pollAccept(cx);
                } catch (UncheckedIOException e) { // this accept failed (e.g. too many open files): go on
                    System.err.println("accept: " + e.getCause());
                    cx.waker().wake();
                    return Poll.pending();
                }
                if (s == null) {
                    return Poll.pending();
                }
                s.setNoDelay(true);
                Task.spawn(new Echo(s, acceptor.accept(s)));
            }
        }
    }

    /** One connection: the handshake, then read what is there, write it all back, flush, repeat. */
    private static final class Echo implements Future<Void> {
        private final TcpStream socket;
        private Future<TlsStream<TcpStream>> handshake;
        private TlsStream<TcpStream> s;
        private final ByteBuffer buf = ByteBuffer.allocate(16 * 1024);
        /** 0: reading; 1: writing {@code buf} back (read mode); 2: flushing. */
        private int state;

        Echo(TcpStream socket, Future<TlsStream<TcpStream>> handshake) {
            this.socket = socket;
            this.handshake = handshake;
        }

        @Override
        public Poll<Void> poll(Context cx) {
            try {
                if (s == null) {
                    Poll<TlsStream<TcpStream>> p = handshake.poll(cx);
                    if (!p.isReady()) {
                        return Poll.pending();
                    }
                    s = p.value();
                    handshake = null;
                }
                for (; ; ) {
                    switch (state) {
                        case 0 -> {
                            int n = s.pollRead(cx, buf);
                            if (n == AsyncRead.PENDING) {
                                return Poll.pending();
                            }
                            if (n == AsyncRead.EOF) {
                                s.close();
                                return Poll.ready(null);
                            }
                            buf.flip();
                            state = 1;
                        }
                        case 1 -> {
                            while (buf.hasRemaining()) {
                                if (s.pollWrite(cx, buf) == AsyncRead.PENDING) {
                                    return Poll.pending();
                                }
                            }
                            buf.clear();
                            state = 2;
                        }
                        default -> {
                            if (s.pollFlush(cx) == AsyncRead.PENDING) {
                                return Poll.pending();
                            }
                            state = 0;
                        }
                    }
                }
            } catch (UncheckedIOException e) { // a failed handshake, a reset, a bad record: the connection ends
                if (s != null) {
                    s.close();
                } else {
                    socket.close();
                }
                return Poll.ready(null);
            }
        }
    }
}
