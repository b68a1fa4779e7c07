package io.cortado.bench.echo;

import io.cortado.AsyncRuntime;
import io.cortado.Context;
import io.cortado.Future;
import io.cortado.Poll;
import io.cortado.Task;
import io.cortado.io.AsyncRead;
import io.cortado.net.TcpListener;
import io.cortado.net.TcpStream;

import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * The {@code cortado} echo server of W9 / W9b: Cortado's multi-thread runtime with ONE worker, a task that accepts,
 * and a task per connection. Both are hand-written poll state machines over the poll-level I/O API
 * ({@link TcpListener#pollAccept}, {@link TcpStream#pollRead}, {@link TcpStream#pollWrite}), the way a
 * compiler-generated {@code async} function would poll: nothing is allocated per message.
 *
 * <p>{@code -Dcortado.bench.watchdogMs=N} sets the blocked-worker watchdog's threshold (default: the runtime's
 * default; 0 turns it off).
 */
final class CortadoEchoServer {
    private CortadoEchoServer() {
    }

    /** Starts the runtime, binds, spawns the accept task; returns the port. */
    static int start(InetSocketAddress addr) {
        AsyncRuntime.Builder b = AsyncRuntime.builder().multiThread().workerThreads(1);
        Long watchdogMs = Long.getLong("cortado.bench.watchdogMs");
        if (watchdogMs != null) {
            b.blockedWorkerThreshold(Duration.ofMillis(watchdogMs));
        }
        AsyncRuntime rt = b.build(); // lives as long as the process
        TcpListener listener = TcpListener.bind(rt.handle(), addr, 1024);
        rt.spawn(new AcceptLoop(listener));
        return listener.localAddress().getPort();
    }

    /** Accepts forever; every connection becomes its own task. */
    private static final class AcceptLoop implements Future<Void> {
        private final TcpListener listener;

        AcceptLoop(TcpListener listener) {
            this.listener = listener;
        }

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
                Task.spawn(new Echo(s));
            }
        }
    }

    /** One connection: read what is there, write it all back, repeat until the peer ends the stream. */
    private static final class Echo implements Future<Void> {
        private final TcpStream s;
        private final ByteBuffer buf = ByteBuffer.allocateDirect(16 * 1024);
        /** Whether {@code buf} holds bytes still to write back (read mode) rather than room to read into. */
        private boolean writing;

        Echo(TcpStream s) {
            this.s = s;
        }

        @Override
        public Poll<Void> poll(Context cx) {
            try {
                for (; ; ) {
                    if (writing) {
                        while (buf.hasRemaining()) {
                            if (s.pollWrite(cx, buf) == AsyncRead.PENDING) {
                                return Poll.pending();
                            }
                        }
                        writing = false;
                        buf.clear();
                    }
                    int n = s.pollRead(cx, buf);
                    if (n == AsyncRead.PENDING) {
                        return Poll.pending();
                    }
                    if (n == AsyncRead.EOF) {
                        s.close();
                        return Poll.ready(null);
                    }
                    buf.flip();
                    writing = true;
                }
            } catch (UncheckedIOException e) { // reset by the peer, and the like: the connection ends
                s.close();
                return Poll.ready(null);
            }
        }
    }
}
