package io.cortado.tls;

import io.cortado.Future;
import io.cortado.io.AsyncRead;
import io.cortado.io.AsyncWrite;
import io.cortado.net.TcpStream;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The client side of TLS: {@link #connect} turns a connected stream into a {@link TlsStream} once the handshake is
 * done. Immutable and shareable; its sessions are cached, so a second connection to the same server resumes.
 *
 * <pre>{@code
 * TlsConnector tls = TlsConnector.withDefaults();             // the JDK's trusted roots
 * TlsStream<TcpStream> s = await(tls.connect("example.com", 443));
 * }</pre>
 *
 * <p>The server's certificate must lead to a trusted root and name the host connected to (hostname verification
 * is on unless {@link Builder#dangerouslyDisableHostnameVerification()} is called); the host is sent as SNI, and
 * the ALPN protocols of the builder are offered. A handshake that takes longer than the time limit (10 seconds by
 * default) fails with {@link TlsHandshakeException.Reason#TIMED_OUT}.
 */
public final class TlsConnector {
    /** The default handshake time limit. */
    public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);

    private final SSLContext context;
    private final Builder settings;
    private final boolean verifyHostname;

    private TlsConnector(Builder b) {
        this.settings = b.copyInto(new Builder());
        this.verifyHostname = b.verifyHostname;
        this.context = b.context != null ? b.context
                : TlsBuilder.context(TlsBuilder.keyManagers(b.identities), TlsBuilder.trustManagers(b.trust));
    }

    /** @return a connector trusting the JDK's default roots, with the default settings */
    public static TlsConnector withDefaults() {
        return builder().build();
    }

    /** @return a builder trusting the JDK's default roots until told otherwise */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Runs the client side of a handshake over {@code io}, for the server named {@code serverName} (sent as SNI
     * unless it is an IP address, and checked against the server's certificate). The TLS stream owns {@code io}
     * from now on: closing it closes {@code io}.
     *
     * <p><b>Cancel safety:</b> not cancel-safe: cancelling, like a failure or the time limit, closes {@code io}.
     *
     * @param serverName the server's host name (or IP address)
     * @param io         a connected stream
     * @param <S>        its type
     * @return a lazy future of the TLS stream; it fails with an {@link java.io.UncheckedIOException} caused by a
     * {@link TlsHandshakeException}
     */
    public <S extends AsyncRead & AsyncWrite> Future<TlsStream<S>> connect(String serverName, S io) {
        Objects.requireNonNull(serverName, "serverName");
        TlsBuilder.checkStream(io);
        int port = 0; // the session cache's key is (name, port): any port that is the same each time will do
        if (io instanceof TcpStream t) {
            try {
                if (t.peerAddress() instanceof InetSocketAddress a) {
                    port = a.getPort();
                }
            } catch (RuntimeException ignored) {
                // no address (closed): the handshake will say so
            }
        }
        SSLEngine e = context.createSSLEngine(serverName, port);
        e.setUseClientMode(true);
        SSLParameters p = e.getSSLParameters();
        settings.apply(p);
        p.setEndpointIdentificationAlgorithm(verifyHostname ? "HTTPS" : null);
        if (!isIpLiteral(serverName)) {
            p.setServerNames(List.of(new SNIHostName(serverName)));
        }
        if (!settings.alpn.isEmpty()) {
            p.setApplicationProtocols(settings.alpn.toArray(String[]::new));
        }
        e.setSSLParameters(p);
        return TlsStream.handshake(new TlsStream<>(io, e, serverName + " (" + TlsBuilder.describe(io) + ")",
                settings.acceptTruncation), settings.handshakeTimeout);
    }

    /**
     * Connects over TCP to {@code host:port}, then runs the handshake for {@code host}.
     *
     * <p><b>Cancel safety:</b> not cancel-safe: cancelling closes the socket.
     *
     * @param host the server's host name
     * @param port its port
     * @return a lazy future of the TLS stream
     */
    public Future<TlsStream<TcpStream>> connect(String host, int port) {
        Objects.requireNonNull(host, "host");
        return TcpStream.connect(host, port).then(s -> connect(host, s));
    }

    private static boolean isIpLiteral(String name) {
        return name.indexOf(':') >= 0 || name.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'));
    }

    /** Builds a {@link TlsConnector}; not thread-safe. */
    public static final class Builder extends TlsBuilder<Builder> {
        private List<X509Certificate> trust;
        private List<Identity> identities = List.of();
        private SSLContext context;
        private boolean verifyHostname = true;

        private Builder() {
            super(DEFAULT_HANDSHAKE_TIMEOUT);
        }

        /**
         * @param roots the only roots to trust (instead of the JDK's)
         * @return this builder
         */
        public Builder trust(List<X509Certificate> roots) {
            this.trust = List.copyOf(roots);
            return this;
        }

        /**
         * @param rootsPem a PEM file of the roots to trust
         * @return this builder
         * @throws IOException if it cannot be read
         */
        public Builder trust(Path rootsPem) throws IOException {
            return trust(Pem.certificates(rootsPem));
        }

        /**
         * @param trustStore a key store of trusted certificates
         * @return this builder
         */
        public Builder trust(KeyStore trustStore) {
            this.context = TlsBuilder.context(null, TlsBuilder.trustManagers(trustStore));
            return this;
        }

        /**
         * @param context a configured context; its key and trust managers replace the builder's
         * @return this builder
         */
        public Builder sslContext(SSLContext context) {
            this.context = Objects.requireNonNull(context, "context");
            return this;
        }

        /**
         * A client certificate, for servers that ask for one (mutual TLS).
         *
         * @param chain the certificate chain, its own certificate first
         * @param key   its private key
         * @return this builder
         */
        public Builder identity(List<X509Certificate> chain, PrivateKey key) {
            identities = identities(identities, chain, key);
            return this;
        }

        /**
         * Accepts a server certificate for any host name (the chain must still lead to a trusted root). For tests
         * and closed networks only: anyone with a certificate from a trusted root can then pose as the server.
         *
         * @return this builder
         */
        public Builder dangerouslyDisableHostnameVerification() {
            this.verifyHostname = false;
            return this;
        }

        /** @return the connector */
        public TlsConnector build() {
            return new TlsConnector(this);
        }
    }
}
