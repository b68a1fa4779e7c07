package io.cortado.net;

import io.cortado.Future;
import io.cortado.Handle;
import io.cortado.internal.Checks;
import io.cortado.internal.HandleAccess;
import io.cortado.internal.io.Registration;
import io.cortado.internal.sim.SimNet;
import io.cortado.internal.sim.SimStream;
import io.cortado.time.TimeoutException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Objects;

/**
 * A TCP connection on the runtime's reactor: an {@link io.cortado.io.AsyncRead} and
 * {@link io.cortado.io.AsyncWrite} over {@link java.nio.ByteBuffer}s.
 *
 * <pre>{@code
 * TcpStream s = await(TcpStream.connect(new InetSocketAddress("127.0.0.1", 8080)));
 * await(s.writeAll(ByteBuffer.wrap("hello\n".getBytes())));
 * int n = await(s.read(buf));            // -1 at the end of the stream
 * }</pre>
 *
 * <h2>Errors</h2>
 * Futures fail with an {@link UncheckedIOException} whose cause says what happened:
 * {@link java.net.ConnectException} (refused), {@link SocketTimeoutException} (connect time-out),
 * {@link io.cortado.io.ConnectionResetException} (reset by the peer), {@link io.cortado.io.BrokenPipeException}
 * (writing to a peer that closed), {@link java.nio.channels.ClosedChannelException} (closed here),
 * {@link io.cortado.io.TooManyOpenFilesException}. A failure affects this connection only.
 *
 * <h2>Ownership</h2>
 * A stream belongs to the runtime it was created on: close it when done; when that runtime shuts down, its streams
 * are closed and pending operations fail. Reads and writes may run in two different tasks at once (or use
 * {@link #split()}).
 */
public final class TcpStream extends SocketStream {

    TcpStream(SocketChannel ch, Registration reg) {
        super(ch, reg);
    }

    TcpStream(SimStream sim) {
        super(sim);
    }

    /**
     * Connects to {@code address} on the runtime that polls the returned future.
     *
     * <p><b>Cancel safety:</b> cancelling a pending connect closes the half-open socket; nothing else is lost.
     *
     * @param address where to connect (an {@link java.net.InetSocketAddress}; an unresolved one, such as
     *                {@code InetSocketAddress.createUnresolved("db", 5432)}, is looked up first, as
     *                {@link #connect(String, int)} does)
     * @return a lazy future of the connected stream
     */
    public static Future<TcpStream> connect(SocketAddress address) {
        Objects.requireNonNull(address, "address");
        if (address instanceof java.net.InetSocketAddress isa && isa.isUnresolved()) {
            return connect(isa.getHostString(), isa.getPort()); // a name: looked up first, as connect(host, port)
        }
        return new ConnectFuture<>(null, address, () -> open(address), "TCP connection", TcpStream::new,
                TcpStream::new);
    }

    /**
     * Connects to {@code address} on {@code handle}'s runtime; see {@link #connect(SocketAddress)}.
     */
    public static Future<TcpStream> connect(Handle handle, SocketAddress address) {
        Objects.requireNonNull(handle, "handle");
        Objects.requireNonNull(address, "address");
        return new ConnectFuture<>(handle, address, () -> open(address), "TCP connection", TcpStream::new,
                TcpStream::new);
    }

    /**
     * Resolves {@code host} (on the blocking pool: name lookup blocks) and connects to its addresses in turn until
     * one accepts, as Tokio's {@code TcpStream::connect("host:port")} does.
     *
     * <p><b>Cancel safety:</b> as {@link #connect(SocketAddress)}; a lookup already running finishes on the pool.
     *
     * @param host a host name or address literal
     * @param port the port, in [0, 65535]
     * @return a lazy future of the connected stream; it fails with an {@link UncheckedIOException} caused by an
     * {@link java.net.UnknownHostException} if the name does not resolve, or by the last address's error
     * @throws IllegalArgumentException if {@code port} is out of range
     */
    public static Future<TcpStream> connect(String host, int port) {
        Objects.requireNonNull(host, "host");
        Checks.checkInRange(port, 0, 65535, "port");
        return new Future<>() {
            private io.cortado.JoinHandle<java.net.InetAddress[]> lookup;
            private java.net.InetAddress[] addresses;
            private int next;
            private Future<TcpStream> attempt;
            private UncheckedIOException lastError;

            @Override
            public io.cortado.Poll<TcpStream> poll(io.cortado.Context cx) {
                if (addresses == null) {
                    SimNet net = HandleAccess.core(Handle.current()).simNet();
                    if (net != null) {
                        addresses = net.lookup(host); // the simulation's name service: no blocking lookup
                    }
                }
                if (addresses == null) {
                    if (lookup == null) {
                        lookup = io.cortado.Task.spawnBlocking(() -> {
                            try {
                                return java.net.InetAddress.getAllByName(host);
                            } catch (java.net.UnknownHostException e) {
                                throw new UncheckedIOException(e);
                            }
                        });
                    }
                    io.cortado.Poll<java.net.InetAddress[]> p;
                    try {
                        p = lookup.poll(cx);
                    } catch (io.cortado.JoinException e) {
                        throw e.getCause() instanceof UncheckedIOException u ? u : e;
                    }
                    if (!p.isReady()) {
                        return io.cortado.Poll.pending();
                    }
                    addresses = p.value();
                }
                for (; ; ) {
                    if (attempt == null) {
                        if (next == addresses.length) {
                            throw lastError;
                        }
                        attempt = connect(new java.net.InetSocketAddress(addresses[next++], port));
                    }
                    try {
                        return attempt.poll(cx);
                    } catch (UncheckedIOException e) {
                        lastError = e;
                        attempt = null;
                    }
                }
            }

            @Override
            public void cancel() {
                if (lookup != null && addresses == null) {
                    lookup.cancel();
                }
                if (attempt != null) {
                    attempt.cancel();
                }
            }
        };
    }

