package io.cortado.tls;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Certificates for the TLS tests, made in memory (BouncyCastle builds them; the JDK signs): a root CA, and leaves it
 * signs for servers and clients, good, expired, or for the wrong name.
 */
public final class TestPki {
    private static final AtomicLong SERIAL = new AtomicLong(System.nanoTime());

    /** A certificate chain (its own first) and its key. */
    public record Id(List<X509Certificate> chain, PrivateKey key) {
        public X509Certificate cert() {
            return chain.getFirst();
        }

        /** Writes {@code name}.crt (the chain) and {@code name}.key (PKCS#8) into {@code dir}. */
        public Path[] write(Path dir, String name) {
            try {
                Path crt = dir.resolve(name + ".crt");
                Path key = dir.resolve(name + ".key");
                StringBuilder sb = new StringBuilder();
                for (X509Certificate c : chain) {
                    sb.append(pem("CERTIFICATE", c.getEncoded()));
                }
                Files.writeString(crt, sb);
                Files.writeString(key, pem("PRIVATE KEY", this.key.getEncoded()));
                return new Path[]{crt, key};
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private final String name;
    private final KeyPair caKeys;
    private final X509Certificate ca;
    private final String keyAlgorithm;

    /** A new root CA with EC P-256 keys. */
    public TestPki(String name) {
        this(name, "EC");
    }

    /** A new root CA; {@code keyAlgorithm} is "EC" or "Ed25519" (fixed-size signatures). */
    public TestPki(String name, String keyAlgorithm) {
        this.name = name;
        this.keyAlgorithm = keyAlgorithm;
        this.caKeys = keys(keyAlgorithm);
        Instant now = Instant.now();
        this.ca = sign(new X500Name("CN=" + name), caKeys, new X500Name("CN=" + name), caKeys.getPrivate(),
                now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(30)), true, List.of(), null);
    }

    /** @return the root certificate */
    public X509Certificate root() {
        return ca;
    }

    /** A server certificate for {@code names} (DNS names, or IP addresses), valid now. */
    public Id server(String... names) {
        return leaf(names[0], names, Instant.now().minus(Duration.ofDays(1)), Instant.now().plus(Duration.ofDays(7)),
                KeyPurposeId.id_kp_serverAuth);
    }

    /** A server certificate for {@code names} that expired yesterday. */
    public Id expiredServer(String... names) {
        return leaf(names[0], names, Instant.now().minus(Duration.ofDays(10)), Instant.now().minus(Duration.ofDays(1)),
                KeyPurposeId.id_kp_serverAuth);
    }

    /** A client certificate for {@code cn}. */
    public Id client(String cn) {
        return leaf(cn, new String[0], Instant.now().minus(Duration.ofDays(1)), Instant.now().plus(Duration.ofDays(7)),
                KeyPurposeId.id_kp_clientAuth);
    }

    private Id leaf(String cn, String[] names, Instant from, Instant to, KeyPurposeId purpose) {
        KeyPair kp = keys(keyAlgorithm);
        List<GeneralName> sans = new ArrayList<>();
        for (String n : names) {
            sans.add(new GeneralName(n.matches("[0-9.]+|[0-9a-fA-F:]*:[0-9a-fA-F:]*") ? GeneralName.iPAddress
                    : GeneralName.dNSName, n));
        }
        X509Certificate c = sign(new X500Name("CN=" + cn), kp, new X500Name("CN=" + name), caKeys.getPrivate(), from,
                to, false, sans, purpose);
        return new Id(List.of(c, ca), kp.getPrivate());
    }

    private KeyPair keys(String alg) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance(alg);
            if (alg.equals("EC")) {
                g.initialize(new ECGenParameterSpec("secp256r1"));
            }
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private X509Certificate sign(X500Name subject, KeyPair subjectKeys, X500Name issuer, PrivateKey issuerKey,
                                 Instant from, Instant to, boolean isCa, List<GeneralName> sans,
                                 KeyPurposeId purpose) {
        try {
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer,
                    BigInteger.valueOf(SERIAL.incrementAndGet()), Date.from(from), Date.from(to), subject,
                    subjectKeys.getPublic());
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
            if (isCa) {
                b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            } else {
                b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
                b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
            }
            if (!sans.isEmpty()) {
                b.addExtension(Extension.subjectAlternativeName, false,
                        new GeneralNames(sans.toArray(GeneralName[]::new)));
            }
            String alg = keyAlgorithm.equals("EC") ? "SHA256withECDSA" : keyAlgorithm;
            ContentSigner signer = new JcaContentSignerBuilder(alg).build(issuerKey);
            return new JcaX509CertificateConverter().getCertificate(b.build(signer));
        } catch (Exception e) {
            throw new IllegalStateException("cannot make a test certificate: " + e, e);
        }
    }

    static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[]{'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
