package io.cortado.examples.net;

import io.cortado.AsyncRuntime;
import io.cortado.Future;
import io.cortado.Futures;
import io.cortado.examples.LeakCheck;
import io.cortado.net.TcpStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static io.cortado.examples.net.EchoServerTest.LOOPBACK;
import static io.cortado.examples.net.EchoServerTest.runtime;
import static io.cortado.examples.net.EchoServerTest.sendAndReadAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** {@link Proxy} in front of the {@link EchoServer}: bytes pass both ways and are counted. */
class ProxyTest extends LeakCheck {

    @ParameterizedTest
    @ValueSource(strings = {"current", "multi"})
    void forwardsBothWaysAndCountsTheBytes(String flavor) {
        try (AsyncRuntime rt = runtime(flavor); Server echo = EchoServer.start(rt.handle(), LOOPBACK);
             Proxy proxy = Proxy.start(rt.handle(), LOOPBACK, echo.localAddress())) {
            Random random = new Random(7);
            List<byte[]> payloads = new ArrayList<>();
            List<Future<byte[]>> clients = new ArrayList<>();
            long total = 0;
            for (int i = 0; i < 8; i++) {
                byte[] data = new byte[1 + random.nextInt(200_000)];
                random.nextBytes(data);
                payloads.add(data);
                total += data.length;
                clients.add(TcpStream.connect(proxy.localAddress())
                        .then(c -> Server.closing(sendAndReadAll(c, data), c)));
            }
            // each client half-closes; the proxy passes the end to the echo server, whose close comes back
            List<byte[]> echoed = rt.blockOn(Futures.joinAll(clients));
            for (int i = 0; i < payloads.size(); i++) {
                assertArrayEquals(payloads.get(i), echoed.get(i), "client " + i);
            }
            Set<Long> sizes = new HashSet<>();
            for (int i = 0; i < payloads.size(); i++) {
                Proxy.Transfer t = rt.blockOn(proxy.transfers().recv()); // one per finished connection
                assertEquals(t.up(), t.down(), "an echo sends back what it got: " + t);
                sizes.add(t.up());
            }
            Set<Long> expected = new HashSet<>();
            payloads.forEach(p -> expected.add((long) p.length));
            assertEquals(expected, sizes);
            assertEquals(total, proxy.bytesUp());
            assertEquals(total, proxy.bytesDown());
        }
    }

    @Test
    void aClientIsDisconnectedWhenTheBackendRefuses() throws IOException {
        // a socket bound but not listening holds a port, and the kernel refuses connections to it
        try (SocketChannel holder = SocketChannel.open().bind(LOOPBACK);
             AsyncRuntime rt = runtime("multi");
             Proxy proxy = Proxy.start(rt.handle(), LOOPBACK, (InetSocketAddress) holder.getLocalAddress());
             LineClient c = new LineClient(rt, proxy.localAddress())) {
            assertNull(c.read(), "the proxy closes the client's connection");
            assertEquals(0, proxy.bytesUp());
        }
    }
}
