package io.cortado.examples.net;

import io.cortado.AsyncRuntime;
import io.cortado.Future;
import io.cortado.Futures;
import io.cortado.examples.LeakCheck;
import io.cortado.net.TcpStream;
import io.cortado.tls.TlsConnector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static io.cortado.examples.net.EchoServerTest.LOOPBACK;
import static io.cortado.examples.net.EchoServerTest.runtime;
import static io.cortado.examples.net.EchoServerTest.sendAndReadAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link TlsEchoServer} against real TLS clients: the JDK's {@link SSLSocket} and Cortado's {@link TlsConnector}. */
class TlsEchoServerTest extends LeakCheck {

    /** A JDK context trusting {@code cert} alone. */
    static SSLContext trusting(X509Certificate cert) throws GeneralSecurityException, IOException {
        KeyStore ts = KeyStore.getInstance("PKCS12");
        ts.load(null, null);
        ts.setCertificateEntry("server", cert);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(ts);
        SSLContext c = SSLContext.getInstance("TLS");
        c.init(null, tmf.getTrustManagers(), null);
        return c;
    }

    /**
     * Connects with the JDK's SSLSocket (hostname verified for {@code localhost}), sends {@code data} a chunk at a
     * time reading each chunk's echo, then sends close_notify and expects the server's.
     *
     * @return the bytes echoed
     */
    static byte[] jdkClientRoundTrip(X509Certificate trusted, InetSocketAddress server, byte[] data)
            throws Exception {
        try (SSLSocket s = (SSLSocket) trusting(trusted).getSocketFactory().createSocket("localhost",
                server.getPort())) {
            SSLParameters p = s.getSSLParameters();
            p.setEndpointIdentificationAlgorithm("HTTPS");
            s.setSSLParameters(p);
            s.startHandshake();
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            byte[] back = new byte[data.length];
            for (int off = 0; off < data.length; off += 16 * 1024) {
                int n = Math.min(16 * 1024, data.length - off);
                out.write(data, off, n);
                out.flush();
                assertEquals(n, in.readNBytes(back, off, n), "the echo of a chunk");
            }
            s.shutdownOutput(); // close_notify: the server ends its copy and answers with its own
            assertEquals(-1, in.read(), "the server's close_notify ends the stream");
            return back;
        }
    }

    @Test
    void echoesToTheJdksSslSocketWithHostnameVerification() throws Exception {
        SelfSigned id = SelfSigned.localhost();
        try (AsyncRuntime rt = runtime("multi"); Server server = TlsEchoServer.start(rt.handle(), LOOPBACK,
                id.acceptor())) {
            byte[] data = new byte[200_000];
            new Random(5).nextBytes(data);
            assertArrayEquals(data, jdkClientRoundTrip(id.cert(), server.localAddress(), data));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"current", "multi"})
    void servesThePemFilesItIsGivenToCortadoClients(String flavor, @TempDir Path dir) throws IOException {
        SelfSigned made = SelfSigned.localhost();
        Path[] files = made.write(dir);
        SelfSigned read = SelfSigned.fromArgs(List.of("0", "--cert", files[0].toString(), "--key",
                files[1].toString()));
        assertFalse(read.generated());
        assertEquals(made.cert(), read.cert(), "the certificate of the file");
        assertEquals(List.of("0"), SelfSigned.positional(List.of("0", "--cert", "c", "--key", "k")));
        try (AsyncRuntime rt = runtime(flavor); Server server = TlsEchoServer.start(rt.handle(), LOOPBACK,
                read.acceptor())) {
            TlsConnector tls = TlsConnector.builder().trust(files[0]).build();
            Random random = new Random(11);
            List<byte[]> payloads = new ArrayList<>();
            List<Future<byte[]>> clients = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                byte[] data = new byte[1 + random.nextInt(100_000)];
                random.nextBytes(data);
                payloads.add(data);
                clients.add(TcpStream.connect(server.localAddress()).then(s -> tls.connect("localhost", s))
                        .then(c -> Server.closing(sendAndReadAll(c, data), c)));
            }
            List<byte[]> echoed = rt.blockOn(Futures.joinAll(clients));
            for (int i = 0; i < payloads.size(); i++) {
                assertArrayEquals(payloads.get(i), echoed.get(i), "client " + i);
            }
        }
    }

    @Test
    void aClientThatDoesNotSpeakTlsLosesItsConnectionAndTheServerGoesOn() throws Exception {
        SelfSigned id = SelfSigned.localhost();
        try (AsyncRuntime rt = runtime("multi"); Server server = TlsEchoServer.start(rt.handle(), LOOPBACK,
                id.acceptor())) {
            try (java.net.Socket plain = new java.net.Socket("127.0.0.1", server.localAddress().getPort())) {
                plain.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                // the server's handshake fails on this: it closes the connection (after an alert, perhaps)
                InputStream in = plain.getInputStream();
                byte[] got = in.readAllBytes();
                assertTrue(got.length < 100, () -> "at most an alert, got " + Arrays.toString(got));
            }
            byte[] data = "still serving".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            assertArrayEquals(data, jdkClientRoundTrip(id.cert(), server.localAddress(), data));
            // and a client that does not trust the certificate fails its own handshake
            assertThrows(javax.net.ssl.SSLHandshakeException.class, () -> jdkClientRoundTrip(
                    SelfSigned.localhost().cert(), server.localAddress(), data));
        }
    }
}
