package io.cortado.tls;

import io.cortado.AsyncRuntime;
import io.cortado.Future;
import io.cortado.Futures;
import io.cortado.JoinHandle;
import io.cortado.io.AsyncRead;
import io.cortado.net.TcpListener;
import io.cortado.net.TcpStream;
import io.cortado.testing.RuntimeTestBase;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static io.cortado.tls.TlsSupport.ANY_LOOPBACK;
import static io.cortado.tls.TlsSupport.echoRoundTrip;
import static io.cortado.tls.TlsSupport.echoServer;
import static io.cortado.tls.TlsSupport.ioFailure;
import static io.cortado.tls.TlsSupport.runtime;
import static io.cortado.tls.TlsTest.LOCALHOST;
import static io.cortado.tls.TlsTest.PKI;
import static io.cortado.tls.TlsTest.client;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Peers that stall, lie, cut connections short or split records: each gets a clear error for its connection only,
 * and the server goes on serving others.
 */
class TlsHostileTest extends RuntimeTestBase {

    private static TlsAcceptor.Builder acceptor() {
        return TlsAcceptor.builder(LOCALHOST.chain(), LOCALHOST.key());
    }

    /** @return the server's only failure, once it has one */
    private static Throwable serverFailure(TlsSupport.ServerLog log) {
        awaitCondition(() -> !log.failures.isEmpty(), "the server failed the connection");
        return log.failures.peek();
    }

    /** A good client still gets its echo: the failures before touched nothing else. */
    private static void stillServes(AsyncRuntime rt, TcpListener listener) {
        byte[] data = "still here".getBytes(StandardCharsets.UTF_8);
        assertArrayEquals(data, rt.blockOn(TcpStream.connect(listener.localAddress())
                .then(s -> client().connect("localhost", s))
                .then(tls -> TlsSupport.closing(echoRoundTrip(tls, data), tls))));
    }

    /** Writes {@code bytes} raw, then reads until the server closes; @return the bytes read */
    private static Future<Integer> sendRawAndReadToEnd(InetSocketAddress addr, byte[] bytes) {
        return TcpStream.connect(addr).then(s -> TlsSupport.closing(s.writeAll(ByteBuffer.wrap(bytes))
                .then(v -> readToEnd(s, 0)), s));
    }

    private static Future<Integer> readToEnd(AsyncRead r, int soFar) {
        ByteBuffer b = ByteBuffer.allocate(4096);
        return r.read(b).then(n -> n == AsyncRead.EOF ? Futures.ready(soFar) : readToEnd(r, soFar + n));
    }

