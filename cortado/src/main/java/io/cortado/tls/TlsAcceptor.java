package io.cortado.tls;

import io.cortado.Future;
import io.cortado.io.AsyncRead;
import io.cortado.io.AsyncWrite;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import java.io.IOException;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The server side of TLS: {@link #accept} turns an accepted stream into a {@link TlsStream} once the handshake is
 * done. Immutable and shareable by every connection of a listener.
 *
 * <pre>{@code
 * TlsAcceptor tls = TlsAcceptor.builder(Path.of("cert.pem"), Path.of("key.pem")).alpn("http/1.1").build();
 * for (;;) {
 *     TcpStream s = await(listener.acceptRetrying());
 *     Task.spawn(tls.accept(s).then(conn -> serve(conn)));
 * }
 * }</pre>
 *
 * <p>A server may hold several identities (certificate chain and key): the one whose certificate names the host a
 * client asks for (SNI) is chosen, the first otherwise. ALPN chooses the first of the server's protocols the client
 * offers; a client that offers ALPN but none of them fails with {@link TlsHandshakeException.Reason#ALPN_MISMATCH}.
 * A handshake that takes longer than the time limit (5 seconds by default) fails with
 * {@link TlsHandshakeException.Reason#TIMED_OUT}, so a peer that stalls cannot hold a connection.
 */
public final class TlsAcceptor {
    /** The default handshake time limit. */
    public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(5);

    private final SSLContext context;
    private final Builder settings;
    private final ClientAuth clientAuth;
    private final List<String> alpn;

    private TlsAcceptor(Builder b) {
        this.settings = b.copyInto(new Builder());
        this.clientAuth = b.clientAuth;
        this.alpn = b.alpn;
        this.context = b.context != null ? b.context : TlsBuilder.context(
                SniKeyManager.wrap(TlsBuilder.keyManagers(b.identities)),
                b.clientTrust != null ? TlsBuilder.trustManagers(b.clientTrust) : null);
    }

    /**
     * @param chain the server's certificate chain, its own certificate first
     * @param key   its private key
     * @return a builder
     */
    public static Builder builder(List<X509Certificate> chain, PrivateKey key) {
        Builder b = new Builder();
        b.identities = TlsBuilder.identities(b.identities, chain, key);
        return b;
    }

    /**
     * @param certificateChainPem a PEM file with the certificate chain, the server's own first
     * @param privateKeyPem       a PEM file with its unencrypted PKCS#8 key
     * @return a builder
     * @throws IOException if a file cannot be read
     */
    public static Builder builder(Path certificateChainPem, Path privateKeyPem) throws IOException {
        return builder(Pem.certificates(certificateChainPem), Pem.privateKey(privateKeyPem));
    }

    /**
     * @param keyStore a key store with the server's key entries (several for SNI)
     * @param password their password
     * @return a builder
     */
    public static Builder builder(KeyStore keyStore, char[] password) {
        Builder b = new Builder();
        b.context = TlsBuilder.context(SniKeyManager.wrap(TlsBuilder.keyManagers(keyStore, password)), null);
        return b;
    }

    /**
     * @param context a configured context (key and trust managers are its own)
     * @return a builder
     */
    public static Builder builder(SSLContext context) {
        Builder b = new Builder();
        b.context = Objects.requireNonNull(context, "context");
        return b;
    }

    /**
     * Runs the server side of a handshake over {@code io}. The TLS stream owns {@code io} from now on: closing it
     * closes {@code io}.
     *
     * <p><b>Cancel safety:</b> not cancel-safe: cancelling, like a failure or the time limit, closes {@code io}.
     *
     * @param io  an accepted stream
     * @param <S> its type
     * @return a lazy future of the TLS stream; it fails with an {@link java.io.UncheckedIOException} caused by a
     * {@link TlsHandshakeException}
     */
    public <S extends AsyncRead & AsyncWrite> Future<TlsStream<S>> accept(S io) {
        TlsBuilder.checkStream(io);
        SSLEngine e = context.createSSLEngine();
        e.setUseClientMode(false);
        SSLParameters p = e.getSSLParameters();
        settings.apply(p);
        switch (clientAuth) {
            case REQUIRED -> p.setNeedClientAuth(true);
            case OPTIONAL -> p.setWantClientAuth(true);
            case NONE -> {
            }
        }
        e.setSSLParameters(p);
        if (!alpn.isEmpty()) {
            e.setHandshakeApplicationProtocolSelector((engine, offered) -> {
                for (String mine : alpn) {
                    if (offered.contains(mine)) {
                        return mine;
                    }
                }
                return null; // the JDK then fails the handshake with no_application_protocol
            });
        }
        return TlsStream.handshake(new TlsStream<>(io, e, TlsBuilder.describe(io), settings.acceptTruncation),
                settings.handshakeTimeout);
    }

    /** Builds a {@link TlsAcceptor}; not thread-safe. */
    public static final class Builder extends TlsBuilder<Builder> {
        private List<Identity> identities = List.of();
        private SSLContext context;
        private ClientAuth clientAuth = ClientAuth.NONE;
        private List<X509Certificate> clientTrust;

        private Builder() {
            super(DEFAULT_HANDSHAKE_TIMEOUT);
        }

        /**
         * Adds another identity, chosen for clients that ask (SNI) for a host its certificate names.
         *
         * @param chain the certificate chain, its own certificate first
         * @param key   its private key
         * @return this builder
         */
        public Builder identity(List<X509Certificate> chain, PrivateKey key) {
            if (context != null) {
                throw new IllegalStateException("identities come from the SSLContext or key store given");
            }
            identities = identities(identities, chain, key);
            return this;
        }

        /**
         * Asks clients for certificates (mutual TLS), trusted if they lead to one of {@code roots}.
         *
         * @param mode  whether a certificate is asked for or required
         * @param roots the trusted roots for client certificates; {@code null} for the JDK's default trust store
         *              (or the trust managers of the SSLContext given)
         * @return this builder
         */
        public Builder clientAuth(ClientAuth mode, List<X509Certificate> roots) {
            this.clientAuth = Objects.requireNonNull(mode, "mode");
            if (roots != null && context != null && identities.isEmpty()) {
                throw new IllegalStateException("with an SSLContext or key store, client trust is the context's");
            }
            this.clientTrust = roots == null ? null : List.copyOf(roots);
            return this;
        }

        /** @return the acceptor */
        public TlsAcceptor build() {
            return new TlsAcceptor(this);
        }
    }
}
