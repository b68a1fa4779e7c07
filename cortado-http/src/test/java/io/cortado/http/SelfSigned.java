package io.cortado.http;

import io.cortado.tls.TlsAcceptor;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;

/** A test CA and a server certificate for {@code 127.0.0.1} and {@code localhost} signed by it, made in memory. */
final class SelfSigned {
    final X509Certificate ca;
    final X509Certificate server;
    final PrivateKey serverKey;

    SelfSigned() {
        try {
            KeyPair caKeys = keys();
            KeyPair serverKeys = keys();
            ca = sign("CN=cortado-http test CA", caKeys, caKeys.getPrivate(), true);
            server = sign("CN=localhost", serverKeys, caKeys.getPrivate(), false);
            serverKey = serverKeys.getPrivate();
        } catch (Exception e) {
            throw new IllegalStateException("cannot make the test certificates", e);
        }
    }

    private static KeyPair keys() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    private static X509Certificate sign(String subject, KeyPair keys, PrivateKey issuerKey, boolean isCa)
            throws Exception {
        Instant now = Instant.now();
        var b = new JcaX509v3CertificateBuilder(new X500Name("CN=cortado-http test CA"),
                BigInteger.valueOf(System.nanoTime()), Date.from(now.minus(Duration.ofDays(1))),
                Date.from(now.plus(Duration.ofDays(7))), new X500Name(subject), keys.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
        if (isCa) {
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        } else {
            b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[]{
                    new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                    new GeneralName(GeneralName.dNSName, "localhost")}));
        }
        return new JcaX509CertificateConverter().getCertificate(
                b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey)));
    }

    /** @return an acceptor for the server certificate, offering ALPN {@code http/1.1} */
    TlsAcceptor acceptor() {
        return TlsAcceptor.builder(List.of(server, ca), serverKey).alpn("http/1.1").build();
    }

    /** @return a client context trusting the CA */
    SSLContext clientContext() {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setCertificateEntry("ca", ca);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            SSLContext c = SSLContext.getInstance("TLS");
            c.init(null, tmf.getTrustManagers(), null);
            return c;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes the CA certificate as PEM (for curl's {@code --cacert}). */
    Path writeCa(Path dir) throws Exception {
        Path p = dir.resolve("ca.pem");
        Files.writeString(p, "-----BEGIN CERTIFICATE-----\n"
                + Base64.getMimeEncoder(64, new byte[]{'\n'}).encodeToString(ca.getEncoded())
                + "\n-----END CERTIFICATE-----\n");
        return p;
    }
}