    /**
     * Connects with a time limit on the runtime's clock.
     *
     * <p><b>Cancel safety:</b> as {@link #connect(SocketAddress)}.
     *
     * @param timeout the limit, positive
     * @return a lazy future of the connected stream; it fails with an {@link UncheckedIOException} caused by a
     * {@link SocketTimeoutException} when the limit passes first
     * @throws IllegalArgumentException if {@code timeout} is not positive
     */
    public static Future<TcpStream> connect(SocketAddress address, Duration timeout) {
        Objects.requireNonNull(address, "address");
        Checks.checkPositive(timeout, "timeout");
        return new Future<>() {
            private Future<TcpStream> limited; // made on the first poll: the time limit runs on the poller's clock

            @Override
            public io.cortado.Poll<TcpStream> poll(io.cortado.Context cx) {
                if (limited == null) {
                    limited = connect(address).timeout(timeout);
                }
                try {
                    return limited.poll(cx);
                } catch (TimeoutException e) {
                    SocketTimeoutException t = new SocketTimeoutException(
                            "connect to " + address + " timed out after " + timeout.toMillis() + " ms");
                    t.initCause(e);
                    throw new UncheckedIOException(t);
                }
            }

            @Override
            public void cancel() {
                if (limited != null) {
                    limited.cancel();
                }
            }
        };
    }

    /** Opens an unconnected TCP channel of the address's family. */
    static SocketChannel open(SocketAddress address) throws IOException {
        return address instanceof java.net.InetSocketAddress isa && isa.getAddress() instanceof java.net.Inet6Address
                ? SocketChannel.open(StandardProtocolFamily.INET6) : SocketChannel.open();
    }

    /** @param on whether to send small segments at once (disable Nagle's algorithm, {@code TCP_NODELAY}) */
    public void setNoDelay(boolean on) {
        set(StandardSocketOptions.TCP_NODELAY, on);
    }

    /** @return whether {@code TCP_NODELAY} is set */
    public boolean noDelay() {
        return get(StandardSocketOptions.TCP_NODELAY);
    }

    /** @param on whether to send keep-alive probes on an idle connection ({@code SO_KEEPALIVE}) */
    public void setKeepAlive(boolean on) {
        set(StandardSocketOptions.SO_KEEPALIVE, on);
    }

    /** @return whether {@code SO_KEEPALIVE} is set */
    public boolean keepAlive() {
        return get(StandardSocketOptions.SO_KEEPALIVE);
    }

    /**
     * @param seconds {@code SO_LINGER}: 0 makes {@link #close()} reset the connection (the peer reads a
     *                {@link io.cortado.io.ConnectionResetException}); negative disables lingering
     */
    public void setLinger(int seconds) {
        set(StandardSocketOptions.SO_LINGER, seconds);
    }

    private <T> void set(SocketOption<T> option, T value) {
        if (sim != null) {
            sim.setOption(option.name(), value);
            return;
        }
        try {
            ch.setOption(option, value);
        } catch (IOException e) {
            throw failure(e, "set " + option.name() + " on ");
        }
    }

    private <T> T get(SocketOption<T> option) {
        if (sim != null) {
            return option.type().cast(sim.option(option.name(), Boolean.FALSE)); // only boolean options are read
        }
        try {
            return ch.getOption(option);
        } catch (IOException e) {
            throw failure(e, "get " + option.name() + " of ");
        }
    }
}
