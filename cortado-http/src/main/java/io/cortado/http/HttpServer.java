package io.cortado.http;

import io.cortado.Context;
import io.cortado.Future;
import io.cortado.Handle;
import io.cortado.JoinException;
import io.cortado.JoinHandle;
import io.cortado.JoinSet;
import io.cortado.Poll;
import io.cortado.Task;
import io.cortado.net.TcpListener;
import io.cortado.net.TcpStream;
import io.cortado.time.Clock;
import io.cortado.tls.TlsAcceptor;
import io.cortado.trace.Tracer;
import io.cortado.trace.Tracing;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;

/**
 * An HTTP/1.1 server (RFC 9110, 9112) on Cortado's TCP and TLS: keep-alive, pipelining with responses in order,
 * request and response bodies as streams ({@code Content-Length} or chunked) read and written only as fast as the
 * handler and the client go, {@code Expect: 100-continue}, {@code HEAD}, {@code Connection: close}, and limits a
 * client cannot exceed (see {@link Builder}).
 *
 * <pre>{@code
 * HttpServer server = HttpServer.builder(request -> Futures.ready(Response.text("Hello")))
 *         .start(runtime.handle(), new InetSocketAddress(8080));
 * }</pre>
 *
 * <p>A server is one accept task that owns a task per connection; each connection is a hand-written poll state
 * machine that parses requests in place in its input buffer and writes a batch of pipelined responses with one
 * write. {@link #close()} stops it: the listener and every connection are closed, and in-flight handler futures
 * are cancelled (a graceful drain is not implemented yet). Closing the runtime does the same.
 *
 * <p>Malformed or oversized requests get their status (400, 408, 413, 414, 431, 501, 505: see {@link HttpException})
 * and the connection is closed; other connections are not affected.
 */
public final class HttpServer implements AutoCloseable {
    private static final Tracer LOG = Tracing.tracer("cortado.http");

    /** What every connection of a server shares. */
    record Config(Handler handler, Limits limits, TlsAcceptor tls, byte[] serverLine, Clock clock) {
    }

    private final InetSocketAddress address;
    private final JoinHandle<Void> acceptor;

    private HttpServer(InetSocketAddress address, JoinHandle<Void> acceptor) {
        this.address = address;
        this.acceptor = acceptor;
    }

    /**
     * @param handler serves each request (a {@link Router} for several routes)
     * @return a builder with the default limits
     */
    public static Builder builder(Handler handler) {
        return new Builder(handler);
    }

    /** @return the address the server listens on (with the real port when started on port 0) */
    public InetSocketAddress localAddress() {
        return address;
    }

    /**
     * Stops the server: the accept task is aborted, which closes the listener and every connection (their handler
     * futures are cancelled). Runs on the runtime soon after this returns. Idempotent.
     */
    @Override
    public void close() {
        acceptor.abort();
    }

    @Override
    public String toString() {
        return "HttpServer[" + address + "]";
    }

    /** Configures and starts an {@link HttpServer}; not thread-safe. */
    public static final class Builder {
        private final Handler handler;
        private int maxRequestLine = Limits.DEFAULTS.maxRequestLine();
        private int maxHeaderBytes = Limits.DEFAULTS.maxHeaderBytes();
        private int maxHeaders = Limits.DEFAULTS.maxHeaders();
        private long maxBody = Limits.DEFAULTS.maxBody();
        private Duration headerTimeout = Limits.DEFAULTS.headerTimeout();
        private Duration idleTimeout = Limits.DEFAULTS.idleTimeout();
        private long maxRequestsPerConnection = Limits.DEFAULTS.maxRequestsPerConnection();
        private int maxConnections = Limits.DEFAULTS.maxConnections();
        private TlsAcceptor tls;
        private String serverName = "cortado";
        private int backlog = TcpListener.DEFAULT_BACKLOG;

        private Builder(Handler handler) {
            this.handler = Objects.requireNonNull(handler, "handler");
        }

        /** The longest request line, without its CRLF (default 8 KiB); longer gets 414. */
        public Builder maxRequestLineLength(int bytes) {
            maxRequestLine = positive(bytes, "bytes");
            return this;
        }

        /** The largest request head, request line included (default 16 KiB); larger gets 431. */
        public Builder maxHeaderBytes(int bytes) {
            maxHeaderBytes = positive(bytes, "bytes");
            return this;
        }

        /** The most header fields in a request (default 100); more gets 431. */
        public Builder maxHeaders(int count) {
            maxHeaders = positive(count, "count");
            return this;
        }

        /** The largest request body (default 10 MiB); a larger {@code Content-Length} or chunked body gets 413. */
        public Builder maxBodyBytes(long bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("bytes : " + bytes + " (expected: >= 0)");
            }
            maxBody = bytes;
            return this;
        }

