package io.cortado.examples.net;

import io.cortado.AsyncRuntime;
import io.cortado.Futures;
import io.cortado.Handle;
import io.cortado.io.Io;
import io.cortado.net.TcpStream;
import io.cortado.tls.TlsAcceptor;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * A TLS-terminating proxy (what {@code stunnel} or {@code hitch} do): clients connect with TLS, the proxy runs the
 * handshake with a {@link TlsAcceptor}, connects to a plain-TCP backend, and copies the decrypted bytes both ways
 * with {@link Io#copyBidirectional}, as {@link Proxy} does for plain TCP. An end passes through in each direction:
 * the client's {@code close_notify} becomes a half-close of the backend connection, and the backend's end of
 * stream becomes the proxy's {@code close_notify} to the client (with TLS 1.3 the other direction stays open).
 *
 * <p>This direction (TLS outside, plain inside) was chosen over the reverse because it is the common one: adding
 * TLS in front of a service that speaks only plain TCP. The reverse is the same code with a
 * {@link io.cortado.tls.TlsConnector} on the backend connection instead.
 *
 * <pre>{@code
 * java --module-path <...> --module io.cortado.examples/io.cortado.examples.net.TlsProxy \
 *      <backend-host:port> [port] [--cert cert.pem --key key.pem]
 * }</pre>
 * Without {@code --cert} and {@code --key} it serves a self-signed certificate for {@code localhost}, as
 * {@link TlsEchoServer} does.
 */
public final class TlsProxy {
    private TlsProxy() {
    }

    /**
     * Starts a TLS-terminating proxy on {@code handle}'s runtime. A client whose handshake fails, or whose backend
     * connection fails, is disconnected; the others go on.
     *
     * @param address where to listen (port 0 picks a free port)
     * @param backend the plain-TCP server to forward each connection to
     * @param tls     the certificate and settings to serve clients with
     * @return the running proxy; close it to stop
     */
    public static Server start(Handle handle, InetSocketAddress address, InetSocketAddress backend,
                               TlsAcceptor tls) {
        return Server.start(handle, "tls proxy", address, client ->
                // the handshake first: a client that cannot do TLS never costs a backend connection
                tls.accept(client).then(secure -> TcpStream.connect(backend)
                        .then(out -> Server.closing(Io.copyBidirectional(secure, out), out))));
    }

    /**
     * @param args {@code <backend-host:port> [port] [--cert FILE --key FILE]}
     * @throws IOException if a PEM file cannot be read
     */
    public static void main(String[] args) throws IOException {
        List<String> all = List.of(args);
        List<String> positional = SelfSigned.positional(all);
        if (positional.isEmpty() || !positional.getFirst().contains(":")) {
            System.err.println("usage: TlsProxy <backend-host:port> [port] [--cert FILE --key FILE]");
            System.exit(2);
        }
        String target = positional.getFirst();
        int colon = target.lastIndexOf(':');
        InetSocketAddress backend = new InetSocketAddress(target.substring(0, colon),
                Integer.parseInt(target.substring(colon + 1)));
        SelfSigned id = SelfSigned.fromArgs(all);
        java.nio.file.Path trust = id.writeTrustFile();
        try (AsyncRuntime rt = AsyncRuntime.builder().build();
             Server proxy = start(rt.handle(), Server.loopback(positional.toArray(String[]::new), 1), backend,
                     id.acceptor())) {
            System.out.println("tls proxy listening on " + proxy.localAddress() + ", forwarding to " + backend
                    + " (certificate: " + id.describe() + ")");
            if (trust != null) {
                System.out.println("clients can trust it with: openssl s_client -connect "
                        + proxy.localAddress().getHostString() + ":" + proxy.localAddress().getPort()
                        + " -CAfile " + trust);
            }
            rt.blockOn(Futures.pending()); // serve until the process is stopped (Ctrl-C)
        }
    }
}