    @Test
    void plaintextOrGarbageInsteadOfAClientHelloIsNotTls() {
        try (AsyncRuntime rt = runtime("multi")) {
            TlsSupport.ServerLog log = new TlsSupport.ServerLog();
            TcpListener listener = TcpListener.bind(rt.handle(), ANY_LOOPBACK, 16);
            rt.spawn(echoServer(listener, acceptor().build(), log));
            rt.blockOn(sendRawAndReadToEnd(listener.localAddress(),
                    "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
            TlsHandshakeException h = assertInstanceOf(TlsHandshakeException.class, serverFailure(log));
            assertEquals(TlsHandshakeException.Reason.NOT_TLS, h.reason(), h.getMessage());
            assertTrue(h.getCause() instanceof SSLException, "the JDK's exception is the cause");

            byte[] garbage = new byte[512];
            new Random(1).nextBytes(garbage);
            rt.blockOn(sendRawAndReadToEnd(listener.localAddress(), garbage));
            awaitCondition(() -> log.failures.size() == 2, "the garbage failed too");
            assertInstanceOf(TlsHandshakeException.class, new ArrayList<>(log.failures).get(1));
            stillServes(rt, listener);
        }
    }

    @Test
    void aPeerThatStallsMidHandshakeIsCutOffAtTheTimeLimit() {
        try (AsyncRuntime rt = runtime("multi")) {
            TlsSupport.ServerLog log = new TlsSupport.ServerLog();
            TcpListener listener = TcpListener.bind(rt.handle(), ANY_LOOPBACK, 16);
            rt.spawn(echoServer(listener, acceptor().handshakeTimeout(Duration.ofMillis(300)).build(), log));
            // A record header promising 255 bytes of handshake, and then nothing: the server waits, then gives up.
            int read = rt.blockOn(sendRawAndReadToEnd(listener.localAddress(), new byte[]{0x16, 0x03, 0x01, 0, (byte) 0xff,
                    0x01, 0, 0}));
            assertEquals(0, read, "the server closed without a word");
            TlsHandshakeException h = assertInstanceOf(TlsHandshakeException.class, serverFailure(log));
            assertEquals(TlsHandshakeException.Reason.TIMED_OUT, h.reason(), h.getMessage());
            // and a peer that sends nothing at all
            rt.blockOn(sendRawAndReadToEnd(listener.localAddress(), new byte[0]));
            awaitCondition(() -> log.failures.size() == 2, "the silent peer timed out too");
            stillServes(rt, listener);
        }
    }

    @Test
    void anEndWithoutCloseNotifyIsATruncationUnlessAccepted() {
        for (boolean accept : new boolean[]{false, true}) {
            try (AsyncRuntime rt = runtime("multi")) {
                TcpListener listener = TcpListener.bind(rt.handle(), ANY_LOOPBACK, 16);
                TlsAcceptor acceptor = acceptor().build();
                // The server says "hi", then cuts the TCP connection under TLS (no close_notify).
                rt.spawn(listener.accept().then(acceptor::accept).then(tls -> tls.writeAll(
                        ByteBuffer.wrap("hi".getBytes(StandardCharsets.US_ASCII))).then(v -> tls.flush()).map(v -> {
                    tls.inner().close();
                    tls.close();
                    return v;
                })));
                TlsConnector c = TlsConnector.builder().trust(List.of(PKI.root())).acceptTruncation(accept).build();
                ByteBuffer hi = ByteBuffer.allocate(2);
                Future<Integer> afterHi = TcpStream.connect(listener.localAddress()).then(s -> c.connect("localhost", s))
                        .then(tls -> TlsSupport.closing(tls.readExact(hi).then(v -> tls.read(ByteBuffer.allocate(8))),
                                tls));
                if (accept) {
                    assertEquals(AsyncRead.EOF, rt.blockOn(afterHi));
                } else {
                    Throwable t = ioFailure(() -> rt.blockOn(afterHi));
                    assertInstanceOf(TlsTruncationException.class, t, t.toString());
                }
                assertEquals("hi", new String(hi.array(), StandardCharsets.US_ASCII), "the bytes before the cut");
            }
        }
    }

    @Test
    void alpnAndProtocolMismatchesFailBothSidesWithTheirReason() {
        try (AsyncRuntime rt = runtime("multi")) {
            TlsSupport.ServerLog log = new TlsSupport.ServerLog();
            TcpListener alpn = TcpListener.bind(rt.handle(), ANY_LOOPBACK, 16);
            rt.spawn(echoServer(alpn, acceptor().alpn("h2").build(), log));
            TlsConnector wantsHttp1 = TlsConnector.builder().trust(List.of(PKI.root())).alpn("http/1.1").build();
            TlsHandshakeException c = assertInstanceOf(TlsHandshakeException.class, ioFailure(() -> rt.blockOn(
                    TcpStream.connect(alpn.localAddress()).then(s -> wantsHttp1.connect("localhost", s)))));
            TlsHandshakeException s = assertInstanceOf(TlsHandshakeException.class, serverFailure(log));
            assertEquals(TlsHandshakeException.Reason.ALPN_MISMATCH, s.reason(), s.getMessage());
            // The server's alert follows the ServerHello and change_cipher_spec its engine still had to send.
            assertEquals(TlsHandshakeException.Reason.ALPN_MISMATCH, c.reason(), c.getMessage());

            TlsSupport.ServerLog log13 = new TlsSupport.ServerLog();
            TcpListener only13 = TcpListener.bind(rt.handle(), ANY_LOOPBACK, 16);
            rt.spawn(echoServer(only13, acceptor().protocols("TLSv1.3").build(), log13));
            TlsHandshakeException p = assertInstanceOf(TlsHandshakeException.class, ioFailure(() -> rt.blockOn(
                    TcpStream.connect(only13.localAddress()).then(x -> client("TLSv1.2").connect("localhost", x)))));
            assertEquals(TlsHandshakeException.Reason.PROTOCOL_MISMATCH, p.reason(), p.getMessage());
            TlsHandshakeException ps = assertInstanceOf(TlsHandshakeException.class, serverFailure(log13));
            assertEquals(TlsHandshakeException.Reason.PROTOCOL_MISMATCH, ps.reason(), ps.getMessage());
            stillServes(rt, only13);
        }
    }

    @Test
    void mutualTlsRequiresATrustedClientCertificate() {
        try (AsyncRuntime rt = runtime("multi")) {
            TlsSupport.ServerLog log = new TlsSupport.ServerLog();
            TcpListener listener = TcpListener.bind(rt.handle(), ANY_LOOPBACK, 16);
            rt.spawn(echoServer(listener, acceptor().clientAuth(ClientAuth.REQUIRED, List.of(PKI.root())).build(),
                    log));
            TestPki.Id alice = PKI.client("alice");
            TlsConnector withCert = TlsConnector.builder().trust(List.of(PKI.root()))
                    .identity(alice.chain(), alice.key()).build();
            byte[] data = "mutual".getBytes(StandardCharsets.UTF_8);
            assertArrayEquals(data, rt.blockOn(TcpStream.connect(listener.localAddress())
                    .then(s -> withCert.connect("localhost", s))
                    .then(tls -> TlsSupport.closing(echoRoundTrip(tls, data), tls))));
            awaitCondition(() -> log.echoed.get() == 1, "the server finished the echo");
            assertEquals(alice.cert(), log.streams.peek().peerCertificates().getFirst());

            // Without a certificate: with TLS 1.3 the client's handshake ends before the server checks it, so the
            // client learns of the refusal at its first read; the server fails the handshake.
            Throwable t = ioFailure(() -> rt.blockOn(TcpStream.connect(listener.localAddress())
                    .then(s -> client().connect("localhost", s))
                    .then(tls -> TlsSupport.closing(echoRoundTrip(tls, data), tls))));
            assertInstanceOf(SSLException.class, t, t.toString());
            TlsHandshakeException s = assertInstanceOf(TlsHandshakeException.class, serverFailure(log));
            assertEquals(TlsHandshakeException.Reason.CERTIFICATE_REJECTED, s.reason(), s.getMessage());
        }
    }

    @Test
    void recordsSplitAtEveryByteArriveWhole() {
        try (AsyncRuntime rt = runtime("current")) {
            TlsSupport.ServerLog log = new TlsSupport.ServerLog();
            TcpListener listener = TcpListener.bind(rt.handle(), ANY_LOOPBACK, 16);
            TlsAcceptor acceptor = acceptor().build();
            // The server's TLS reads and writes one byte at a time: every record crosses every boundary.
            rt.spawn(echoServer(listener, s -> acceptor.accept(new TlsSupport.Trickle(s)), log));
            byte[] data = new byte[40_000];
            new Random(3).nextBytes(data);
            assertArrayEquals(data, rt.blockOn(TcpStream.connect(listener.localAddress())
                    .then(s -> client().connect("localhost", s))
                    .then(tls -> TlsSupport.closing(echoRoundTrip(tls, data), tls))));
            awaitCondition(() -> log.echoed.get() == 1, "the trickling server ended cleanly");
            assertTrue(log.failures.isEmpty(), () -> "failures: " + log.failures);
        }
    }

    @Test
    void aHundredConnectionsEchoRandomDataByteForByte() {
        try (AsyncRuntime rt = runtime("multi")) {
            TlsSupport.ServerLog log = new TlsSupport.ServerLog();
            TcpListener listener = TcpListener.bind(rt.handle(), ANY_LOOPBACK, 128);
            rt.spawn(echoServer(listener, acceptor().build(), log));
            Random rnd = new Random(100);
            List<byte[]> sent = new ArrayList<>();
            List<JoinHandle<byte[]>> clients = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                byte[] data = new byte[1 + rnd.nextInt(64 * 1024)];
                rnd.nextBytes(data);
                sent.add(data);
                clients.add(rt.spawn(TcpStream.connect(listener.localAddress())
                        .then(s -> client().connect("localhost", s))
                        .then(tls -> TlsSupport.closing(echoRoundTrip(tls, data), tls))));
            }
            for (int i = 0; i < 100; i++) {
                assertArrayEquals(sent.get(i), rt.blockOn(clients.get(i)), "connection " + i);
            }
            awaitCondition(() -> log.echoed.get() == 100, "every server side ended cleanly");
            assertTrue(log.failures.isEmpty(), () -> "failures: " + log.failures);
        }
    }

    @Test
    void anIdleConnectionHoldsNoBuffersAndSplitHalvesWorkInTwoTasks() {
        try (AsyncRuntime rt = runtime("multi")) {
            TlsSupport.ServerLog log = new TlsSupport.ServerLog();
            TcpListener listener = TcpListener.bind(rt.handle(), ANY_LOOPBACK, 16);
            rt.spawn(echoServer(listener, acceptor().build(), log));
            TlsStream<TcpStream> tls = rt.blockOn(TcpStream.connect(listener.localAddress())
                    .then(s -> client().connect("localhost", s)));
            try {
                byte[] data = new byte[300_000];
                new Random(5).nextBytes(data);
                TlsStream.Halves<TcpStream> halves = tls.split();
                JoinHandle<Void> writer = rt.spawn(halves.writer().writeAll(ByteBuffer.wrap(data))
                        .then(v -> halves.writer().flush()));
                ByteBuffer back = ByteBuffer.allocate(data.length);
                JoinHandle<Void> reader = rt.spawn(halves.reader().readExact(back));
                rt.blockOn(writer);
                rt.blockOn(reader);
                assertArrayEquals(data, back.array());
                assertEquals(0, tls.buffersHeld(), "the client holds no buffer once idle");
                awaitCondition(() -> log.streams.peek() instanceof TlsStream<?> s && s.buffersHeld() == 0,
                        "the server's side holds no buffer while it waits");
            } finally {
                tls.close();
            }
        }
    }

    @Test
    void aClosedStreamFailsItsOperationsClearly() {
        try (AsyncRuntime rt = runtime("multi")) {
            TlsSupport.ServerLog log = new TlsSupport.ServerLog();
            TcpListener listener = TcpListener.bind(rt.handle(), ANY_LOOPBACK, 16);
            rt.spawn(echoServer(listener, acceptor().build(), log));
            TlsStream<TcpStream> tls = rt.blockOn(TcpStream.connect(listener.localAddress())
                    .then(s -> client().connect("localhost", s)));
            tls.close();
            assertTrue(tls.inner().isClosed(), "closing TLS closes the socket under it");
            UncheckedIOException e = org.junit.jupiter.api.Assertions.assertThrows(UncheckedIOException.class,
                    () -> rt.blockOn(tls.read(ByteBuffer.allocate(4))));
            assertInstanceOf(java.nio.channels.ClosedChannelException.class, e.getCause());
            // close() offered close_notify once, without waiting: the server read a clean end (no truncation);
            // its own close_notify back may meet the closed socket (a broken pipe or reset, for it alone).
            awaitCondition(() -> log.echoed.get() == 1 || !log.failures.isEmpty(), "the server saw the end");
            Throwable f = log.failures.peek();
            assertTrue(f == null || !(f instanceof SSLException), () -> "the server saw a TLS failure: " + f);
        }
    }

    @Test
    void aTls12RenegotiationIsRefused() throws Exception {
        try (AsyncRuntime rt = runtime("multi")) {
            TlsSupport.ServerLog log = new TlsSupport.ServerLog();
            TcpListener listener = TcpListener.bind(rt.handle(), ANY_LOOPBACK, 16);
            rt.spawn(echoServer(listener, acceptor().protocols("TLSv1.2").build(), log));
            javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
            javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance("PKIX");
            java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setCertificateEntry("root", PKI.root());
            tmf.init(ks);
            ctx.init(null, tmf.getTrustManagers(), null);
            try (javax.net.ssl.SSLSocket sock = (javax.net.ssl.SSLSocket) ctx.getSocketFactory().createSocket(
                    listener.localAddress().getAddress(), listener.localAddress().getPort())) {
                sock.setEnabledProtocols(new String[]{"TLSv1.2"});
                sock.setSoTimeout(20_000);
                sock.getOutputStream().write('a');
                assertEquals('a', sock.getInputStream().read(), "the echo works before");
                try {
                    sock.startHandshake(); // a second handshake: renegotiation
                    sock.getOutputStream().write('b');
                    int r = sock.getInputStream().read();
                    assertEquals(-1, r, "the server closed the connection instead of renegotiating");
                } catch (java.io.IOException expected) {
                    // the server's alert or reset: refused either way
                }
            }
            Throwable f = serverFailure(log);
            assertInstanceOf(SSLException.class, f, f.toString());
            assertTrue(f.getMessage().contains("renegotiation"), f.getMessage());
            stillServes(rt, listener);
        }
    }
}
