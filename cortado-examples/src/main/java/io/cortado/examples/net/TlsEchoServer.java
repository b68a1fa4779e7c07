package io.cortado.examples.net;

import io.cortado.AsyncRuntime;
import io.cortado.Futures;
import io.cortado.Handle;
import io.cortado.io.Io;
import io.cortado.tls.TlsAcceptor;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;

/**
 * {@link EchoServer} over TLS: every connection's handshake is run by a {@link TlsAcceptor}, then the decrypted
 * bytes are copied back with {@link Io#copy} as over plain TCP, and when the client ends its side
 * ({@code close_notify}) the server ends its own ({@code close_notify} back) and closes.
 *
 * <pre>{@code
 * java --module-path <cortado, examples and BouncyCastle jars> \
 *      --module io.cortado.examples/io.cortado.examples.net.TlsEchoServer [port] [--cert cert.pem --key key.pem]
 * openssl s_client -connect 127.0.0.1:<port> -CAfile <the certificate file it prints>
 * }</pre>
 *
 * <p>Without {@code --cert} and {@code --key} (a PEM certificate chain and an unencrypted PKCS#8 key, as
 * {@code openssl} writes them) it makes a self-signed certificate for {@code localhost} at start, and prints where
 * it wrote that certificate for clients to trust. A client that fails its handshake (an untrusted certificate, plain
 * text instead of TLS) loses its connection only; the server goes on.
 */
public final class TlsEchoServer {
    private TlsEchoServer() {
    }

    /**
     * Starts a TLS echo server on {@code handle}'s runtime.
     *
     * @param address where to listen (port 0 picks a free port; see {@link Server#localAddress()})
     * @param tls     the certificate and settings to serve with
     * @return the running server; close it to stop
     */
    public static Server start(Handle handle, InetSocketAddress address, TlsAcceptor tls) {
        return Server.start(handle, "tls echo", address, stream -> {
            stream.setNoDelay(true); // replies are small: send each at once instead of waiting to fill a segment
            // the handshake, then echo until the client's close_notify, then our close_notify; the accept loop
            // closes the socket (and so the TLS stream over it) however this ends
            return tls.accept(stream).then(s -> Io.copy(s, s).then(copied -> s.shutdown()));
        });
    }

    /**
     * @param args {@code [port] [--cert FILE --key FILE]}: the loopback port to listen on (0 or none picks a free
     *             one), and the PEM files of the certificate chain and key (none: a self-signed one for localhost)
     * @throws IOException if a PEM file cannot be read
     */
    public static void main(String[] args) throws IOException {
        List<String> all = List.of(args);
        SelfSigned id = SelfSigned.fromArgs(all);
        Path trust = id.writeTrustFile();
        try (AsyncRuntime rt = AsyncRuntime.builder().build();
             Server server = start(rt.handle(), Server.loopback(SelfSigned.positional(all).toArray(String[]::new), 0),
                     id.acceptor())) {
            System.out.println("tls echo server listening on " + server.localAddress() + " (certificate: "
                    + id.describe() + ")");
            if (trust != null) {
                System.out.println("clients can trust it with: openssl s_client -connect "
                        + server.localAddress().getHostString() + ":" + server.localAddress().getPort()
                        + " -CAfile " + trust);
            }
            rt.blockOn(Futures.pending()); // serve until the process is stopped (Ctrl-C)
        }
    }
}
