package io.cortado.tls;

import io.cortado.AsyncRuntime;
import io.cortado.net.TcpListener;
import io.cortado.net.TcpStream;
import io.cortado.testing.RuntimeTestBase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Random;

import static io.cortado.tls.TlsSupport.ANY_LOOPBACK;
import static io.cortado.tls.TlsSupport.echoRoundTrip;
import static io.cortado.tls.TlsSupport.echoServer;
import static io.cortado.tls.TlsSupport.ioFailure;
import static io.cortado.tls.TlsSupport.runtime;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Cortado's TLS client and server with each other over loopback TCP, on both runtime flavours. */
class TlsTest extends RuntimeTestBase {
    static final TestPki PKI = new TestPki("Cortado Test CA");
    static final TestPki.Id LOCALHOST = PKI.server("localhost", "127.0.0.1");

    static TlsConnector client(String... protocols) {
        TlsConnector.Builder b = TlsConnector.builder().trust(List.of(PKI.root()));
        if (protocols.length > 0) {
            b.protocols(protocols);
        }
        return b.build();
    }

    @ParameterizedTest
    @CsvSource({"current, TLSv1.3", "multi, TLSv1.3", "current, TLSv1.2", "multi, TLSv1.2"})
    void echoesAMegabyteAndEndsCleanly(String flavor, String protocol) {
        try (AsyncRuntime rt = runtime(flavor)) {
            TlsSupport.ServerLog log = new TlsSupport.ServerLog();
            TcpListener listener = TcpListener.bind(rt.handle(), ANY_LOOPBACK, 16);
            TlsAcceptor acceptor = TlsAcceptor.builder(LOCALHOST.chain(), LOCALHOST.key()).alpn("h2", "http/1.1")
                    .build();
            rt.spawn(echoServer(listener, acceptor, log));
            byte[] data = new byte[1 << 20];
            new Random(7).nextBytes(data);
            InetSocketAddress addr = listener.localAddress();
            TlsConnector connector = TlsConnector.builder().trust(List.of(PKI.root())).protocols(protocol)
                    .alpn("http/1.1").build();
            byte[] back = rt.blockOn(TcpStream.connect(addr).then(s -> connector.connect("localhost", s))
                    .then(tls -> TlsSupport.closing(echoRoundTrip(tls, data).map(b -> {
                        assertEquals(protocol, tls.protocol());
                        assertEquals("http/1.1", tls.alpnProtocol().orElseThrow());
                        assertEquals("localhost", tls.serverName().orElseThrow());
                        assertEquals(LOCALHOST.cert(), tls.peerCertificates().getFirst());
                        assertTrue(tls.isClient());
                        return b;
                    }), tls)));
            assertArrayEquals(data, back);
            awaitCondition(() -> log.echoed.get() == 1, "the server ended its side cleanly");
            TlsStream<?> server = log.streams.peek();
            assertEquals("localhost", server.serverName().orElseThrow(), "the server saw the SNI");
            assertEquals("http/1.1", server.alpnProtocol().orElseThrow());
            assertEquals(protocol, server.protocol());
            assertTrue(server.peerCertificates().isEmpty(), "no client certificate was asked for");
            assertTrue(log.failures.isEmpty(), () -> "server failures: " + log.failures);
        }
    }

    @Test
    void aServerCertificateForAnotherNameFailsTheClientWithHostnameMismatch() {
        try (AsyncRuntime rt = runtime("multi")) {
            TlsSupport.ServerLog log = new TlsSupport.ServerLog();
            TcpListener listener = TcpListener.bind(rt.handle(), ANY_LOOPBACK, 16);
            TestPki.Id other = PKI.server("other.example");
            rt.spawn(echoServer(listener, TlsAcceptor.builder(other.chain(), other.key()).build(), log));
            Throwable t = ioFailure(() -> rt.blockOn(TcpStream.connect(listener.localAddress())
                    .then(s -> client().connect("localhost", s))));
            TlsHandshakeException h = assertInstanceOf(TlsHandshakeException.class, t);
            assertEquals(TlsHandshakeException.Reason.HOSTNAME_MISMATCH, h.reason(), h.getMessage());
            awaitCondition(() -> !log.failures.isEmpty(), "the server saw the client's alert");
            TlsHandshakeException s = assertInstanceOf(TlsHandshakeException.class, log.failures.peek());
            assertEquals(TlsHandshakeException.Reason.CERTIFICATE_REJECTED, s.reason(), s.getMessage());
        }
    }

