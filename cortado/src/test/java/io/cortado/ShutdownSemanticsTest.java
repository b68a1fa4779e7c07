package io.cortado;

import io.cortado.fs.AsyncFile;
import io.cortado.net.TcpListener;
import io.cortado.net.TcpStream;
import io.cortado.net.UdpSocket;
import io.cortado.sync.Mpsc;
import io.cortado.testing.Probe;
import io.cortado.testing.RuntimeTestBase;
import io.cortado.testing.TestWaker;
import io.cortado.time.Sleep;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What each runtime-bound future does when its runtime closes (ARCHITECTURE.md, "When a runtime closes"): it
 * completes with an error, or its waiter is woken and the next poll fails; nothing hangs. Each future is polled
 * by hand from the test thread, outside the runtime, as another runtime or a plain thread would.
 */
class ShutdownSemanticsTest extends RuntimeTestBase {

    private static AsyncRuntime runtime() {
        return AsyncRuntime.builder().multiThread().workerThreads(2).threadNamePrefix("closing").build();
    }

    private static <T> Poll<T> poll(Future<T> f, TestWaker w) {
        return f.poll(w.context());
    }

    @Test
    void aTaskAwaitedFromOutsideCompletesCancelled() {
        AsyncRuntime rt = runtime();
        Probe<Integer> forever = new Probe<>();
        JoinHandle<Integer> h = rt.spawn(forever);
        awaitCondition(() -> forever.polls() > 0, "the task runs");
        TestWaker w = new TestWaker();
        assertFalse(poll(h, w).isReady());
        rt.close();
        assertEquals(1, forever.cancels(), "the task's future is cancelled");
        assertTrue(w.wakes() >= 1, "the joiner is woken");
        JoinException e = assertThrows(JoinException.class, () -> poll(h, w));
        assertTrue(e.isCancelled());
    }

    @Test
    void spawnAndBlockOnAfterTheCloseFailAtOnce() {
        AsyncRuntime rt = runtime();
        rt.close();
        Probe<Integer> late = new Probe<>();
        JoinHandle<Integer> h = rt.spawn(late);
        assertTrue(assertThrows(JoinException.class, () -> poll(h, new TestWaker())).isCancelled());
        assertEquals(0, late.polls(), "never polled");
        assertEquals(1, late.cancels(), "cancelled at once");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> rt.blockOn(Futures.ready(1)));
        assertTrue(e.getMessage().contains("shut down"), e.getMessage());
    }

    @Test
    void blockingWorkThatNeverStartedIsCancelledAndRunningWorkFinishes() throws Exception {
        AsyncRuntime rt = AsyncRuntime.builder().multiThread().workerThreads(1).maxBlockingThreads(1).build();
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        JoinHandle<String> running = rt.handle().spawnBlocking(() -> {
            started.countDown();
            release.await();
            return "finished";
        });
        assertTrue(started.await(10, TimeUnit.SECONDS));
        JoinHandle<String> queued = rt.handle().spawnBlocking(() -> "never");
        Thread closer = Thread.ofPlatform().start(rt::close); // waits for the running work
        awaitCondition(() -> {
            try {
                return poll(queued, new TestWaker()).isReady();
            } catch (JoinException done) {
                return true;
            }
        }, "queued work cancelled at the close");
        assertTrue(assertThrows(JoinException.class, () -> poll(queued, new TestWaker())).isCancelled());
        release.countDown();
        closer.join();
        assertEquals("finished", poll(running, new TestWaker()).value(), "running work cannot be interrupted");
    }

    @Test
    void aPendingSocketOperationIsWokenAndFails() throws Exception {
        AsyncRuntime rt = runtime();
        InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        TcpListener listener = TcpListener.bind(rt.handle(), any);
        TestWaker wa = new TestWaker();
        Future<TcpStream> accept = listener.accept();
        assertFalse(poll(accept, wa).isReady());
        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), listener.localAddress().getPort())) {
            TcpStream server = rt.blockOn(accept);
            Future<TcpStream> nextAccept = listener.accept();
            Future<Integer> read = server.read(ByteBuffer.allocate(16));
            UdpSocket udp = UdpSocket.bind(rt.handle(), any);
            Future<Integer> receive = udp.receive(ByteBuffer.allocate(16));
            TestWaker wr = new TestWaker();
            TestWaker wn = new TestWaker();
            TestWaker wu = new TestWaker();
            assertFalse(poll(read, wr).isReady());
            assertFalse(poll(nextAccept, wn).isReady());
            assertFalse(poll(receive, wu).isReady());
            rt.close();
            for (var c : java.util.List.of(java.util.Map.entry(read, wr), java.util.Map.entry(nextAccept, wn),
                    java.util.Map.entry(receive, wu))) {
                assertTrue(c.getValue().wakes() >= 1, "woken by the close: " + c.getKey());
                UncheckedIOException e = assertThrows(UncheckedIOException.class,
                        () -> poll(c.getKey(), c.getValue()));
                assertTrue(String.valueOf(e.getCause().getMessage()).contains("shut down"), e.toString());
            }
            assertEquals(-1, client.getInputStream().read(), "the runtime's sockets are closed");
        }
    }

    @Test
    void aFileOfAClosedRuntimeFailsInsteadOfHanging(@TempDir Path dir) throws Exception {
        Path p = dir.resolve("f");
        Files.writeString(p, "data");
        AsyncRuntime rt = runtime();
        AsyncFile file = rt.blockOn(AsyncFile.open(p));
        rt.close();
        TestWaker w = new TestWaker();
        Future<Long> size = file.size();
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> poll(size, w),
                "the blocking pool of a closed runtime takes no work");
        assertTrue(e.getMessage().contains("runtime shut down"), e.getMessage());
        assertTrue(poll(file.close(), w).isReady(), "a file of a closed runtime can still be closed");
    }

    @Test
    void timersFailAndChannelsAreNotBoundToARuntime() {
        AsyncRuntime rt = runtime();
        Sleep sleep = Sleep.sleep(rt.handle().clock(), Duration.ofHours(1));
        TestWaker ws = new TestWaker();
        assertFalse(poll(sleep, ws).isReady());
        Mpsc.UnboundedChannel<String> ch = Mpsc.unbounded();
        TestWaker wr = new TestWaker();
        assertFalse(poll(ch.receiver().recv(), wr).isReady());
        rt.close();
        assertEquals(1, ws.wakes());
        assertThrows(IllegalStateException.class, () -> poll(sleep, ws), "a timer of a closed runtime fails");
        ch.sender().send("after the close");
        assertEquals("after the close", poll(ch.receiver().recv(), wr).value(),
                "a channel belongs to no runtime: it works on");
    }
}
