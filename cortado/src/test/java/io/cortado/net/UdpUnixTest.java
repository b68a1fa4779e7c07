package io.cortado.net;

import io.cortado.AsyncRuntime;
import io.cortado.Context;
import io.cortado.Future;
import io.cortado.io.BufReader;
import io.cortado.io.Framed;
import io.cortado.io.Io;
import io.cortado.io.LinesCodec;
import io.cortado.testing.RuntimeTestBase;
import io.cortado.testing.TestWaker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.UncheckedIOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

import static io.cortado.net.NetSupport.ANY_LOOPBACK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link UdpSocket}, {@link UnixListener}/{@link UnixStream}, and framing and copying over real sockets. */
class UdpUnixTest extends RuntimeTestBase {

    private static String text(ByteBuffer b) {
        return new String(b.array(), 0, b.position(), StandardCharsets.UTF_8);
    }

    @Test
    void udpSendToAndReceiveFromCarryDatagramsAndTheirSenders() {
        try (AsyncRuntime rt = TcpTest.runtime("multi")) {
            UdpSocket a = UdpSocket.bind(rt.handle(), ANY_LOOPBACK);
            UdpSocket b = UdpSocket.bind(rt.handle(), ANY_LOOPBACK);
            ByteBuffer in = ByteBuffer.allocate(64);
            var receive = rt.spawn(b.receiveFrom(in));
            assertEquals(4, rt.blockOn(a.sendTo(ByteBuffer.wrap("ping".getBytes()), b.localAddress())));
            SocketAddress from = rt.blockOn(receive);
            assertEquals(a.localAddress(), from);
            assertEquals("ping", text(in));

            b.connect(a.localAddress());
            a.connect(b.localAddress());
            assertEquals(b.localAddress().toString(), a.peerAddress().toString());
            ByteBuffer in2 = ByteBuffer.allocate(64);
            rt.blockOn(b.send(ByteBuffer.wrap("pong".getBytes())));
            assertEquals(4, rt.blockOn(a.receive(in2)));
            assertEquals("pong", text(in2));
            a.close();
            b.close();
        }
    }

