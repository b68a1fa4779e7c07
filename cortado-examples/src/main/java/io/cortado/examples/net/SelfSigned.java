package io.cortado.examples.net;

import io.cortado.tls.Pem;
import io.cortado.tls.TlsAcceptor;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;

/**
 * A certificate and key for the TLS examples: either read from PEM files ({@code --cert FILE --key FILE} on the
 * command line) or, when none are given, a new self-signed EC P-256 certificate for {@code localhost} and
 * {@code 127.0.0.1}, valid for 30 days. BouncyCastle builds the certificate (the JDK has no public API for that);
 * the JDK makes the key and signs.
 *
 * @param cert the certificate (a one-certificate chain)
 * @param key  its private key
 * @param generated whether it was made here rather than read from files
 */
record SelfSigned(X509Certificate cert, PrivateKey key, boolean generated) {
    /** @return a new self-signed certificate for localhost */
    static SelfSigned localhost() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair kp = g.generateKeyPair();
            X500Name name = new X500Name("CN=localhost");
            Instant now = Instant.now();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name,
                    new BigInteger(64, new SecureRandom()), Date.from(now.minus(Duration.ofHours(1))),
                    Date.from(now.plus(Duration.ofDays(30))), name, kp.getPublic());
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[]{
                    new GeneralName(GeneralName.dNSName, "localhost"),
                    new GeneralName(GeneralName.iPAddress, "127.0.0.1")}));
            X509Certificate cert = new JcaX509CertificateConverter().getCertificate(
                    b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate())));
            return new SelfSigned(cert, kp.getPrivate(), true);
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new IllegalStateException("cannot make a self-signed certificate: " + e, e);
        }
    }

    /**
     * @param args command-line arguments, in which {@code --cert FILE --key FILE} may appear (both or neither)
     * @return the certificate and key of those files, or a new self-signed one
     * @throws IOException if a file cannot be read
     */
    static SelfSigned fromArgs(List<String> args) throws IOException {
        String cert = option(args, "--cert");
        String key = option(args, "--key");
        if ((cert == null) != (key == null)) {
            throw new IllegalArgumentException("give both --cert FILE and --key FILE, or neither");
        }
        if (cert == null) {
            return localhost();
        }
        return new SelfSigned(Pem.certificates(Path.of(cert)).getFirst(), Pem.privateKey(Path.of(key)), false);
    }

    /** @return the value after {@code name} in {@code args}, or {@code null} */
    static String option(List<String> args, String name) {
        int i = args.indexOf(name);
        if (i < 0) {
            return null;
        }
        if (i + 1 >= args.size()) {
            throw new IllegalArgumentException(name + " needs a value");
        }
        return args.get(i + 1);
    }

    /** @return {@code args} without the {@code --cert} and {@code --key} options and their values */
    static List<String> positional(List<String> args) {
        List<String> out = new java.util.ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            if (args.get(i).equals("--cert") || args.get(i).equals("--key")) {
                i++;
            } else {
                out.add(args.get(i));
            }
        }
        return out;
    }

    /** @return a TLS acceptor serving this certificate (TLS 1.3 and 1.2, the JDK's defaults otherwise) */
    TlsAcceptor acceptor() {
        return TlsAcceptor.builder(List.of(cert), key).build();
    }

    /** Writes the certificate and the key as PEM files {@code cert.pem} and {@code key.pem} into {@code dir}. */
    Path[] write(Path dir) {
        try {
            Path c = dir.resolve("cert.pem");
            Path k = dir.resolve("key.pem");
            Files.writeString(c, pem("CERTIFICATE", cert.getEncoded()));
            Files.writeString(k, pem("PRIVATE KEY", key.getEncoded()));
            return new Path[]{c, k};
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** @return what to print about the certificate: its subject and SHA-256 fingerprint */
    String describe() {
        try {
            return (generated ? "self-signed " : "") + cert.getSubjectX500Principal().getName() + ", SHA-256 "
                    + HexFormat.ofDelimiter(":").withUpperCase().formatHex(
                    MessageDigest.getInstance("SHA-256").digest(cert.getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * For a generated certificate: writes it to a temporary PEM file (deleted at exit) that clients can trust
     * ({@code curl --cacert}, {@code openssl s_client -CAfile}).
     *
     * @return the file, or {@code null} for a certificate read from files
     */
    Path writeTrustFile() throws IOException {
        if (!generated) {
            return null;
        }
        Path f = Files.createTempFile("cortado-localhost-", ".pem");
        f.toFile().deleteOnExit();
        Files.writeString(f, pem("CERTIFICATE", encoded()));
        return f;
    }

    private byte[] encoded() {
        try {
            return cert.getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[]{'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
