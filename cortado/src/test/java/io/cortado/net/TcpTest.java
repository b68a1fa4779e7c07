package io.cortado.net;

import io.cortado.AsyncRuntime;
import io.cortado.Futures;
import io.cortado.Future;
import io.cortado.JoinHandle;
import io.cortado.Task;
import io.cortado.io.BrokenPipeException;
import io.cortado.io.ConnectionResetException;
import io.cortado.testing.RuntimeTestBase;
import io.cortado.time.Sleep;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.EOFException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import static io.cortado.net.NetSupport.ANY_LOOPBACK;
import static io.cortado.net.NetSupport.echoServer;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link TcpListener} and {@link TcpStream} on loopback, on both runtime flavours. */
class TcpTest extends RuntimeTestBase {

    static AsyncRuntime runtime(String flavor) {
        return flavor.equals("current")
                ? AsyncRuntime.builder().currentThread().build()
                : AsyncRuntime.builder().multiThread().workerThreads(2).build();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Writes {@code msg} and reads back as many bytes. */
    static Future<byte[]> roundTrip(TcpStream s, byte[] msg) {
        ByteBuffer in = ByteBuffer.allocate(msg.length);
        return s.writeAll(ByteBuffer.wrap(msg)).then(v -> s.readExact(in)).map(v -> in.array());
    }

    @ParameterizedTest
    @ValueSource(strings = {"current", "multi"})
    void echoesThroughAServer(String flavor) {
        try (AsyncRuntime rt = runtime(flavor)) {
            AtomicInteger accepted = new AtomicInteger();
            TcpListener listener = TcpListener.bind(rt.handle(), ANY_LOOPBACK, 16);
            rt.spawn(echoServer(listener, accepted));
            InetSocketAddress addr = listener.localAddress();
            assertTrue(addr.getPort() > 0, "port 0 picks a free port");
            byte[] reply = rt.blockOn(TcpStream.connect(addr).then(s -> NetSupport.closing(
                    roundTrip(s, bytes("hello")).then(a -> roundTrip(s, bytes("again")).map(b -> {
                        assertArrayEquals(bytes("hello"), a);
                        return b;
                    })), s)));
            assertArrayEquals(bytes("again"), reply);
            assertEquals(1, accepted.get());
        }
    }

    @Test
    void aRefusedConnectionFailsWithConnectException() {
        try (AsyncRuntime rt = runtime("multi")) {
            // a socket bound but not listening holds the port, and the kernel refuses connections to it
            java.nio.channels.SocketChannel holder = java.nio.channels.SocketChannel.open().bind(ANY_LOOPBACK);
            InetSocketAddress addr = (InetSocketAddress) holder.getLocalAddress();
            UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> rt.blockOn(TcpStream.connect(addr)));
            assertInstanceOf(ConnectException.class, e.getCause());
            assertTrue(e.getCause().getMessage().contains(addr.toString()), e.getCause().getMessage());
            holder.close();
        } catch (java.io.IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void aConnectThatGetsNoAnswerTimesOutAndClosesItsSocket() {
        try (AsyncRuntime rt = runtime("multi")) {
            // backlog 1, never accepted: once the accept queue is full the kernel drops further SYNs
            TcpListener l = TcpListener.bind(rt.handle(), ANY_LOOPBACK, 1);
            // a loopback connect with room in the queue completes at once: a limit of a second is never reached
            Duration limit = Duration.ofSeconds(1);
            List<TcpStream> filler = new ArrayList<>();
            UncheckedIOException e = null;
            long waited = 0;
            for (int i = 0; i < 16 && e == null; i++) {
                long t0 = System.nanoTime();
                try {
                    filler.add(rt.blockOn(TcpStream.connect(l.localAddress(), limit)));
                } catch (UncheckedIOException timedOut) {
                    e = timedOut;
                    waited = System.nanoTime() - t0;
                }
            }
            assertTrue(e != null, "the accept queue never filled");
            assertInstanceOf(SocketTimeoutException.class, e.getCause());
            assertFalse(filler.isEmpty(), "connects with room in the accept queue succeed: the limit only ends "
                    + "a connect that gets no answer");
            // the timer's clock may lag the wall clock by a tick: allow a tenth
            assertTrue(waited >= limit.toNanos() * 9 / 10, "timed out after " + waited + " ns, before its limit");
            filler.forEach(TcpStream::close);
            l.close();
        }
    }

    @Test
    void aResetByThePeerIsAConnectionResetException() {
        try (AsyncRuntime rt = runtime("multi")) {
            TcpListener l = TcpListener.bind(rt.handle(), ANY_LOOPBACK, 16);
            // the server waits for a byte (so the client's connect has completed), then resets the connection
            JoinHandle<Void> server = rt.spawn(l.accept().then(s -> s.readExact(ByteBuffer.allocate(1)).map(v -> {
                s.setLinger(0); // close sends RST
                s.close();
                return null;
            })));
            TcpStream c = rt.blockOn(TcpStream.connect(l.localAddress()));
            rt.blockOn(c.writeAll(ByteBuffer.wrap(new byte[1])));
            rt.blockOn(server);
            UncheckedIOException e = assertThrows(UncheckedIOException.class,
                    () -> rt.blockOn(c.read(ByteBuffer.allocate(16))));
            assertInstanceOf(ConnectionResetException.class, e.getCause());
            assertTrue(e.getCause().getMessage().contains("connection reset"), e.getCause().getMessage());
            c.close();
            l.close();
        }
    }

    @Test
    void writingToAClosedPeerFailsWithBrokenPipeOrReset() {
        try (AsyncRuntime rt = runtime("multi")) {
            TcpListener l = TcpListener.bind(rt.handle(), ANY_LOOPBACK, 16);
            JoinHandle<Void> server = rt.spawn(l.accept().map(s -> {
                s.close();
                return null;
            }));
            TcpStream c = rt.blockOn(TcpStream.connect(l.localAddress()));
            rt.blockOn(server);
            assertEquals(-1, rt.blockOn(c.read(ByteBuffer.allocate(1))), "the peer's close reads as the end");
            ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
            UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> {
                for (int i = 0; i < 1000; i++) { // the first write is accepted locally; the peer answers with RST
                    rt.blockOn(c.writeAll(chunk.clear()));
                }
            });
            assertTrue(e.getCause() instanceof BrokenPipeException || e.getCause() instanceof ConnectionResetException,
                    "got " + e.getCause());
            c.close();
            l.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"current", "multi"})
    void halfCloseLetsThePeerAnswerAfterTheEnd(String flavor) {
        try (AsyncRuntime rt = runtime(flavor)) {
            TcpListener l = TcpListener.bind(rt.handle(), ANY_LOOPBACK, 16);
            // the server reads everything until the end, then answers with the count and closes
            rt.spawn(l.accept().then(s -> {
                ByteBuffer buf = ByteBuffer.allocate(1 << 20);
                Future<Integer> readAll = Futures.pollFn(cx -> {
                    for (; ; ) {
                        int n = s.pollRead(cx, buf);
                        if (n == io.cortado.io.AsyncRead.PENDING) {
                            return io.cortado.Poll.pending();
                        }
                        if (n < 0) {
                            return io.cortado.Poll.ready(buf.position());
                        }
                    }
                });
                return NetSupport.closing(readAll.then(n -> s.writeAll(ByteBuffer.wrap(bytes("got " + n)))), s);
            }));
            String answer = rt.blockOn(TcpStream.connect(l.localAddress()).then(c -> NetSupport.closing(
                    c.writeAll(ByteBuffer.wrap(new byte[300_000])).then(v -> c.shutdown()).then(v -> {
                        ByteBuffer in = ByteBuffer.allocate(64);
                        return c.read(in).then(n -> c.read(in).map(end -> {
                            assertEquals(-1, end, "the server closed after answering");
                            return new String(in.array(), 0, in.position(), StandardCharsets.UTF_8);
                        }));
                    }), c)));
            assertEquals("got 300000", answer);
            l.close();
        }
    }

    @Test
    void readExactFailsWithEofExceptionWhenThePeerEndsEarly() {
        try (AsyncRuntime rt = runtime("multi")) {
            TcpListener l = TcpListener.bind(rt.handle(), ANY_LOOPBACK, 16);
            rt.spawn(l.accept().then(s -> NetSupport.closing(s.writeAll(ByteBuffer.wrap(new byte[3])), s)));
            TcpStream c = rt.blockOn(TcpStream.connect(l.localAddress()));
            ByteBuffer in = ByteBuffer.allocate(8);
            UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> rt.blockOn(c.readExact(in)));
            assertInstanceOf(EOFException.class, e.getCause());
            assertEquals(3, in.position(), "the bytes that did arrive are in the buffer");
            c.close();
            l.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"current", "multi"})
    void splitHalvesCarryAMegabyteBothWaysAtOnce(String flavor) {
        try (AsyncRuntime rt = runtime(flavor)) {
            TcpListener l = TcpListener.bind(rt.handle(), ANY_LOOPBACK, 16);
            rt.spawn(echoServer(l, new AtomicInteger()));
            byte[] data = new byte[1 << 20];
            new Random(7).nextBytes(data);
            TcpStream c = rt.blockOn(TcpStream.connect(l.localAddress()));
            Halves h = c.split();
            // the writer must run concurrently with the reader: the echo would fill both socket buffers otherwise
            JoinHandle<Void> writer = rt.spawn(h.writer().writeAll(ByteBuffer.wrap(data)));
            ByteBuffer in = ByteBuffer.allocate(data.length);
            rt.blockOn(h.reader().readExact(in));
            rt.blockOn(writer);
            assertArrayEquals(data, in.array());
            h.reader().close();
            assertTrue(c.isClosed());
            l.close();
        }
    }

