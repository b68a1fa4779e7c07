package io.cortado.bench.echo;

import io.cortado.tls.Pem;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;

/**
 * The W12 ({@code tls_echo}) TLS settings every peer uses: TLS 1.3 only, {@code TLS_AES_128_GCM_SHA256} only, the
 * JDK's provider, and one self-signed EC P-256 certificate (ECDSA with SHA-256) for {@code localhost} and
 * {@code 127.0.0.1}, made once per run by {@code main} and read from PEM files by the server and the load generator.
 * EC rather than RSA 2048: an RSA signature costs the server several times an ECDSA one, and would make the
 * handshake figure mostly a measure of the JDK's RSA.
 *
 * <pre>
 *   java -cp benchmarks.jar io.cortado.bench.echo.BenchTls &lt;dir&gt;     # writes dir/cert.pem and dir/key.pem
 * </pre>
 */
public final class BenchTls {
    static final String PROTOCOL = "TLSv1.3";
    static final String SUITE = "TLS_AES_128_GCM_SHA256";

    private BenchTls() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: BenchTls <dir>");
            System.exit(2);
        }
        Path dir = Files.createDirectories(Path.of(args[0]));
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair kp = g.generateKeyPair();
        X500Name name = new X500Name("CN=localhost");
        Instant now = Instant.now();
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(now.toEpochMilli()),
                Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(30))), name,
                kp.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[]{
                new GeneralName(GeneralName.dNSName, "localhost"), new GeneralName(GeneralName.iPAddress, "127.0.0.1")}));
        X509Certificate cert = new JcaX509CertificateConverter().getCertificate(
                b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate())));
        Files.writeString(cert(dir), pem("CERTIFICATE", cert.getEncoded()));
        Files.writeString(key(dir), pem("PRIVATE KEY", kp.getPrivate().getEncoded()));
    }

    static Path cert(Path dir) {
        return dir.resolve("cert.pem");
    }

    static Path key(Path dir) {
        return dir.resolve("key.pem");
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[]{'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    /** @return the server's certificate chain (one self-signed certificate) */
    static List<X509Certificate> chain(Path dir) throws IOException {
        return Pem.certificates(cert(dir));
    }

    /** @return the server's private key */
    static PrivateKey privateKey(Path dir) throws IOException {
        return Pem.privateKey(key(dir));
    }

    /** A JDK context holding the server's identity (for the minimal loop). */
    static SSLContext serverContext(Path dir) throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        char[] pw = "bench".toCharArray();
        ks.setKeyEntry("server", privateKey(dir), pw, chain(dir).toArray(Certificate[]::new));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance("SunX509"); // keys read once (Netty's default too)
        kmf.init(ks, pw);
        SSLContext c = SSLContext.getInstance("TLSv1.3");
        c.init(kmf.getKeyManagers(), null, null);
        return c;
    }

    /** A JDK context trusting the server's certificate and nothing else (for the load generators). */
    static SSLContext clientContext(Path dir) throws IOException, GeneralSecurityException {
        KeyStore ts = KeyStore.getInstance("PKCS12");
        ts.load(null, null);
        ts.setCertificateEntry("server", chain(dir).getFirst());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(ts);
        SSLContext c = SSLContext.getInstance("TLSv1.3");
        c.init(null, tmf.getTrustManagers(), null);
        return c;
    }

    /**
     * An engine with W12's protocol and cipher suite. A client engine is made without the peer's host and port, so
     * the JDK neither caches its session nor resumes one: every connection's handshake is a full one.
     */
    static SSLEngine engine(SSLContext c, boolean client) {
        SSLEngine e = c.createSSLEngine();
        e.setUseClientMode(client);
        SSLParameters p = e.getSSLParameters();
        p.setProtocols(new String[]{PROTOCOL});
        p.setCipherSuites(new String[]{SUITE});
        e.setSSLParameters(p);
        return e;
    }
}
