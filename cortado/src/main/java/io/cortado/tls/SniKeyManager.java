package io.cortado.tls;

import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.X509ExtendedKeyManager;
import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Chooses a server's identity by the host name the client asks for (SNI): the first identity, in the order they
 * were given, whose certificate names the host (DNS names of the subject alternative names, a wildcard covering one
 * label) among those of the key type the handshake needs; the first identity of that type when none does or no name
 * was asked for. The JDK's SunX509 key manager under it (which reads every key once, where PKIX decrypts the key
 * store entry at every handshake) ignores SNI, and PKIX's SNI choice skips the EC certificates without the
 * {@code keyAgreement} usage that most ECDSA certificates are. Everything else is the JDK's key manager's.
 *
 * <p>Guarded by {@code TlsInteropTest} (a server with two identities, asked for each name).
 */
final class SniKeyManager extends X509ExtendedKeyManager {
    private final X509ExtendedKeyManager delegate;

    private SniKeyManager(X509ExtendedKeyManager delegate) {
        this.delegate = delegate;
    }

    /** @return {@code managers} with each X.509 key manager choosing by SNI; {@code null} for {@code null} */
    static KeyManager[] wrap(KeyManager[] managers) {
        if (managers == null) {
            return null;
        }
        KeyManager[] out = managers.clone();
        for (int i = 0; i < out.length; i++) {
            if (out[i] instanceof X509ExtendedKeyManager x) {
                out[i] = new SniKeyManager(x);
            }
        }
        return out;
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        String[] all = delegate.getServerAliases(keyType, issuers);
        if (all == null || all.length == 0) {
            return delegate.chooseEngineServerAlias(keyType, issuers, engine);
        }
        all = all.clone();
        Arrays.sort(all, IN_ORDER); // identity-0, identity-1, ...: the order the identities were given
        String host = engine == null ? null : requestedHost(engine.getHandshakeSession());
        if (host != null) {
            for (String alias : all) {
                if (names(alias, host)) {
                    return alias;
                }
            }
        }
        return all[0];
    }

    private static final Comparator<String> IN_ORDER = Comparator.comparingInt(String::length)
            .thenComparing(Comparator.naturalOrder());

    private static String requestedHost(SSLSession handshake) {
        if (handshake instanceof ExtendedSSLSession x) {
            List<SNIServerName> names = x.getRequestedServerNames();
            if (names != null) {
                for (SNIServerName n : names) {
                    if (n instanceof SNIHostName h) {
                        return h.getAsciiName();
                    }
                }
            }
        }
        return null;
    }

    private boolean names(String alias, String host) {
        X509Certificate[] chain = delegate.getCertificateChain(alias);
        return chain != null && chain.length > 0 && names(chain[0], host);
    }

    /** @return whether one of the certificate's DNS names covers {@code host} */
    static boolean names(X509Certificate cert, String host) {
        Collection<List<?>> sans;
        try {
            sans = cert.getSubjectAlternativeNames();
        } catch (CertificateException e) {
            return false;
        }
        if (sans == null) {
            return false;
        }
        String h = trimDot(host.toLowerCase(Locale.ROOT));
        for (List<?> san : sans) {
            if (san.size() >= 2 && Integer.valueOf(2).equals(san.get(0)) && san.get(1) instanceof String dns) {
                String d = trimDot(dns.toLowerCase(Locale.ROOT));
                if (d.equals(h)) {
                    return true;
                }
                if (d.startsWith("*.")) {
                    int dot = h.indexOf('.');
                    if (dot > 0 && h.substring(dot).equals(d.substring(1))) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static String trimDot(String s) {
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
        return delegate.chooseEngineClientAlias(keyType, issuers, engine);
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return delegate.getClientAliases(keyType, issuers);
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return delegate.chooseClientAlias(keyType, issuers, socket);
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return delegate.getServerAliases(keyType, issuers);
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return delegate.chooseServerAlias(keyType, issuers, socket);
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        return delegate.getCertificateChain(alias);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        return delegate.getPrivateKey(alias);
    }
}