    @Test
    void vectoredWritesSendTheBuffersInOrder() {
        try (AsyncRuntime rt = runtime("multi")) {
            TcpListener l = TcpListener.bind(rt.handle(), ANY_LOOPBACK, 16);
            rt.spawn(echoServer(l, new AtomicInteger()));
            TcpStream c = rt.blockOn(TcpStream.connect(l.localAddress()));
            ByteBuffer in = ByteBuffer.allocate(11);
            rt.blockOn(c.writeAllVectored(ByteBuffer.wrap(bytes("hello")), ByteBuffer.wrap(bytes(" ")),
                    ByteBuffer.wrap(bytes("world"))).then(v -> c.readExact(in)));
            assertEquals("hello world", new String(in.array(), StandardCharsets.UTF_8));
            c.setNoDelay(true);
            assertTrue(c.noDelay());
            c.setKeepAlive(true);
            assertTrue(c.keepAlive());
            assertEquals(l.localAddress(), c.peerAddress());
            c.close();
            l.close();
        }
    }

    @Test
    void closingAStreamWakesAPendingReadWithAnError() {
        try (AsyncRuntime rt = runtime("multi")) {
            TcpListener l = TcpListener.bind(rt.handle(), ANY_LOOPBACK, 16);
            JoinHandle<TcpStream> server = rt.spawn(l.accept());
            TcpStream c = rt.blockOn(TcpStream.connect(l.localAddress()));
            TcpStream s = rt.blockOn(server);
            // poll the read by hand: it parks on the socket (nothing was sent), then the close wakes it with an error
            io.cortado.testing.TestWaker w = new io.cortado.testing.TestWaker();
            Future<Integer> read = s.read(ByteBuffer.allocate(8));
            assertFalse(read.poll(io.cortado.Context.of(w)).isReady());
            s.close();
            assertEquals(1, w.wakes(), "close wakes the waiting reader");
            UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> read.poll(io.cortado.Context.of(w)));
            assertInstanceOf(ClosedChannelException.class, e.getCause());
            c.close();
            l.close();
        }
    }

    @Test
    void aCancelledAcceptLosesNoConnection() throws java.io.IOException {
        try (AsyncRuntime rt = runtime("multi")) {
            TcpListener l = TcpListener.bind(rt.handle(), ANY_LOOPBACK, 16);
            // an accept waits, a client connects and wakes it, and it is cancelled before it could take the
            // connection (a select's loser): the connection stays in the backlog for the next accept
            Future<TcpStream> loser = l.accept();
            io.cortado.testing.TestWaker w = new io.cortado.testing.TestWaker();
            assertFalse(loser.poll(w.context()).isReady(), "nobody connected yet");
            try (java.nio.channels.SocketChannel client = java.nio.channels.SocketChannel.open(l.localAddress())) {
                awaitCondition(() -> w.wakes() > 0, "the connection wakes the waiting accept");
                loser.cancel();
                TcpStream s = rt.blockOn(io.cortado.time.Timeout.timeout(rt.handle().clock(), Duration.ofSeconds(10),
                        l.accept()));
                assertEquals(client.getLocalAddress(), s.peerAddress(), "the next accept gets that connection");
                s.close();
            }
            // the same through select: the accept loses to a timer that is already due
            var first = rt.blockOn(Futures.select(l.accept(), Sleep.sleep(rt.handle().clock(), Duration.ZERO)));
            assertTrue(first.isRight(), "nobody connected: the timer wins");
            TcpStream c = rt.blockOn(TcpStream.connect(l.localAddress()));
            TcpStream s = rt.blockOn(l.accept());
            assertEquals(c.localAddress(), s.peerAddress());
            s.close();
            c.close();
            l.close();
        }
    }

    @Test
    void shuttingDownTheRuntimeClosesItsSocketsAndFailsPendingOperations() {
        AsyncRuntime rt = runtime("multi");
        TcpListener l = TcpListener.bind(rt.handle(), ANY_LOOPBACK, 16);
        JoinHandle<TcpStream> pendingAccept = rt.spawn(l.accept());
        rt.close();
        assertTrue(l.isClosed());
        assertThrows(io.cortado.JoinException.class, () -> pendingAccept.poll(io.cortado.Context.of(io.cortado.Waker.noop()))
                .value());
        UncheckedIOException e = assertThrows(UncheckedIOException.class,
                () -> TcpListener.bind(rt.handle(), ANY_LOOPBACK, 16));
        assertTrue(e.getMessage().contains("shut down"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"current", "multi"})
    void aThousandConcurrentConnectionsAllGetTheirEcho(String flavor) {
        int connections = 1000;
        try (AsyncRuntime rt = runtime(flavor)) {
            AtomicInteger accepted = new AtomicInteger();
            TcpListener l = TcpListener.bind(rt.handle(), ANY_LOOPBACK, 1024);
            rt.spawn(echoServer(l, accepted));
            List<JoinHandle<Boolean>> clients = new ArrayList<>();
            for (int i = 0; i < connections; i++) {
                byte[] msg = bytes("client " + i + " says hello");
                clients.add(rt.spawn(TcpStream.connect(l.localAddress()).then(s -> NetSupport.closing(
                        roundTrip(s, msg).then(a -> roundTrip(s, msg)).then(b -> roundTrip(s, msg))
                                .map(c -> Arrays.equals(msg, c)), s))));
            }
            int ok = 0;
            for (JoinHandle<Boolean> c : clients) {
                ok += rt.blockOn(c) ? 1 : 0;
            }
            assertEquals(connections, ok);
            assertEquals(connections, accepted.get());
            l.close();
        }
    }

    @Test
    void aStalledPeerBlocksOnlyItsOwnWriterAndOthersAreStillServed() {
        try (AsyncRuntime rt = runtime("multi")) {
            TcpListener l = TcpListener.bind(rt.handle(), ANY_LOOPBACK, 16);
            rt.spawn(echoServer(l, new AtomicInteger()));
            // a client that writes and never reads: the echo fills both socket buffers and its writer waits
            TcpStream stalled = rt.blockOn(TcpStream.connect(l.localAddress()));
            ByteBuffer big = ByteBuffer.allocate(64 << 20);
            java.util.concurrent.atomic.AtomicLong written = new java.util.concurrent.atomic.AtomicLong();
            AtomicInteger waits = new AtomicInteger();
            JoinHandle<Void> writer = rt.spawn(cx -> {
                while (big.hasRemaining()) {
                    int n = stalled.pollWrite(cx, big);
                    if (n == io.cortado.io.AsyncRead.PENDING) {
                        waits.incrementAndGet();
                        return io.cortado.Poll.pending();
                    }
                    written.addAndGet(n);
                }
                return io.cortado.Poll.ready(null);
            });
            awaitCondition(() -> waits.get() > 0, "the writer waits: the peer's buffers are full");
            assertTrue(written.get() > 0 && written.get() < big.capacity(), "written before stalling: " + written);
            // while that writer waits, another client is served
            byte[] reply = rt.blockOn(TcpStream.connect(l.localAddress()).then(s -> NetSupport.closing(
                    roundTrip(s, bytes("still here")), s)));
            assertArrayEquals(bytes("still here"), reply);
            assertFalse(writer.isFinished(), "the stalled writer still waits");
            writer.abort();
            assertThrows(io.cortado.JoinException.class, () -> rt.blockOn(writer));
            stalled.close();
            l.close();
        }
    }

    @Test
    void startingAndStoppingAServerAHundredTimesLeaksNothing() {
        for (int i = 0; i < 100; i++) {
            try (AsyncRuntime rt = runtime(i % 2 == 0 ? "multi" : "current")) {
                TcpListener l = TcpListener.bind(rt.handle(), ANY_LOOPBACK, 16);
                rt.spawn(echoServer(l, new AtomicInteger()));
                byte[] reply = rt.blockOn(TcpStream.connect(l.localAddress()).then(s -> roundTrip(s, bytes("x" + 1))));
                assertArrayEquals(bytes("x1"), reply);
                // the client stream is left open on purpose: shutdown closes every socket of the runtime
            }
        }
        // RuntimeTestBase checks that no descriptor and no thread is left
    }

    @Test
    void bindingWithoutARuntimeSaysHowToGetOne() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> TcpListener.bind(ANY_LOOPBACK));
        assertTrue(e.getMessage().contains("AsyncRuntime"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> {
            try (AsyncRuntime rt = runtime("current")) {
                TcpListener.bind(rt.handle(), ANY_LOOPBACK, 0);
            }
        });
    }

    @Test
    void taskSpawnedAcceptLoopOnTheAmbientRuntime() {
        try (AsyncRuntime rt = runtime("multi")) {
            byte[] reply = rt.blockOn(Futures.lazy(() -> TcpListener.bind(ANY_LOOPBACK)).then(l -> {
                Task.spawn(echoServer(l, new AtomicInteger()));
                return TcpStream.connect(l.localAddress()).then(s -> NetSupport.closing(roundTrip(s, bytes("ambient")), s));
            }));
            assertArrayEquals(bytes("ambient"), reply);
        }
    }

    @Test
    void connectByHostNameResolvesOnTheBlockingPoolAndTriesEachAddress() {
        try (AsyncRuntime rt = runtime("multi")) {
            TcpListener l = TcpListener.bind(rt.handle(), ANY_LOOPBACK);
            rt.spawn(echoServer(l, new AtomicInteger()));
            byte[] reply = rt.blockOn(Futures.lazy(() -> 0).then(v -> TcpStream.connect("localhost",
                    l.localAddress().getPort())).then(s -> NetSupport.closing(roundTrip(s, bytes("by name")), s)));
            assertArrayEquals(bytes("by name"), reply);
            byte[] unresolved = rt.blockOn(Futures.lazy(() -> 0).then(v -> TcpStream.connect(
                    java.net.InetSocketAddress.createUnresolved("localhost", l.localAddress().getPort())))
                    .then(s -> NetSupport.closing(roundTrip(s, bytes("unresolved")), s)));
            assertArrayEquals(bytes("unresolved"), unresolved, "an unresolved address is looked up, not refused");
            UncheckedIOException e = assertThrows(UncheckedIOException.class,
                    () -> rt.blockOn(TcpStream.connect("no-such-host.invalid", 80)));
            assertInstanceOf(java.net.UnknownHostException.class, e.getCause());
            assertThrows(IllegalArgumentException.class, () -> TcpStream.connect("localhost", 70000));
            l.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"current", "multi"})
    void aClosedListenerRefusesConnectionsAtOnce(String flavor) {
        try (AsyncRuntime rt = runtime(flavor)) {
            for (int i = 0; i < 20; i++) {
                TcpListener l = TcpListener.bind(rt.handle(), ANY_LOOPBACK);
                rt.spawn(l.accept()); // a task waits in accept, so the runtime's driver selects on the listener
                rt.blockOn(TcpStream.connect(l.localAddress()).map(s -> {
                    s.close();
                    return null;
                }));
                l.close();
                UncheckedIOException e = assertThrows(UncheckedIOException.class,
                        () -> rt.blockOn(TcpStream.connect(l.localAddress())), "round " + i);
                assertInstanceOf(ConnectException.class, e.getCause());
            }
        }
    }
}
