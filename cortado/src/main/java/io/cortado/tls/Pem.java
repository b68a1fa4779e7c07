package io.cortado.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads certificates and private keys from PEM text, as {@code openssl} writes them: certificate chains
 * ({@code BEGIN CERTIFICATE}, the server's own first) and unencrypted PKCS#8 keys ({@code BEGIN PRIVATE KEY}: RSA,
 * EC, Ed25519 or Ed448). The decoding is the JDK's; this class only finds the PEM blocks.
 */
public final class Pem {
    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----\\s*([A-Za-z0-9+/=\\s]*?)-----END \\1-----");
    private static final String[] KEY_ALGORITHMS = {"RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS"};

    private Pem() {
    }

    /**
     * @param file a PEM file with one or more certificates
     * @return the certificates, in the file's order
     * @throws IOException if the file cannot be read
     * @throws IllegalArgumentException if it holds no certificate or a malformed one
     */
    public static List<X509Certificate> certificates(Path file) throws IOException {
        return certificates(Files.readString(file, StandardCharsets.US_ASCII), file.toString());
    }

    /**
     * @param pem PEM text with one or more certificates
     * @return the certificates, in order
     * @throws IllegalArgumentException if it holds no certificate or a malformed one
     */
    public static List<X509Certificate> certificates(String pem) {
        return certificates(pem, "the PEM text");
    }

    private static List<X509Certificate> certificates(String pem, String where) {
        List<X509Certificate> out = new ArrayList<>();
        try {
            CertificateFactory f = CertificateFactory.getInstance("X.509");
            Matcher m = BLOCK.matcher(pem);
            while (m.find()) {
                if (m.group(1).equals("CERTIFICATE")) {
                    for (Certificate c : f.generateCertificates(new ByteArrayInputStream(decode(m, where)))) {
                        out.add((X509Certificate) c);
                    }
                }
            }
        } catch (CertificateException e) {
            throw new IllegalArgumentException("a malformed certificate in " + where + ": " + e.getMessage(), e);
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("no '-----BEGIN CERTIFICATE-----' block in " + where);
        }
        return List.copyOf(out);
    }

    /**
     * @param file a PEM file with an unencrypted PKCS#8 private key
     * @return the key
     * @throws IOException if the file cannot be read
     * @throws IllegalArgumentException if it holds no such key (the message says how to convert other forms)
     */
    public static PrivateKey privateKey(Path file) throws IOException {
        return privateKey(Files.readString(file, StandardCharsets.US_ASCII), file.toString());
    }

    /**
     * @param pem PEM text with an unencrypted PKCS#8 private key
     * @return the key
     * @throws IllegalArgumentException if it holds no such key
     */
    public static PrivateKey privateKey(String pem) {
        return privateKey(pem, "the PEM text");
    }

    private static PrivateKey privateKey(String pem, String where) {
        Matcher m = BLOCK.matcher(pem);
        while (m.find()) {
            String type = m.group(1);
            if (type.equals("PRIVATE KEY")) {
                PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(decode(m, where));
                for (String alg : KEY_ALGORITHMS) {
                    try {
                        return KeyFactory.getInstance(alg).generatePrivate(spec);
                    } catch (GeneralSecurityException tryNext) {
                        // not this algorithm
                    }
                }
                throw new IllegalArgumentException("the private key in " + where
                        + " is not an RSA, EC, Ed25519 or Ed448 PKCS#8 key");
            }
            if (type.endsWith("PRIVATE KEY")) {
                throw new IllegalArgumentException("the key in " + where + " is '" + type + "', not an unencrypted"
                        + " PKCS#8 'PRIVATE KEY'; convert it with: openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY8");
            }
        }
        throw new IllegalArgumentException("no '-----BEGIN PRIVATE KEY-----' block in " + where);
    }

    private static byte[] decode(Matcher m, String where) {
        try {
            return Base64.getMimeDecoder().decode(m.group(2));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("malformed base64 in a '" + m.group(1) + "' block of " + where, e);
        }
    }
}
