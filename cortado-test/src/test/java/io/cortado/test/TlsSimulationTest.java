package io.cortado.test;

import io.cortado.Future;
import io.cortado.Futures;
import io.cortado.Poll;
import io.cortado.Task;
import io.cortado.io.Io;
import io.cortado.net.TcpListener;
import io.cortado.net.TcpStream;
import io.cortado.testing.RuntimeTestBase;
import io.cortado.tls.TlsAcceptor;
import io.cortado.tls.TlsConnector;
import io.cortado.tls.TlsHandshakeException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.cortado.test.SimulationTest.bytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * TLS over the deterministic simulator: the same {@code TlsAcceptor}/{@code TlsConnector} code as on a real network,
 * so a seed reproduces a TLS run (its schedule, its network events, its outcome) exactly.
 */
class TlsSimulationTest extends RuntimeTestBase {
    private static final char[] PASSWORD = "simulated".toCharArray();
    private static KeyStore keys;

    /** An Ed25519 certificate for the simulated host "server" (fixed-size signatures: same bytes on the wire). */
    @BeforeAll
    static void makeCertificate(@TempDir Path dir) throws Exception {
        Path ks = dir.resolve("server.p12");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-keyalg", "Ed25519", "-alias", "server", "-dname", "CN=server", "-ext",
                "SAN=dns:server", "-validity", "2", "-keystore", ks.toString(), "-storetype", "PKCS12",
                "-storepass", new String(PASSWORD)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "keytool finished");
        assertEquals(0, p.exitValue(), out);
        keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = java.nio.file.Files.newInputStream(ks)) {
            keys.load(in, PASSWORD);
        }
    }

    private static TlsConnector connector() {
        return TlsConnector.builder().trust(keys).build();
    }

    /** A TLS echo server, written exactly as for a real network. */
    static Future<Void> tlsEchoServer(int port, Duration handshakeTimeout, List<Throwable> failures) {
        TlsAcceptor acceptor = TlsAcceptor.builder(keys, PASSWORD).handshakeTimeout(handshakeTimeout).build();
        TcpListener l = TcpListener.bind(new InetSocketAddress(port));
        return Futures.pollFn(cx -> {
            for (; ; ) {
                TcpStream s = l.pollAccept(cx);
                if (s == null) {
                    return Poll.pending();
                }
                Task.spawn(acceptor.accept(s).then(tls -> Io.copy(tls, tls).then(n -> tls.shutdown()).map(v -> {
                    tls.close();
                    return v;
                })).orElse(e -> {
                    failures.add(e instanceof UncheckedIOException u ? u.getCause() : e);
                    return null;
                }));
            }
        });
    }

    static Future<byte[]> tlsEchoOnce(String host, int port, byte[] data) {
        ByteBuffer back = ByteBuffer.allocate(data.length);
        return TcpStream.connect(host, port).then(s -> connector().connect(host, s)).then(tls -> Futures.join(
                        tls.writeAll(ByteBuffer.wrap(data)).then(v -> tls.flush()), tls.readExact(back))
                .then(v -> tls.shutdown())
                .map(v -> {
                    tls.close();
                    return back.array();
                }));
    }

    /** Three TLS clients through jittered, lossy links. */
    static Simulation lossyTls(long seed, List<byte[]> got) {
        Simulation sim = Simulation.builder().seed(seed).latency(Duration.ofMillis(1)).jitter(Duration.ofMillis(4))
                .loss(0.05).build();
        sim.host("server", () -> tlsEchoServer(7443, Duration.ofSeconds(5), new ArrayList<>()));
        for (int c = 0; c < 3; c++) {
            int id = c;
            sim.client("client" + c, () -> tlsEchoOnce("server", 7443, bytes(20_000, id)).map(b -> {
                got.add(b);
                return b;
            }));
        }
        return sim;
    }

    @Test
    void tlsEchoesOverALossyNetworkAndASeedReplaysItExactly() {
        for (long seed = 0; seed < 3; seed++) {
            List<byte[]> got = new ArrayList<>();
            Simulation.Result r = Simulation.checkDeterministic(seed, s -> lossyTls(s, got));
            assertTrue(r.traceEvents() > 50, "a real run: " + r.traceEvents() + " events");
            assertEquals(6, got.size(), "three clients, each run twice");
            for (byte[] b : got) {
                boolean matches = false;
                for (int id = 0; id < 3; id++) {
                    matches |= java.util.Arrays.equals(bytes(20_000, id), b);
                }
                assertTrue(matches, "every echo came back byte for byte");
            }
        }
    }

    @Test
    void aPartitionMidHandshakeTimesOutAtTheSameSimulatedInstantEveryRun() {
        List<Duration> when = new ArrayList<>();
        for (int run = 0; run < 2; run++) {
            List<Throwable> serverFailures = new ArrayList<>();
            Simulation sim = Simulation.builder().seed(11).latency(Duration.ofMillis(5)).build();
            sim.host("server", () -> tlsEchoServer(7443, Duration.ofMillis(500), serverFailures));
            sim.client("client", () -> TcpStream.connect("server", 7443).then(s -> {
                sim.partition("client", "server"); // the ClientHello never arrives
                return connector().connect("server", s).map(t -> "connected").orElse(e -> {
                    sim.heal("client", "server");
                    return "client gave up: " + e.getMessage();
                });
            }));
            Simulation.Result r = sim.run();
            assertEquals(1, serverFailures.size(), "the server cut the stalled handshake");
            TlsHandshakeException h = assertInstanceOf(TlsHandshakeException.class, serverFailures.getFirst());
            assertEquals(TlsHandshakeException.Reason.TIMED_OUT, h.reason());
            when.add(r.elapsed());
        }
        assertEquals(when.get(0), when.get(1), "the same seed fails at the same simulated time");
        assertTrue(when.getFirst().compareTo(Duration.ofMillis(500)) >= 0, "not before the time limit: " + when);
    }

    @Test
    void theSimulatedEchoMatchesByteForByte() {
        byte[] data = bytes(50_000, 9);
        List<byte[]> got = new ArrayList<>();
        Simulation sim = Simulation.builder().seed(4).latency(Duration.ofMillis(2)).build();
        sim.host("server", () -> tlsEchoServer(7443, Duration.ofSeconds(5), new ArrayList<>()));
        sim.client("client", () -> tlsEchoOnce("server", 7443, data).map(got::add));
        sim.run();
        assertArrayEquals(data, got.getFirst());
    }
}