        /**
         * How long a request head may take from the first wait for its rest (default 10 s); then 408 and close.
         * It bounds a client sending a head a byte at a time.
         */
        public Builder headerReadTimeout(Duration d) {
            headerTimeout = positive(d);
            return this;
        }

        /** How long a connection may wait for the next request with nothing buffered (default 60 s); then close. */
        public Builder idleTimeout(Duration d) {
            idleTimeout = positive(d);
            return this;
        }

        /** The most requests on one connection (default 100,000); the last one's response closes it. */
        public Builder maxRequestsPerConnection(long count) {
            if (count < 1) {
                throw new IllegalArgumentException("count : " + count + " (expected: >= 1)");
            }
            maxRequestsPerConnection = count;
            return this;
        }

        /** The most open connections (default 10,000); at the limit the server stops accepting until one ends. */
        public Builder maxConnections(int count) {
            maxConnections = positive(count, "count");
            return this;
        }

        /**
         * Serves HTTPS: each connection first completes a handshake with {@code acceptor} (its handshake time
         * limit applies). Build the acceptor with {@code .alpn("http/1.1")} so that clients offering ALPN agree.
         */
        public Builder tls(TlsAcceptor acceptor) {
            tls = Objects.requireNonNull(acceptor, "acceptor");
            return this;
        }

        /** The {@code Server} header of every response that has none (default {@code cortado}; null: none). */
        public Builder serverName(String name) {
            if (name != null) {
                Response.of(200).header("Server", name); // validates
            }
            serverName = name;
            return this;
        }

        /** The listen backlog (default {@link TcpListener#DEFAULT_BACKLOG}). */
        public Builder backlog(int n) {
            backlog = positive(n, "n");
            return this;
        }

        /**
         * Binds {@code address} and spawns the server's accept task onto {@code handle}'s runtime. Callable from any
         * thread.
         *
         * @return the running server
         * @throws java.io.UncheckedIOException if the address cannot be bound
         */
        public HttpServer start(Handle handle, SocketAddress address) {
            Config config = config(handle);
            TcpListener listener = TcpListener.bind(handle, address, backlog);
            AcceptLoop loop = new AcceptLoop(handle, listener, config);
            JoinHandle<Void> task = Task.builder().name("http accept " + listener.localAddress())
                    .spawnOn(handle, loop);
            return new HttpServer(listener.localAddress(), task);
        }

        Config config(Handle handle) {
            Limits limits = new Limits(maxRequestLine, maxHeaderBytes, maxHeaders, maxBody, headerTimeout,
                    idleTimeout, maxRequestsPerConnection, maxConnections);
            byte[] server = serverName == null ? null
                    : ("Server: " + serverName + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
            return new Config(handler, limits, tls, server, handle.clock());
        }

        private static int positive(int v, String name) {
            if (v < 1) {
                throw new IllegalArgumentException(name + " : " + v + " (expected: >= 1)");
            }
            return v;
        }

        private static Duration positive(Duration d) {
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("duration : " + d + " (expected: > 0)");
            }
            return d;
        }
    }

    /**
     * The accept task: takes connections while fewer than the limit are open, spawns a {@link Connection} task for
     * each into its {@link JoinSet}, and reaps the ended ones. Rules: it returns Pending only after both
     * {@code pollAcceptRetrying} (when under the limit) and {@code joinNext} registered its waker, so a new
     * connection or one ending polls it again; its cancellation closes the listener and aborts every connection.
     */
    private static final class AcceptLoop implements Future<Void> {
        private final TcpListener listener;
        private final Config config;
        private final JoinSet<Void> connections;

        AcceptLoop(Handle handle, TcpListener listener, Config config) {
            this.listener = listener;
            this.config = config;
            this.connections = new JoinSet<>(handle);
        }

        @Override
        public Poll<Void> poll(Context cx) {
            for (; ; ) {
                boolean progress = false;
                while (connections.size() < config.limits().maxConnections()) {
                    TcpStream s = listener.pollAcceptRetrying(cx);
                    if (s == null) {
                        break;
                    }
                    progress = true;
                    try {
                        s.setNoDelay(true); // small responses go out at once
                    } catch (RuntimeException e) {
                        s.close(); // the peer reset it already
                        continue;
                    }
                    connections.spawn(new Connection(config, s));
                }
                while (!connections.isEmpty()) {
                    try {
                        if (!connections.joinNext().poll(cx).isReady()) {
                            break;
                        }
                    } catch (JoinException e) {
                        LOG.debug("a connection ended with an error", "error", String.valueOf(e.getCause()));
                    }
                    progress = true;
                }
                if (!progress) {
                    return Poll.pending();
                }
            }
        }

        @Override
        public void cancel() {
            listener.close();
            connections.close();
        }
    }
}