    @Test
    void anUntrustedOrExpiredCertificateFailsWithItsReason() {
        try (AsyncRuntime rt = runtime("multi")) {
            TlsSupport.ServerLog log = new TlsSupport.ServerLog();
            TcpListener untrusted = TcpListener.bind(rt.handle(), ANY_LOOPBACK, 16);
            TestPki.Id stranger = new TestPki("Some Other CA").server("localhost");
            rt.spawn(echoServer(untrusted, TlsAcceptor.builder(stranger.chain(), stranger.key()).build(), log));
            TcpListener expired = TcpListener.bind(rt.handle(), ANY_LOOPBACK, 16);
            TestPki.Id old = PKI.expiredServer("localhost");
            rt.spawn(echoServer(expired, TlsAcceptor.builder(old.chain(), old.key()).build(), log));

            TlsHandshakeException u = assertInstanceOf(TlsHandshakeException.class, ioFailure(() -> rt.blockOn(
                    TcpStream.connect(untrusted.localAddress()).then(s -> client().connect("localhost", s)))));
            assertEquals(TlsHandshakeException.Reason.CERTIFICATE_UNTRUSTED, u.reason(), u.getMessage());
            TlsHandshakeException e = assertInstanceOf(TlsHandshakeException.class, ioFailure(() -> rt.blockOn(
                    TcpStream.connect(expired.localAddress()).then(s -> client().connect("localhost", s)))));
            assertEquals(TlsHandshakeException.Reason.CERTIFICATE_EXPIRED, e.reason(), e.getMessage());
        }
    }

    /** Reads {@code r} to its end into {@code out}. */
    private static io.cortado.Future<java.io.ByteArrayOutputStream> readAll(io.cortado.io.AsyncRead r,
                                                                          java.io.ByteArrayOutputStream out) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8192);
        return r.read(b).then(n -> {
            if (n == io.cortado.io.AsyncRead.EOF) {
                return io.cortado.Futures.ready(out);
            }
            out.write(b.array(), 0, n);
            return readAll(r, out);
        });
    }

    @Test
    void tls13HalfCloseLetsThePeerAnswerAfterOurCloseNotify() {
        try (AsyncRuntime rt = runtime("multi")) {
            TcpListener listener = TcpListener.bind(rt.handle(), ANY_LOOPBACK, 16);
            TlsAcceptor acceptor = TlsAcceptor.builder(LOCALHOST.chain(), LOCALHOST.key()).build();
            // The server reads everything up to the client's close_notify, and only then answers.
            rt.spawn(listener.accept().then(acceptor::accept).then(tls -> TlsSupport.closing(
                    readAll(tls, new java.io.ByteArrayOutputStream()).then(all -> {
                        byte[] reply = ("got " + all.size() + " bytes").getBytes();
                        return tls.writeAll(java.nio.ByteBuffer.wrap(reply)).then(v -> tls.shutdown());
                    }), tls)));
            byte[] data = new byte[60_000];
            new Random(13).nextBytes(data);
            String answer = rt.blockOn(TcpStream.connect(listener.localAddress())
                    .then(s -> client("TLSv1.3").connect("localhost", s))
                    .then(tls -> TlsSupport.closing(tls.writeAll(java.nio.ByteBuffer.wrap(data))
                            .then(v -> tls.shutdown()) // close_notify and FIN: our direction ends here
                            .then(v -> readAll(tls, new java.io.ByteArrayOutputStream()))
                            .map(out -> out.toString()), tls)));
            assertEquals("got 60000 bytes", answer);
        }
    }

    @Test
    void tlsRunsOverUnixSocketsAndThroughFramedLines(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        try (AsyncRuntime rt = runtime("multi")) {
            java.nio.file.Path sock = dir.resolve("tls.sock");
            io.cortado.net.UnixListener listener = io.cortado.net.UnixListener.bind(rt.handle(), sock);
            TlsAcceptor acceptor = TlsAcceptor.builder(LOCALHOST.chain(), LOCALHOST.key()).build();
            // The server answers each line upper-cased, through BufReader's line decoding over the TLS stream.
            rt.spawn(listener.accept().then(acceptor::accept).then(tls -> TlsSupport.closing(
                    new io.cortado.io.BufReader(tls).readLine().then(line -> tls.writeAll(java.nio.ByteBuffer.wrap(
                            (line.toUpperCase() + "\n").getBytes())).then(v -> tls.shutdown())), tls)));
            String reply = rt.blockOn(io.cortado.net.UnixStream.connect(sock)
                    .then(s -> client().connect("localhost", s))
                    .then(tls -> TlsSupport.closing(tls.writeAll(java.nio.ByteBuffer.wrap("over unix\n".getBytes()))
                            .then(v -> tls.flush())
                            .then(v -> new io.cortado.io.BufReader(tls).readLine()), tls)));
            assertEquals("OVER UNIX", reply);
            listener.close();
        }
    }
}
