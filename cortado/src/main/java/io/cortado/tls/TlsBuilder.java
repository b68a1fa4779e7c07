package io.cortado.tls;

import io.cortado.internal.Checks;
import io.cortado.io.AsyncRead;
import io.cortado.io.AsyncWrite;
import io.cortado.net.TcpStream;
import io.cortado.net.UnixStream;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The settings {@link TlsConnector.Builder} and {@link TlsAcceptor.Builder} share: protocol versions, cipher suites,
 * ALPN protocols, the handshake time limit and whether a missing {@code close_notify} is accepted.
 *
 * @param <B> the concrete builder
 */
public abstract sealed class TlsBuilder<B extends TlsBuilder<B>> permits TlsConnector.Builder, TlsAcceptor.Builder {
    /** An identity: a certificate chain (its own certificate first) and its private key. */
    record Identity(List<X509Certificate> chain, PrivateKey key) {
        Identity {
            chain = List.copyOf(chain);
            Objects.requireNonNull(key, "key");
            if (chain.isEmpty()) {
                throw new IllegalArgumentException("a certificate chain needs at least one certificate");
            }
        }
    }

    List<String> protocols = List.of("TLSv1.3", "TLSv1.2");
    List<String> cipherSuites;
    List<String> alpn = List.of();
    Duration handshakeTimeout;
    boolean acceptTruncation;

    TlsBuilder(Duration handshakeTimeout) {
        this.handshakeTimeout = handshakeTimeout;
    }

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }

    /**
     * @param protocols the protocol versions allowed, such as {@code "TLSv1.3"}; by default TLS 1.3 and 1.2
     * @return this builder
     */
    public B protocols(String... protocols) {
        this.protocols = List.of(protocols);
        if (this.protocols.isEmpty()) {
            throw new IllegalArgumentException("at least one protocol is needed");
        }
        return self();
    }

    /**
     * @param suites the cipher suites allowed, in order of preference; by default the JDK's
     * @return this builder
     */
    public B cipherSuites(String... suites) {
        this.cipherSuites = List.of(suites);
        if (this.cipherSuites.isEmpty()) {
            throw new IllegalArgumentException("at least one cipher suite is needed");
        }
        return self();
    }

    /**
     * @param protocols the application protocols for ALPN, in order of preference (a client offers them; a server
     *                  chooses the first of its own a client offers, and fails a client that offers only others)
     * @return this builder
     */
    public B alpn(String... protocols) {
        this.alpn = List.of(protocols);
        return self();
    }

    /**
     * @param limit the time a handshake may take, positive; {@code null} for none
     * @return this builder
     */
    public B handshakeTimeout(Duration limit) {
        this.handshakeTimeout = limit == null ? null : Checks.checkPositive(limit, "limit");
        return self();
    }

    /**
     * @param accept whether a stream that ends without the peer's {@code close_notify} just ends (by default it
     *               fails with a {@link TlsTruncationException})
     * @return this builder
     */
    public B acceptTruncation(boolean accept) {
        this.acceptTruncation = accept;
        return self();
    }

    /** Copies the shared settings into {@code c} (an immutable snapshot for a connector or acceptor). */
    <C extends TlsBuilder<C>> C copyInto(C c) {
        c.protocols = protocols;
        c.cipherSuites = cipherSuites;
        c.alpn = alpn;
        c.handshakeTimeout = handshakeTimeout;
        c.acceptTruncation = acceptTruncation;
        return c;
    }

    void apply(SSLParameters p) {
        p.setProtocols(protocols.toArray(String[]::new));
        if (cipherSuites != null) {
            p.setCipherSuites(cipherSuites.toArray(String[]::new));
        }
        p.setUseCipherSuitesOrder(true);
    }

    static KeyManager[] keyManagers(List<Identity> ids) {
        if (ids.isEmpty()) {
            return null;
        }
        try {
            char[] pw = "in-memory".toCharArray();
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            for (int i = 0; i < ids.size(); i++) {
                ks.setKeyEntry("identity-" + i, ids.get(i).key(), pw, ids.get(i).chain().toArray(Certificate[]::new));
            }
            return keyManagers(ks, pw);
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalArgumentException("unusable certificate or key: " + e.getMessage(), e);
        }
    }

    static KeyManager[] keyManagers(KeyStore ks, char[] password) {
        try {
            // SunX509 reads every key once, here; PKIX (NewSunX509) fetches the entry from the key store at each
            // handshake, which for PKCS#12 means decrypting the key again (W12c: ~3 ms of server CPU per
            // handshake). SNI is chosen by SniKeyManager either way.
            KeyManagerFactory kmf = KeyManagerFactory.getInstance("SunX509");
            kmf.init(ks, password);
            return kmf.getKeyManagers();
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("unusable key store: " + e.getMessage(), e);
        }
    }

    static TrustManager[] trustManagers(List<X509Certificate> roots) {
        if (roots == null) {
            return null; // the JDK's default trust store
        }
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            for (int i = 0; i < roots.size(); i++) {
                ks.setCertificateEntry("root-" + i, roots.get(i));
            }
            return trustManagers(ks);
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalArgumentException("unusable trust roots: " + e.getMessage(), e);
        }
    }

    static TrustManager[] trustManagers(KeyStore ks) {
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
            tmf.init(ks);
            return tmf.getTrustManagers();
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("unusable trust store: " + e.getMessage(), e);
        }
    }

    static SSLContext context(KeyManager[] km, TrustManager[] tm) {
        try {
            SSLContext c = SSLContext.getInstance("TLS");
            c.init(km, tm, null);
            return c;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no TLS context: " + e.getMessage(), e);
        }
    }

    /** @return the peer of a stream, for messages */
    static String describe(AsyncRead io) {
        try {
            return switch (io) {
                case TcpStream t -> String.valueOf(t.peerAddress());
                case UnixStream u -> "unix:" + u.peerAddress();
                default -> String.valueOf(io);
            };
        } catch (RuntimeException e) {
            return String.valueOf(io);
        }
    }

    static <S extends AsyncRead & AsyncWrite> S checkStream(S io) {
        return Objects.requireNonNull(io, "io");
    }

    static List<Identity> identities(List<Identity> ids, List<X509Certificate> chain, PrivateKey key) {
        List<Identity> out = new ArrayList<>(ids);
        out.add(new Identity(chain, key));
        return out;
    }
}
