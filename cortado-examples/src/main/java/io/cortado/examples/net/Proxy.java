package io.cortado.examples.net;

import io.cortado.AsyncRuntime;
import io.cortado.Future;
import io.cortado.Handle;
import io.cortado.io.Io;
import io.cortado.net.TcpStream;
import io.cortado.stream.Streams;
import io.cortado.sync.Mpsc;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy: each client connection is joined to a new connection to the backend, and bytes are copied both
 * ways with {@link Io#copyBidirectional} until both sides have ended. When one side ends its writing, the proxy
 * passes the end on to the other side (a half-close), so request/response protocols that rely on it work.
 *
 * <p>The proxy counts the bytes each way: in total ({@link #bytesUp()}, {@link #bytesDown()}), and per connection,
 * as a {@link Transfer} sent on the {@link #transfers()} channel when the connection ends.
 */
public final class Proxy implements AutoCloseable {
    private final Server server;
    private final AtomicLong up = new AtomicLong();
    private final AtomicLong down = new AtomicLong();
    private final Mpsc.Receiver<Transfer> transfers;

    /**
     * One finished connection.
     *
     * @param client the client's address
     * @param up     bytes copied from the client to the backend
     * @param down   bytes copied from the backend to the client
     */
    public record Transfer(SocketAddress client, long up, long down) {
    }

    private Proxy(Handle handle, InetSocketAddress address, InetSocketAddress backend) {
        Mpsc.UnboundedChannel<Transfer> log = Mpsc.unbounded();
        this.transfers = log.receiver();
        this.server = Server.start(handle, "proxy", address, client -> {
            SocketAddress from = client.peerAddress();
            // connect, then copy until both directions ended; closing(...) closes the backend connection
            // however that ends (the accept loop does the same for the client's)
            return TcpStream.connect(backend)
                    .then(out -> Server.closing(Io.copyBidirectional(client, out), out))
                    .map(bytes -> {
                        up.addAndGet(bytes.first());
                        down.addAndGet(bytes.second());
                        log.sender().send(new Transfer(from, bytes.first(), bytes.second()));
                        return bytes;
                    });
        }, log.sender());
    }

    /**
     * Starts a proxy on {@code handle}'s runtime. A client whose backend connection fails is disconnected.
     *
     * @param address where to listen (port 0 picks a free port)
     * @param backend where to forward each connection
     * @return the running proxy; close it to stop
     */
    public static Proxy start(Handle handle, InetSocketAddress address, InetSocketAddress backend) {
        return new Proxy(handle, address, backend);
    }

    /** @return the address the proxy listens on */
    public InetSocketAddress localAddress() {
        return server.localAddress();
    }

    /** @return bytes copied from clients to the backend by the connections that ended */
    public long bytesUp() {
        return up.get();
    }

    /** @return bytes copied from the backend to clients by the connections that ended */
    public long bytesDown() {
        return down.get();
    }

    /**
     * @return the finished connections, in the order they ended; the channel ends when the proxy is closed. One
     * task at a time may receive; nothing is lost if nobody does, but the channel then grows.
     */
    public Mpsc.Receiver<Transfer> transfers() {
        return transfers;
    }

    /** Stops accepting and aborts every connection. */
    @Override
    public void close() {
        server.close();
    }

    /** @param args {@code <backend-host:port> [port]}: where to forward, and the loopback port to listen on */
    public static void main(String[] args) {
        if (args.length < 1 || !args[0].contains(":")) {
            System.err.println("usage: Proxy <backend-host:port> [port]");
            System.exit(2);
        }
        int colon = args[0].lastIndexOf(':');
        InetSocketAddress backend = new InetSocketAddress(args[0].substring(0, colon),
                Integer.parseInt(args[0].substring(colon + 1)));
        try (AsyncRuntime rt = AsyncRuntime.builder().build();
             Proxy proxy = start(rt.handle(), Server.loopback(args, 1), backend)) {
            System.out.println("proxy listening on " + proxy.localAddress() + ", forwarding to " + backend);
            // Print each finished connection; this runs until the process is stopped (Ctrl-C).
            Future<Void> report = Streams.fromReceiver(proxy.transfers()).forEach(t -> System.out.printf(
                    "%s: %d bytes up, %d bytes down (total %d up, %d down)%n",
                    t.client(), t.up(), t.down(), proxy.bytesUp(), proxy.bytesDown()));
            rt.blockOn(report);
        }
    }
}
