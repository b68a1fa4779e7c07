package io.cortado.examples.net;

import io.cortado.AsyncRuntime;
import io.cortado.Future;
import io.cortado.Futures;
import io.cortado.examples.LeakCheck;
import io.cortado.io.AsyncRead;
import io.cortado.io.AsyncWrite;
import io.cortado.net.TcpStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link EchoServer} on loopback, driven by real Cortado clients. */
class EchoServerTest extends LeakCheck {
    static final InetSocketAddress LOOPBACK = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    static AsyncRuntime runtime(String flavor) {
        return flavor.equals("current")
                ? AsyncRuntime.builder().currentThread().build()
                : AsyncRuntime.builder().multiThread().workerThreads(2).build();
    }

    /**
     * Writes {@code data} and shuts down the write half while reading everything the server sends back until it
     * closes: write and read run together (joined), so neither side's buffers need to hold the whole payload.
     */
    static <S extends AsyncRead & AsyncWrite> Future<byte[]> sendAndReadAll(S c, byte[] data) {
        ByteBuffer back = ByteBuffer.allocate(data.length + 1);
        Future<Void> write = c.writeAll(ByteBuffer.wrap(data)).then(v -> c.shutdown());
        Future<byte[]> read = Futures.pollFn(cx -> {
            for (; ; ) {
                int n = c.pollRead(cx, back);
                if (n == AsyncRead.PENDING) {
                    return io.cortado.Poll.pending();
                }
                if (n == AsyncRead.EOF) {
                    return io.cortado.Poll.ready(java.util.Arrays.copyOf(back.array(), back.position()));
                }
                if (!back.hasRemaining()) {
                    throw new AssertionError("the server sent more than it was sent");
                }
            }
        });
        return Futures.join(write, read).map(both -> both.second());
    }

    @ParameterizedTest
    @ValueSource(strings = {"current", "multi"})
    void echoesConcurrentClientsUntilEachEndsItsSide(String flavor) {
        try (AsyncRuntime rt = runtime(flavor); Server server = EchoServer.start(rt.handle(), LOOPBACK)) {
            assertTrue(server.localAddress().getPort() > 0, "port 0 picks a free port");
            Random random = new Random(42);
            List<byte[]> payloads = new ArrayList<>();
            List<Future<byte[]>> clients = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                byte[] data = new byte[1 + random.nextInt(300_000)]; // up to ~37 copy buffers
                random.nextBytes(data);
                payloads.add(data);
                clients.add(TcpStream.connect(server.localAddress())
                        .then(c -> Server.closing(sendAndReadAll(c, data), c)));
            }
            List<byte[]> echoed = rt.blockOn(Futures.joinAll(clients));
            for (int i = 0; i < payloads.size(); i++) {
                assertArrayEquals(payloads.get(i), echoed.get(i), "client " + i);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"current", "multi"})
    void aClosedServerRefusesNewConnectionsAndEndsTheOpenOnes(String flavor) {
        try (AsyncRuntime rt = runtime(flavor)) {
            Server server = EchoServer.start(rt.handle(), LOOPBACK);
            try (LineClient c = new LineClient(rt, server.localAddress())) {
                assertEquals("ping", c.ask("ping"));
                server.close();
                // the accept loop's cancellation aborts the connection task, which closes the socket
                assertNull(c.read(), "the open connection ends when the server closes");
            }
            // The reactor closes a registered channel's descriptor at its next select, so the port may still take a
            // connection for a moment: poll until a connect is refused (each attempt that got in is closed again).
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (rt.blockOn(TcpStream.connect(server.localAddress()).map(s -> {
                s.close();
                return true;
            }).orElse(refused -> false))) {
                assertTrue(System.nanoTime() < deadline, "the listener was never closed");
            }
        }
    }
}
