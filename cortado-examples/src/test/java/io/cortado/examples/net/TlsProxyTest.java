package io.cortado.examples.net;

import io.cortado.AsyncRuntime;
import io.cortado.Future;
import io.cortado.Futures;
import io.cortado.examples.LeakCheck;
import io.cortado.net.TcpStream;
import io.cortado.tls.TlsConnector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static io.cortado.examples.net.EchoServerTest.LOOPBACK;
import static io.cortado.examples.net.EchoServerTest.runtime;
import static io.cortado.examples.net.EchoServerTest.sendAndReadAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** {@link TlsProxy} in front of the plain {@link EchoServer}: TLS clients outside, plain TCP inside. */
class TlsProxyTest extends LeakCheck {

    @ParameterizedTest
    @ValueSource(strings = {"current", "multi"})
    void forwardsDecryptedBytesBothWaysAndPassesTheEndsOn(String flavor) {
        SelfSigned id = SelfSigned.localhost();
        try (AsyncRuntime rt = runtime(flavor); Server echo = EchoServer.start(rt.handle(), LOOPBACK);
             Server proxy = TlsProxy.start(rt.handle(), LOOPBACK, echo.localAddress(), id.acceptor())) {
            TlsConnector tls = TlsConnector.builder().trust(List.of(id.cert())).build();
            Random random = new Random(3);
            List<byte[]> payloads = new ArrayList<>();
            List<Future<byte[]>> clients = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                byte[] data = new byte[1 + random.nextInt(150_000)];
                random.nextBytes(data);
                payloads.add(data);
                // close_notify -> the proxy half-closes the backend -> the echo server closes -> the proxy's
                // close_notify: the client's read ends only if every end passed through
                clients.add(TcpStream.connect(proxy.localAddress()).then(s -> tls.connect("localhost", s))
                        .then(c -> Server.closing(sendAndReadAll(c, data), c)));
            }
            List<byte[]> echoed = rt.blockOn(Futures.joinAll(clients));
            for (int i = 0; i < payloads.size(); i++) {
                assertArrayEquals(payloads.get(i), echoed.get(i), "client " + i);
            }
        }
    }

    @Test
    void theJdksSslSocketGoesThroughToThePlainBackend() throws Exception {
        SelfSigned id = SelfSigned.localhost();
        try (AsyncRuntime rt = runtime("multi"); Server echo = EchoServer.start(rt.handle(), LOOPBACK);
             Server proxy = TlsProxy.start(rt.handle(), LOOPBACK, echo.localAddress(), id.acceptor())) {
            byte[] data = new byte[100_000];
            new Random(9).nextBytes(data);
            assertArrayEquals(data, TlsEchoServerTest.jdkClientRoundTrip(id.cert(), proxy.localAddress(), data));
        }
    }
}