    @Test
    void aPendingReceiveIsWokenByADatagramAndFailsAfterClose() {
        try (AsyncRuntime rt = TcpTest.runtime("current")) {
            UdpSocket a = UdpSocket.bind(rt.handle(), ANY_LOOPBACK);
            UdpSocket b = UdpSocket.bind(rt.handle(), ANY_LOOPBACK);
            // by hand: the receive parks on the socket (the runtime's driver is idle, nobody selects), so it proves
            // that the registration, not a busy loop, brings the datagram
            TestWaker w = new TestWaker();
            ByteBuffer in = ByteBuffer.allocate(8);
            Future<SocketAddress> r = b.receiveFrom(in);
            assertFalse(r.poll(Context.of(w)).isReady());
            rt.blockOn(a.sendTo(ByteBuffer.wrap(new byte[]{1, 2, 3}), b.localAddress()));
            // the datagram arrives in the kernel; a blockOn on the runtime drives its selector, which reports it
            rt.blockOn(io.cortado.Futures.pollFn(cx -> w.wakes() > 0 ? io.cortado.Poll.ready(null) : yieldOnce(cx)));
            assertEquals(a.localAddress(), r.poll(Context.of(w)).value());
            assertEquals(3, in.position());
            Future<SocketAddress> r2 = b.receiveFrom(ByteBuffer.allocate(8));
            assertFalse(r2.poll(Context.of(w)).isReady());
            b.close();
            UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> r2.poll(Context.of(w)));
            assertInstanceOf(ClosedChannelException.class, e.getCause());
            a.close();
        }
    }

    private static io.cortado.Poll<Void> yieldOnce(Context cx) {
        cx.waker().wake();
        return io.cortado.Poll.pending();
    }

    @Test
    void unixStreamsEchoThroughAUnixListener(@TempDir Path dir) throws Exception {
        Path sock = dir.resolve("echo.sock");
        try (AsyncRuntime rt = TcpTest.runtime("multi")) {
            UnixListener l = UnixListener.bind(rt.handle(), sock);
            assertTrue(Files.exists(sock));
            AtomicInteger accepted = new AtomicInteger();
            rt.spawn(NetSupport.echoServer(l, accepted));
            String reply = rt.blockOn(UnixStream.connect(sock).then(s -> {
                Framed<String, UnixStream> lines = Framed.of(s, new LinesCodec(100));
                return NetSupport.closing(lines.send("over a unix socket").then(v -> lines.next()), s);
            }));
            assertEquals("over a unix socket", reply);
            assertEquals(1, accepted.get());
            l.close();
        }
        Files.delete(sock); // closing a listener leaves its file, as the operating system does
    }

    @Test
    void connectingToAMissingUnixSocketFailsClearly(@TempDir Path dir) {
        try (AsyncRuntime rt = TcpTest.runtime("current")) {
            UncheckedIOException e = assertThrows(UncheckedIOException.class,
                    () -> rt.blockOn(UnixStream.connect(dir.resolve("nobody.sock"))));
            assertTrue(e.getCause().getMessage().contains("nobody.sock"), e.getCause().getMessage());
        }
    }

    @Test
    void copyBidirectionalIsAProxy() {
        try (AsyncRuntime rt = TcpTest.runtime("multi")) {
            TcpListener backend = TcpListener.bind(rt.handle(), ANY_LOOPBACK, 16);
            rt.spawn(NetSupport.echoServer(backend, new AtomicInteger()));
            TcpListener proxy = TcpListener.bind(rt.handle(), ANY_LOOPBACK, 16);
            var proxied = rt.spawn(proxy.accept().then(in -> TcpStream.connect(backend.localAddress())
                    .then(out -> NetSupport.closing(NetSupport.closing(Io.copyBidirectional(in, out), out), in))));
            String reply = rt.blockOn(TcpStream.connect(proxy.localAddress()).then(c -> {
                BufReader r = new BufReader(c);
                return NetSupport.closing(c.writeAll(ByteBuffer.wrap("through the proxy\n".getBytes()))
                        .then(v -> r.readLine()).then(line -> c.shutdown().then(v -> r.readLine()).map(end -> {
                            assertNull(end, "the backend's end reaches the client through the proxy");
                            return line;
                        })), c);
            }));
            assertEquals("through the proxy", reply);
            var copied = rt.blockOn(proxied);
            assertEquals(18L, copied.first());
            assertEquals(18L, copied.second());
            backend.close();
            proxy.close();
        }
    }

    @Test
    void sendingToABroadcastAddressNeedsSetBroadcast() {
        // Linux refuses a datagram to a broadcast address (EACCES) unless SO_BROADCAST is on; loopback's
        // 127.255.255.255 needs no network
        SocketAddress broadcast = new java.net.InetSocketAddress("127.255.255.255", 9);
        try (AsyncRuntime rt = TcpTest.runtime("current")) {
            UdpSocket a = UdpSocket.bind(rt.handle(), ANY_LOOPBACK);
            UncheckedIOException off = assertThrows(UncheckedIOException.class,
                    () -> rt.blockOn(a.sendTo(ByteBuffer.wrap(new byte[]{1}), broadcast)), "broadcast is off");
            assertTrue(off.getCause().getMessage().contains("ermission"), off.getCause().getMessage());
            a.setBroadcast(true);
            assertEquals(1, rt.blockOn(a.sendTo(ByteBuffer.wrap(new byte[]{1}), broadcast)), "broadcast is on");
            a.setBroadcast(false);
            assertThrows(UncheckedIOException.class,
                    () -> rt.blockOn(a.sendTo(ByteBuffer.wrap(new byte[]{1}), broadcast)), "off again");
            a.close();
        }
    }
}
