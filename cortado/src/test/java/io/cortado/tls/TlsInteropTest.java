package io.cortado.tls;

import io.cortado.AsyncRuntime;
import io.cortado.Future;
import io.cortado.Futures;
import io.cortado.Poll;
import io.cortado.Task;
import io.cortado.io.BufReader;
import io.cortado.net.TcpListener;
import io.cortado.net.TcpStream;
import io.cortado.testing.RuntimeTestBase;
import io.cortado.tls.Peers.Background;
import io.cortado.tls.Peers.PeerProcess;
import io.cortado.tls.Peers.Seen;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicReference;

import static io.cortado.tls.TlsSupport.ANY_LOOPBACK;
import static io.cortado.tls.TlsSupport.closing;
import static io.cortado.tls.TlsSupport.echoRoundTrip;
import static io.cortado.tls.TlsSupport.echoServer;
import static io.cortado.tls.TlsSupport.ioFailure;
import static io.cortado.tls.TlsSupport.runtime;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Cortado's TLS with real peers, not only with itself: the JDK's blocking {@code SSLSocket}/{@code SSLServerSocket}
 * (on plain threads), {@code openssl s_server}/{@code s_client} and {@code curl} (Debian's, as processes), in both
 * directions, on TLS 1.3 and 1.2: echoed bytes, mutual TLS, ALPN, SNI, session resumption and key updates. The
 * programs must be installed ({@code .ci/run} installs them): a missing one fails these tests, it does not skip them.
 */
class TlsInteropTest extends RuntimeTestBase {
    static final TestPki PKI = new TestPki("Cortado Interop CA");
    static final TestPki.Id LOCALHOST = PKI.server("localhost", "127.0.0.1");
    static final TestPki.Id CLIENT = PKI.client("interop-client");

    static TlsAcceptor.Builder acceptor(String protocol) {
        return TlsAcceptor.builder(LOCALHOST.chain(), LOCALHOST.key()).protocols(protocol);
    }

    static TlsConnector.Builder connector(String protocol) {
        return TlsConnector.builder().trust(List.of(PKI.root())).protocols(protocol);
    }

    static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** Writes {@code data} and reads as many bytes back, on a blocking JDK socket. */
    static byte[] jdkEcho(SSLSocket s, byte[] data) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(data);
        out.flush();
        return s.getInputStream().readNBytes(data.length);
    }

    // ---------------------------------------------------------------------------------------------------------
    // The JDK's SSLSocket and SSLServerSocket

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void aJdkClientIsEchoedByACortadoServerAndBothSeeTheAlpnChoice(String protocol) throws IOException {
        try (AsyncRuntime rt = runtime("multi")) {
            TlsSupport.ServerLog log = new TlsSupport.ServerLog();
            TcpListener listener = TcpListener.bind(rt.handle(), ANY_LOOPBACK, 16);
            rt.spawn(echoServer(listener, acceptor(protocol).alpn("http/1.1").build(), log));
            byte[] data = random(200_000, 1);
            try (SSLSocket s = Peers.jdkClient(Peers.jdkContext(null, PKI.root()), listener.localAddress(),
                    "localhost", true, protocol, "h2", "http/1.1")) {
                assertArrayEquals(data, jdkEcho(s, data));
                assertEquals(protocol, s.getSession().getProtocol());
                assertEquals("http/1.1", s.getApplicationProtocol(), "the JDK client saw the server's ALPN choice");
                assertEquals(LOCALHOST.cert(), s.getSession().getPeerCertificates()[0]);
                s.shutdownOutput(); // close_notify: the Cortado server ends its echo and answers with its own
                assertEquals(-1, s.getInputStream().read(), "the Cortado server ended the stream cleanly");
            }
            awaitCondition(() -> log.echoed.get() == 1, "the Cortado server ended its side cleanly");
            TlsStream<?> server = log.streams.peek();
            assertEquals(protocol, server.protocol());
            assertEquals("http/1.1", server.alpnProtocol().orElseThrow());
            assertEquals("localhost", server.serverName().orElseThrow(), "the server saw the JDK client's SNI");
            assertTrue(log.failures.isEmpty(), () -> "server failures: " + log.failures);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void aCortadoClientIsEchoedByAJdkServerAndBothSeeTheAlpnChoice(String protocol) throws Exception {
        try (AsyncRuntime rt = runtime("multi");
             SSLServerSocket ss = Peers.jdkServerSocket(Peers.jdkContext(LOCALHOST, PKI.root()));
             Background<Seen> server = Peers.jdkEchoServer(ss, protocol, false, "http/1.1", "h2")) {
            byte[] data = random(200_000, 2);
            TlsConnector c = connector(protocol).alpn("h2", "http/1.1").build();
            AtomicReference<String> seen = new AtomicReference<>();
            byte[] back = rt.blockOn(TcpStream.connect((InetSocketAddress) ss.getLocalSocketAddress())
                    .then(s -> c.connect("localhost", s))
                    .then(tls -> closing(echoRoundTrip(tls, data).map(b -> {
                        seen.set(tls.protocol() + " " + tls.alpnProtocol().orElse("-"));
                        assertEquals(LOCALHOST.cert(), tls.peerCertificates().getFirst());
                        return b;
                    }), tls)));
            assertArrayEquals(data, back, "the JDK server echoed every byte, and its close_notify ended the read");
            assertEquals(protocol + " http/1.1", seen.get(), "the Cortado client saw the JDK server's ALPN choice");
            Seen s = server.get();
            assertEquals(new Seen(protocol, "http/1.1", List.of(), data.length), s);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void aCortadoServerRequiringClientCertificatesSeesTheJdkClientsAndRefusesAClientWithout(String protocol)
            throws IOException {
        try (AsyncRuntime rt = runtime("multi")) {
            TlsSupport.ServerLog log = new TlsSupport.ServerLog();
            TcpListener listener = TcpListener.bind(rt.handle(), ANY_LOOPBACK, 16);
            TlsAcceptor mtls = acceptor(protocol).clientAuth(ClientAuth.REQUIRED, List.of(PKI.root())).build();
            rt.spawn(echoServer(listener, mtls, log));

            byte[] data = random(10_000, 3);
            try (SSLSocket s = Peers.jdkClient(Peers.jdkContext(CLIENT, PKI.root()), listener.localAddress(),
                    "localhost", true, protocol)) {
                assertArrayEquals(data, jdkEcho(s, data));
                s.shutdownOutput();
                assertEquals(-1, s.getInputStream().read());
            }
            awaitCondition(() -> log.echoed.get() == 1, "the Cortado server ended its side cleanly");
            List<Certificate> peer = log.streams.peek().peerCertificates();
            assertEquals(CLIENT.cert(), peer.getFirst(), "the server's TlsStream has the client's certificate");
            assertTrue(log.failures.isEmpty(), () -> "server failures: " + log.failures);

            // Without a certificate: with TLS 1.3 the client finishes its side of the handshake first, and the
            // server's alert arrives at its first read; with TLS 1.2 the client's handshake fails (with the alert,
            // or with a broken pipe if the server has closed while the client still writes its flight).
            try (SSLSocket s = Peers.jdkClient(Peers.jdkContext(null, PKI.root()), listener.localAddress(),
                    "localhost", true, protocol)) {
                if (protocol.equals("TLSv1.3")) {
                    s.startHandshake();
                    SSLException e = assertThrows(SSLException.class, () -> s.getInputStream().read());
                    assertTrue(e.getMessage().contains("certificate_required"), e::toString);
                } else {
                    assertThrows(IOException.class, s::startHandshake);
                }
            }
            awaitCondition(() -> !log.failures.isEmpty(), "the server failed the connection without a certificate");
            TlsHandshakeException h = assertInstanceOf(TlsHandshakeException.class, log.failures.peek());
            assertEquals(TlsHandshakeException.Reason.CERTIFICATE_REJECTED, h.reason(), h.getMessage());
            assertEquals(1, log.handshakes.get(), "the connection without a certificate never got a TlsStream");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void aCortadoClientWithACertificateIsSeenByAJdkServerRequiringOne(String protocol) throws Exception {
        try (AsyncRuntime rt = runtime("multi");
             SSLServerSocket ss = Peers.jdkServerSocket(Peers.jdkContext(LOCALHOST, PKI.root()));
             Background<Seen> server = Peers.jdkEchoServer(ss, protocol, true)) {
            byte[] data = random(10_000, 4);
            TlsConnector c = connector(protocol).identity(CLIENT.chain(), CLIENT.key()).build();
            byte[] back = rt.blockOn(TcpStream.connect((InetSocketAddress) ss.getLocalSocketAddress())
                    .then(s -> c.connect("localhost", s))
                    .then(tls -> closing(echoRoundTrip(tls, data), tls)));
            assertArrayEquals(data, back);
            Seen s = server.get();
            assertEquals(CLIENT.cert(), s.peerCertificates().getFirst(), "the JDK server saw the client certificate");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void aCortadoClientWithoutACertificateFailsAgainstAJdkServerRequiringOne(String protocol) throws Exception {
        try (AsyncRuntime rt = runtime("multi");
             SSLServerSocket ss = Peers.jdkServerSocket(Peers.jdkContext(LOCALHOST, PKI.root()));
             Background<Seen> server = Peers.jdkEchoServer(ss, protocol, true)) {
            byte[] data = random(100, 5);
            TlsConnector c = connector(protocol).build();
            Throwable t = ioFailure(() -> rt.blockOn(TcpStream.connect((InetSocketAddress) ss.getLocalSocketAddress())
                    .then(s -> c.connect("localhost", s))
                    .then(tls -> closing(echoRoundTrip(tls, data), tls))));
            // The server's alert reaches the client during the handshake (TLS 1.2), or at its first read after
            // (TLS 1.3: the client's handshake is over when the server checks its certificate); either way it is a
            // TlsHandshakeException. The JDK server's TLS 1.3 alert (certificate_required) names the reason; its
            // TLS 1.2 alert is a generic handshake_failure.
            TlsHandshakeException h = assertInstanceOf(TlsHandshakeException.class, t);
            if (protocol.equals("TLSv1.3")) {
                assertEquals(TlsHandshakeException.Reason.CERTIFICATE_REJECTED, h.reason(), h.getMessage());
            } else {
                assertEquals(TlsHandshakeException.Reason.PEER_ALERT, h.reason(), h.getMessage());
                assertTrue(h.getMessage().contains("handshake_failure"), h::getMessage);
            }
            Throwable e = server.failure();
            assertInstanceOf(SSLException.class, e);
        }
    }

    @Test
    void anAlpnMismatchFailsTheSideThatGetsTheAlertWithAlpnMismatch() throws Exception {
        try (AsyncRuntime rt = runtime("multi")) {
            // A JDK client offering only spdy/3 to a Cortado server that speaks h2: the server's engine finds no
            // protocol in common and sends no_application_protocol; the server fails with ALPN_MISMATCH.
            TlsSupport.ServerLog log = new TlsSupport.ServerLog();
            TcpListener listener = TcpListener.bind(rt.handle(), ANY_LOOPBACK, 16);
            rt.spawn(echoServer(listener, acceptor("TLSv1.3").alpn("h2").build(), log));
            try (SSLSocket s = Peers.jdkClient(Peers.jdkContext(null, PKI.root()), listener.localAddress(),
                    "localhost", true, "TLSv1.3", "spdy/3")) {
                SSLException e = assertThrows(SSLException.class, s::startHandshake);
                assertTrue(e.getMessage().contains("no_application_protocol"), e::toString);
            }
            awaitCondition(() -> !log.failures.isEmpty(), "the Cortado server failed the connection");
            TlsHandshakeException h = assertInstanceOf(TlsHandshakeException.class, log.failures.peek());
            assertEquals(TlsHandshakeException.Reason.ALPN_MISMATCH, h.reason(), h.getMessage());

            // A Cortado client offering only h2 to a JDK server that speaks http/1.1: the client gets the alert.
            try (SSLServerSocket ss = Peers.jdkServerSocket(Peers.jdkContext(LOCALHOST, PKI.root()));
                 Background<Seen> server = Peers.jdkEchoServer(ss, "TLSv1.3", false, "http/1.1")) {
                TlsConnector c = connector("TLSv1.3").alpn("h2").build();
                Throwable t = ioFailure(() -> rt.blockOn(TcpStream.connect(
                        (InetSocketAddress) ss.getLocalSocketAddress()).then(s -> c.connect("localhost", s))));
                TlsHandshakeException ch = assertInstanceOf(TlsHandshakeException.class, t);
                assertEquals(TlsHandshakeException.Reason.ALPN_MISMATCH, ch.reason(), ch.getMessage());
                assertInstanceOf(SSLException.class, server.failure());
            }
        }
    }

    @Test
    void aServerWithSeveralIdentitiesServesTheCertificateForTheNameTheJdkClientAsksFor() throws IOException {
        TestPki.Id a = PKI.server("a.test");
        TestPki.Id b = PKI.server("b.test");
        TestPki.Id wild = PKI.server("*.wild.test");
        try (AsyncRuntime rt = runtime("multi")) {
            TlsSupport.ServerLog log = new TlsSupport.ServerLog();
            TcpListener listener = TcpListener.bind(rt.handle(), ANY_LOOPBACK, 16);
            rt.spawn(echoServer(listener, TlsAcceptor.builder(a.chain(), a.key()).identity(b.chain(), b.key())
                    .identity(wild.chain(), wild.key()).build(), log));
            SSLContext jdk = Peers.jdkContext(null, PKI.root());
            record Ask(String host, boolean verify, TestPki.Id expected) {
            }
            List<Ask> asks = List.of(new Ask("b.test", true, b), new Ask("a.test", true, a),
                    new Ask("x.wild.test", true, wild),
                    new Ask("c.test", false, a), // a name no identity has: the first identity
                    new Ask("127.0.0.1", false, a)); // no SNI at all (an IP address): the first identity
            for (Ask ask : asks) {
                for (String protocol : List.of("TLSv1.3", "TLSv1.2")) {
                    try (SSLSocket s = Peers.jdkClient(jdk, listener.localAddress(), ask.host, ask.verify,
                            protocol)) {
                        byte[] data = ask.host.getBytes(StandardCharsets.UTF_8);
                        assertArrayEquals(data, jdkEcho(s, data));
                        assertEquals(ask.expected.cert(), s.getSession().getPeerCertificates()[0],
                                () -> ask + " over " + protocol);
                        s.shutdownOutput();
                        assertEquals(-1, s.getInputStream().read());
                    }
                }
            }
            awaitCondition(() -> log.echoed.get() == asks.size() * 2, "every connection ended cleanly");
            assertTrue(log.failures.isEmpty(), () -> "server failures: " + log.failures);
        }
    }
    // ---------------------------------------------------------------------------------------------------------
    // openssl s_server and s_client

    static String opensslFlag(String protocol) {
        return protocol.equals("TLSv1.3") ? "-tls1_3" : "-tls1_2";
    }

    /** @return each line of {@code text} reversed, as {@code openssl s_server -rev} answers */
    static String reversedLines(String text) {
        StringBuilder sb = new StringBuilder();
        for (String line : text.split("\n")) {
            sb.append(new StringBuilder(line).reverse()).append('\n');
        }
        return sb.toString();
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void aCortadoClientTalksToOpensslServer(String protocol, @TempDir Path dir) {
        Path[] files = LOCALHOST.write(dir, "server");
        try (AsyncRuntime rt = runtime("multi");
             PeerProcess server = PeerProcess.opensslServer(dir, "-cert", files[0].toString(), "-key",
                     files[1].toString(), "-rev", "-naccept", "1", opensslFlag(protocol), "-alpn", "http/1.1")) {
            String lines = "hello openssl\nthe second line, 0123456789\n" + "x".repeat(5000) + "y\n";
            byte[] expected = reversedLines(lines).getBytes(StandardCharsets.UTF_8);
            TlsConnector c = connector(protocol).alpn("h2", "http/1.1").build();
            AtomicReference<String> seen = new AtomicReference<>();
            byte[] back = rt.blockOn(TcpStream.connect(new InetSocketAddress("127.0.0.1", server.port))
                    .then(s -> c.connect("localhost", s))
                    .then(tls -> {
                        ByteBuffer in = ByteBuffer.allocate(expected.length);
                        return closing(tls.writeAll(ByteBuffer.wrap(lines.getBytes(StandardCharsets.UTF_8)))
                                .then(v -> tls.flush())
                                .then(v -> tls.readExact(in))
                                .then(v -> tls.shutdown())
                                .map(v -> {
                                    seen.set(tls.protocol() + " " + tls.alpnProtocol().orElse("-"));
                                    return in.array();
                                }), tls);
                    }));
            assertEquals(new String(expected, StandardCharsets.UTF_8), new String(back, StandardCharsets.UTF_8));
            assertEquals(protocol + " http/1.1", seen.get());
            assertEquals(0, server.awaitExit(), server::output);
            String out = server.output();
            assertTrue(out.contains("Protocol version: " + protocol), out);
            assertTrue(out.contains("ALPN protocols selected: http/1.1"), out);
            assertTrue(out.contains("CONNECTION CLOSED"), "s_server saw the close_notify: " + out);
        }
    }

    /** {@code openssl s_client} against a Cortado echo server at {@code addr}, with {@code extra} options. */
    static PeerProcess opensslClient(Path dir, InetSocketAddress addr, String protocol, String... extra) {
        List<String> cmd = new ArrayList<>(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + addr.getPort(),
                "-servername", "localhost", "-CAfile", dir.resolve("ca.crt").toString(), "-verify_return_error",
                opensslFlag(protocol)));
        cmd.addAll(List.of(extra));
        return PeerProcess.start(dir, cmd.toArray(String[]::new));
    }

    static void writeCa(Path dir) throws IOException {
        Files.writeString(dir.resolve("ca.crt"), TestPki.pem("CERTIFICATE", encoded(PKI.root())));
    }

    static byte[] encoded(Certificate c) {
        try {
            return c.getEncoded();
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void opensslClientIsEchoedByACortadoServerAndResumesItsSession(String protocol, @TempDir Path dir)
            throws IOException {
        writeCa(dir);
        try (AsyncRuntime rt = runtime("multi")) {
            TlsSupport.ServerLog log = new TlsSupport.ServerLog();
            TcpListener listener = TcpListener.bind(rt.handle(), ANY_LOOPBACK, 16);
            rt.spawn(echoServer(listener, acceptor(protocol).build(), log));
            String session = dir.resolve("session.pem").toString();
            try (PeerProcess first = opensslClient(dir, listener.localAddress(), protocol, "-sess_out", session)) {
                first.send("echo this, please\n");
                first.awaitOutput("echo this, please");
                first.send("and this 0123456789\n");
                first.awaitOutput("and this 0123456789");
                first.closeInput(); // s_client sends close_notify and exits
                assertEquals(0, first.awaitExit(), first::output);
                String out = first.output();
                assertTrue(out.contains("New, " + protocol + ", Cipher is"), out);
                assertTrue(out.contains("Verify return code: 0 (ok)"), out);
            }
            awaitCondition(() -> log.echoed.get() == 1, "the Cortado server ended the first connection cleanly");
            assertTrue(Files.size(Path.of(session)) > 0, "s_client saved the session");
            try (PeerProcess second = opensslClient(dir, listener.localAddress(), protocol, "-sess_in", session)) {
                second.send("resumed?\n");
                second.awaitOutput("resumed?");
                second.closeInput();
                assertEquals(0, second.awaitExit(), second::output);
                String out = second.output();
                assertTrue(out.contains("Reused, " + protocol + ", Cipher is"), "the session was resumed: " + out);
            }
            awaitCondition(() -> log.echoed.get() == 2, "the Cortado server ended the second connection cleanly");
            assertTrue(log.failures.isEmpty(), () -> "server failures: " + log.failures);
            for (TlsStream<?> s : log.streams) {
                assertEquals(protocol, s.protocol());
            }
        }
    }

    @Test
    void aCortadoServerKeepsEchoingAfterOpensslKeyUpdates(@TempDir Path dir) throws IOException {
        writeCa(dir);
        try (AsyncRuntime rt = runtime("multi")) {
            TlsSupport.ServerLog log = new TlsSupport.ServerLog();
            TcpListener listener = TcpListener.bind(rt.handle(), ANY_LOOPBACK, 16);
            rt.spawn(echoServer(listener, acceptor("TLSv1.3").build(), log));
            // Interactive s_client (neither -quiet nor -ign_eof): a line "k" sends a KeyUpdate, "K" one that asks
            // for the server's in return. After either, the client's records use new keys (and after "K" it
            // expects the server's to), so an echo after each proves the server followed. Each command is sent
            // alone, once the answer to the line before came, since s_client takes a command from the start of
            // what one read of its input returns.
            try (PeerProcess client = opensslClient(dir, listener.localAddress(), "TLSv1.3")) {
                client.send("before the updates\n");
                client.awaitOutput("before the updates");
                client.send("k\n");
                client.awaitOutput("KEYUPDATE");
                client.send("after a key update\n");
                client.awaitOutput("after a key update");
                client.send("K\n");
                client.awaitOutput("KEYUPDATE", 2); // s_client drops the rest of what it read with a command
                client.send("after a requested key update\n");
                client.awaitOutput("after a requested key update");
                client.closeInput();
                assertEquals(0, client.awaitExit(), client::output);
                String out = client.output();
                assertEquals(2, out.split("KEYUPDATE", -1).length - 1, out);
            }
            awaitCondition(() -> log.echoed.get() == 1, "the Cortado server ended the connection cleanly");
            assertTrue(log.failures.isEmpty(), () -> "server failures: " + log.failures);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // curl

    static final String BODY = "hello from a Cortado TLS server\n";

    /**
     * Accepts forever; on each connection reads an HTTP/1.1 request head (up to the empty line), records its first
     * line, answers {@link #BODY} and ends the connection cleanly.
     */
    static Future<Void> httpServer(TcpListener listener, TlsAcceptor acceptor, TlsSupport.ServerLog log,
                                   Queue<String> requests) {
        byte[] response = ("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: "
                + BODY.getBytes(StandardCharsets.UTF_8).length + "\r\nConnection: close\r\n\r\n" + BODY)
                .getBytes(StandardCharsets.UTF_8);
        return cx -> {
            for (; ; ) {
                TcpStream s = listener.pollAccept(cx);
                if (s == null) {
                    return Poll.pending();
                }
                Task.spawn(acceptor.accept(s).then(tls -> {
                    log.handshakes.incrementAndGet();
                    log.streams.add(tls);
                    BufReader in = new BufReader(tls);
                    List<String> head = new ArrayList<>();
                    return closing(readHead(in, head)
                            .then(v -> tls.writeAll(ByteBuffer.wrap(response)))
                            .then(v -> tls.flush())
                            .then(v -> tls.shutdown())
                            .map(v -> {
                                requests.add(head.getFirst());
                                log.echoed.incrementAndGet();
                                return 0L;
                            }), tls);
                }).orElse(e -> {
                    log.failures.add(e instanceof UncheckedIOException u ? u.getCause() : e);
                    return -1L;
                }));
            }
        };
    }

    /** Reads lines into {@code head} up to the empty line that ends an HTTP request head. */
    static Future<Void> readHead(BufReader in, List<String> head) {
        return in.readLine().then(line -> {
            if (line == null) {
                return Futures.failed(new AssertionError("the request ended before its head did: " + head));
            }
            if (line.isEmpty()) {
                return Futures.ready(null);
            }
            head.add(line);
            return readHead(in, head);
        });
    }

    static List<String> curl(Path dir, int port, String protocol, String... extra) {
        List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "--cacert", dir.resolve("ca.crt").toString(),
                "--resolve", "localhost:" + port + ":127.0.0.1", "--max-time", "20",
                "-w", "\n[%{http_code} %{http_version}]"));
        if (protocol.equals("TLSv1.2")) {
            cmd.addAll(List.of("--tlsv1.2", "--tls-max", "1.2"));
        } else {
            cmd.add("--tlsv1.3");
        }
        cmd.addAll(List.of(extra));
        cmd.add("https://localhost:" + port + "/hello");
        return cmd;
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void curlGetsAnHttpsAnswerFromACortadoServerAndAlpnPicksHttp11(String protocol, @TempDir Path dir)
            throws IOException {
        writeCa(dir);
        try (AsyncRuntime rt = runtime("multi")) {
            TlsSupport.ServerLog log = new TlsSupport.ServerLog();
            Queue<String> requests = new ConcurrentLinkedQueue<>();
            TcpListener listener = TcpListener.bind(rt.handle(), ANY_LOOPBACK, 16);
            rt.spawn(httpServer(listener, acceptor(protocol).alpn("http/1.1").build(), log, requests));
            int port = listener.localAddress().getPort();

            try (PeerProcess curl = PeerProcess.start(dir, curl(dir, port, protocol, "--http1.1")
                    .toArray(String[]::new))) {
                assertEquals(0, curl.awaitExit(), curl::output);
                assertEquals(BODY + "\n[200 1.1]", curl.output());
            }
            // Without --http1.1, curl offers h2 and http/1.1 by ALPN; the server speaks only http/1.1.
            try (PeerProcess curl = PeerProcess.start(dir, curl(dir, port, protocol, "-v")
                    .toArray(String[]::new))) {
                assertEquals(0, curl.awaitExit(), curl::output);
                String out = curl.output();
                assertTrue(out.contains("ALPN: offers h2,http/1.1"), out);
                assertTrue(out.contains("ALPN: server accepted http/1.1"), out);
                assertTrue(out.contains("SSL connection using " + protocol), out);
                assertTrue(out.endsWith(BODY + "\n[200 1.1]"), out);
            }
            awaitCondition(() -> log.echoed.get() == 2, "the server answered both requests and ended cleanly");
            assertEquals(List.of("GET /hello HTTP/1.1", "GET /hello HTTP/1.1"), List.copyOf(requests));
            for (TlsStream<?> s : log.streams) {
                assertEquals("http/1.1", s.alpnProtocol().orElseThrow());
                assertEquals(protocol, s.protocol());
                assertEquals("localhost", s.serverName().orElseThrow(), "curl sent SNI");
            }
            assertTrue(log.failures.isEmpty(), () -> "server failures: " + log.failures);
        }
    }
}
