package io.cortado.examples.net;

import io.cortado.AsyncRuntime;
import io.cortado.Future;
import io.cortado.Futures;
import io.cortado.JoinException;
import io.cortado.JoinHandle;
import io.cortado.Task;
import io.cortado.examples.LeakCheck;
import io.cortado.net.TcpListener;
import io.cortado.net.TcpStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link AsyncEchoServer}: the async-method echo server, driven by real clients on both runtime flavours. */
class AsyncEchoServerTest extends LeakCheck {

    @ParameterizedTest
    @ValueSource(strings = {"current", "multi"})
    void aResetPeerIsCaughtAsAnIOExceptionInTheAsyncMethod(String flavor) {
        try (AsyncRuntime rt = EchoServerTest.runtime(flavor);
             TcpListener listener = TcpListener.bind(rt.handle(), EchoServerTest.LOOPBACK)) {
            TcpStream client = rt.blockOn(TcpStream.connect(listener.localAddress()));
            TcpStream accepted = rt.blockOn(listener.accept());
            JoinHandle<Long> echo = rt.handle().spawn(AsyncEchoServer.echo(accepted));
            rt.blockOn(client.writeAll(java.nio.ByteBuffer.wrap(new byte[16 * 1024])).orElse(e -> null));
            client.setLinger(0);
            client.close(); // a reset, not an end of stream: the server's next read or write fails
            assertEquals(-1L, rt.blockOn(echo), "the catch (IOException e) in echo ran");
            assertTrue(accepted.isClosed(), "try-with-resources closed the connection");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"current", "multi"})
    void echoesConcurrentClientsAndStopsWhenCancelled(String flavor) {
        try (AsyncRuntime rt = EchoServerTest.runtime(flavor)) {
            TcpListener listener = TcpListener.bind(rt.handle(), EchoServerTest.LOOPBACK);
            JoinHandle<Void> server = rt.handle().spawn(AsyncEchoServer.serve(listener));
            Random random = new Random(7);
            List<byte[]> sent = new ArrayList<>();
            List<Future<byte[]>> clients = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                byte[] data = new byte[1 + random.nextInt(100_000)];
                random.nextBytes(data);
                sent.add(data);
                clients.add(Task.builder().spawnOn(rt.handle(), TcpStream.connect(listener.localAddress())
                        .then(c -> EchoServerTest.sendAndReadAll(c, data).map(back -> {
                            c.close();
                            return back;
                        }))));
            }
            List<byte[]> got = rt.blockOn(Futures.joinAll(clients));
            for (int i = 0; i < sent.size(); i++) {
                assertArrayEquals(sent.get(i), got.get(i), "client " + i);
            }
            server.abort();
            JoinException e = assertThrows(JoinException.class, () -> rt.blockOn(server));
            assertTrue(e.isCancelled());
            assertTrue(listener.isClosed(), "the cancelled accept loop's finally closed the listener");
        }
    }
}
