package io.cortado.fs;

import io.cortado.AsyncRuntime;
import io.cortado.Future;
import io.cortado.Futures;
import io.cortado.Poll;
import io.cortado.io.AsyncRead;
import io.cortado.testing.RuntimeTestBase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link AsyncFile}: its buffering rules, positions, lengths, errors and cancellation, on real runtimes. */
class AsyncFileTest extends RuntimeTestBase {

    @TempDir
    Path tmp;

    private static AsyncRuntime multi() {
        return AsyncRuntime.builder().multiThread().workerThreads(2).build();
    }

    /** Reads {@code r} to its end with reads of random sizes up to {@code maxChunk}. */
    static Future<byte[]> readToEnd(AsyncRead r, int maxChunk, Random rnd) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer buf = ByteBuffer.allocate(maxChunk);
        return Futures.pollFn(cx -> {
            for (; ; ) {
                buf.clear().limit(1 + rnd.nextInt(maxChunk));
                int n = r.pollRead(cx, buf);
                if (n == AsyncRead.PENDING) {
                    return Poll.pending();
                }
                if (n == AsyncRead.EOF) {
                    return Poll.ready(out.toByteArray());
                }
                out.write(buf.array(), 0, n);
            }
        });
    }

    /** Writes {@code data} to {@code f} in pieces of random sizes up to {@code maxPiece}, then flushes. */
    static Future<Void> writeInPieces(AsyncFile f, byte[] data, int maxPiece, Random rnd) {
        ByteBuffer src = ByteBuffer.wrap(data).limit(0);
        return Futures.<Void>pollFn(cx -> {
            for (; ; ) {
                if (!src.hasRemaining()) {
                    if (src.limit() == data.length) {
                        return Poll.ready(null);
                    }
                    src.limit(Math.min(data.length, src.limit() + 1 + rnd.nextInt(maxPiece)));
                }
                if (f.pollWrite(cx, src) == AsyncRead.PENDING) {
                    return Poll.pending();
                }
            }
        }).then(v -> f.flush());
    }

    private static Throwable ioCause(AsyncRuntime rt, Future<?> f) {
        return assertThrows(UncheckedIOException.class, () -> rt.blockOn(f)).getCause();
    }

    @Test
    void largeWritesAndReadsInPiecesOnBothRuntimeFlavours() throws Exception {
        byte[] data = new byte[5 * 1024 * 1024 + 3];
        new Random(7).nextBytes(data);
        for (AsyncRuntime rt : List.of(multi(), AsyncRuntime.builder().currentThread().build())) {
            try (rt) {
                Random rnd = new Random(42);
                Path p = tmp.resolve(rt.handle().flavor());
                AsyncFile w = rt.blockOn(AsyncFile.create(p));
                rt.blockOn(writeInPieces(w, data, 300_000, rnd));
                assertEquals((long) data.length, rt.blockOn(w.position()));
                rt.blockOn(w.close());
                assertArrayEquals(data, Files.readAllBytes(p));

                AsyncFile r = rt.blockOn(AsyncFile.open(p));
                assertArrayEquals(data, rt.blockOn(readToEnd(r, 100_000, rnd)));
                assertEquals(AsyncRead.EOF, (int) rt.blockOn(r.read(ByteBuffer.allocate(1))), "EOF again");
                rt.blockOn(r.close());

                AsyncFile big = rt.blockOn(AsyncFile.open(p)); // one write of everything: chunks of MAX_BUF
                rt.blockOn(big.seek(0));
                rt.blockOn(big.close());
                AsyncFile whole = rt.blockOn(AsyncFile.create(p));
                rt.blockOn(whole.writeAll(ByteBuffer.wrap(data)).then(v -> whole.flush()).then(v -> whole.close()));
                assertArrayEquals(data, Files.readAllBytes(p));
            }
        }
    }

    @Test
    void readAheadIsInvisibleToPositionSeekAndWrite() throws Exception {
        byte[] pattern = new byte[20_000];
        for (int i = 0; i < pattern.length; i++) {
            pattern[i] = (byte) (i % 251);
        }
        Path p = Files.write(tmp.resolve("p"), pattern);
        try (AsyncRuntime rt = multi()) {
            AsyncFile f = rt.blockOn(AsyncFile.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE));
            ByteBuffer ten = ByteBuffer.allocate(10);
            rt.blockOn(f.readExact(ten));
            assertArrayEquals(Arrays.copyOfRange(pattern, 0, 10), ten.array());
            assertEquals(10L, rt.blockOn(f.position()), "the 8 KiB read ahead does not move the position");

            rt.blockOn(f.writeAll(ByteBuffer.wrap("XYZ".getBytes(StandardCharsets.US_ASCII))).then(v -> f.flush()));
            assertEquals(13L, rt.blockOn(f.position()));
            ByteBuffer next = ByteBuffer.allocate(4);
            rt.blockOn(f.readExact(next));
            assertArrayEquals(Arrays.copyOfRange(pattern, 13, 17), next.array());

            assertEquals(15_000L, rt.blockOn(f.seek(15_000)));
            ByteBuffer at = ByteBuffer.allocate(4);
            rt.blockOn(f.readExact(at));
            assertArrayEquals(Arrays.copyOfRange(pattern, 15_000, 15_004), at.array());
            assertEquals(15_004L, rt.blockOn(f.position()));
            assertEquals((long) pattern.length, rt.blockOn(f.size()));

            rt.blockOn(f.seek(30_000));
            assertEquals(AsyncRead.EOF, (int) rt.blockOn(f.read(ByteBuffer.allocate(8))));
            rt.blockOn(f.close());

            byte[] expected = pattern.clone();
            expected[10] = 'X';
            expected[11] = 'Y';
            expected[12] = 'Z';
            assertArrayEquals(expected, Files.readAllBytes(p));
        }
    }

    @Test
    void sizeSetLengthSyncAndAppend() throws Exception {
        Path p = tmp.resolve("len");
        try (AsyncRuntime rt = multi()) {
            AsyncFile f = rt.blockOn(AsyncFile.create(p));
            rt.blockOn(f.writeAll(ByteBuffer.wrap(new byte[100])));
            assertEquals(100L, rt.blockOn(f.size()), "size waits for the write in flight");
            rt.blockOn(f.setLength(10));
            assertEquals(10L, rt.blockOn(f.size()));
            assertEquals(10L, rt.blockOn(f.position()), "a position beyond the new end moves to the end");
            rt.blockOn(f.setLength(5000));
            assertEquals(5000L, rt.blockOn(f.size()));
            assertEquals(10L, rt.blockOn(f.position()), "extending leaves the position");
            rt.blockOn(f.writeAll(ByteBuffer.wrap(new byte[]{1, 2})));
            rt.blockOn(f.sync());
            rt.blockOn(f.syncData());
            rt.blockOn(f.close());
            byte[] all = Files.readAllBytes(p);
            assertEquals(5000, all.length);
            assertEquals(1, all[10]);
            assertEquals(2, all[11]);
            for (int i = 12; i < all.length; i++) {
                assertEquals(0, all[i]);
            }

            Path log = Files.writeString(tmp.resolve("log"), "one\n");
            AsyncFile a = rt.blockOn(AsyncFile.open(log, StandardOpenOption.APPEND));
            rt.blockOn(a.writeAll(ByteBuffer.wrap("two\n".getBytes(StandardCharsets.US_ASCII))));
            rt.blockOn(a.setLength(12));
            rt.blockOn(a.writeAll(ByteBuffer.wrap("three".getBytes(StandardCharsets.US_ASCII))));
            rt.blockOn(a.close());
            assertEquals("one\ntwo\n\0\0\0\0three", Files.readString(log));
        }
    }

    @Test
    void aFailedWriteIsReportedByTheNextFlush() throws Exception {
        Path p = Files.writeString(tmp.resolve("ro"), "read only");
        try (AsyncRuntime rt = multi()) {
            AsyncFile f = rt.blockOn(AsyncFile.open(p));
            assertEquals(3, (int) rt.blockOn(f.write(ByteBuffer.wrap(new byte[3]))), "write-behind: accepted");
            Throwable c = ioCause(rt, f.flush());
            assertTrue(c.getMessage().contains("not open for writing"), c.getMessage());
            rt.blockOn(f.flush()); // reported once
            rt.blockOn(f.close());
            assertEquals("read only", Files.readString(p));

            AsyncFile g = rt.blockOn(AsyncFile.open(p));
            rt.blockOn(g.write(ByteBuffer.wrap(new byte[3])));
            assertTrue(ioCause(rt, g.close()).getMessage().contains("not open for writing"),
                    "close reports it too, after closing");
            assertInstanceOf(ClosedChannelException.class, ioCause(rt, g.size()));
        }
    }

    @Test
    void aClosedFileFailsEveryOperation() throws Exception {
        Path p = Files.writeString(tmp.resolve("c"), "abc");
        try (AsyncRuntime rt = multi()) {
            AsyncFile f = rt.blockOn(AsyncFile.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE));
            rt.blockOn(f.close());
            rt.blockOn(f.close()); // idempotent
            assertInstanceOf(ClosedChannelException.class, ioCause(rt, f.read(ByteBuffer.allocate(1))));
            assertInstanceOf(ClosedChannelException.class, ioCause(rt, f.write(ByteBuffer.allocate(1))));
            assertInstanceOf(ClosedChannelException.class, ioCause(rt, f.flush()));
            assertInstanceOf(ClosedChannelException.class, ioCause(rt, f.seek(1)));
            assertInstanceOf(ClosedChannelException.class, ioCause(rt, f.position()));
            assertInstanceOf(ClosedChannelException.class, ioCause(rt, f.size()));
            assertInstanceOf(ClosedChannelException.class, ioCause(rt, f.sync()));
            assertInstanceOf(ClosedChannelException.class, ioCause(rt, f.setLength(0)));
            assertEquals(p, f.path());
        }
    }

    @Test
    void badArgumentsFailAtTheCall() throws Exception {
        Path p = Files.writeString(tmp.resolve("a"), "abc");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AsyncFile.open(p, StandardOpenOption.APPEND, StandardOpenOption.READ));
        assertTrue(e.getMessage().startsWith("options : "), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> AsyncFile.open(p, StandardOpenOption.APPEND, StandardOpenOption.TRUNCATE_EXISTING));
        assertThrows(NullPointerException.class, () -> AsyncFile.open(null));
        assertThrows(NullPointerException.class, () -> AsyncFile.open(p, (StandardOpenOption) null));
        try (AsyncRuntime rt = multi()) {
            assertInstanceOf(NoSuchFileException.class, ioCause(rt, AsyncFile.open(tmp.resolve("missing"))));
            AsyncFile f = rt.blockOn(AsyncFile.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE));
            e = assertThrows(IllegalArgumentException.class, () -> f.seek(-1));
            assertEquals("position : -1 (expected: >= 0)", e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> f.setLength(-5));
            assertEquals("length : -5 (expected: >= 0)", e.getMessage());
            assertThrows(NullPointerException.class, () -> f.read(null));
            assertEquals(0, (int) rt.blockOn(f.read(ByteBuffer.allocate(0))));
            assertEquals(0, (int) rt.blockOn(f.write(ByteBuffer.allocate(0))));
            rt.blockOn(f.close());
        }
    }

    @Test
    void aCancelledReadLosesNoByte() throws Exception {
        byte[] data = new byte[50_000];
        new Random(3).nextBytes(data);
        Path p = Files.write(tmp.resolve("r"), data);
        try (AsyncRuntime rt = multi()) {
            AsyncFile f = rt.blockOn(AsyncFile.open(p));
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            for (int i = 0; i < 20; i++) {
                // poll a read once, and abandon it if it is pending (its blocking read keeps going)
                ByteBuffer dst = ByteBuffer.allocate(1000);
                Future<Integer> read = f.read(dst);
                Poll<Integer> first = rt.blockOn(Futures.pollFn(cx -> Poll.ready(read.poll(cx))));
                if (first.isReady()) {
                    got.write(dst.array(), 0, first.value());
                } else {
                    read.cancel();
                }
            }
            got.write(rt.blockOn(readToEnd(f, 7000, new Random(1))));
            assertArrayEquals(data, got.toByteArray(), "no byte lost or repeated");
            rt.blockOn(f.close());
        }
    }

    @Test
    void aCancelledOpenLeavesNothingOpen() throws Exception {
        Path p = Files.writeString(tmp.resolve("o"), "x");
        try (AsyncRuntime rt = AsyncRuntime.builder().multiThread().workerThreads(1).maxBlockingThreads(1).build()) {
            // cancelled while queued: it never runs
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch occupied = new CountDownLatch(1);
            var blocker = rt.handle().spawnBlocking(() -> {
                occupied.countDown();
                release.await();
                return null;
            });
            occupied.await();
            Future<AsyncFile> queued = AsyncFile.open(p);
            rt.blockOn(Futures.pollFn(cx -> Poll.ready(queued.poll(cx))));
            queued.cancel();
            release.countDown();
            rt.blockOn(blocker);

            // cancelled while the blocking open runs: opening a FIFO blocks until a writer opens it too
            Path fifo = tmp.resolve("fifo");
            assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
            Future<AsyncFile> running = AsyncFile.open(fifo);
            assertFalse(rt.blockOn(Futures.pollFn(cx -> Poll.ready(running.poll(cx)))).isReady());
            awaitCondition(() -> blockingThreadIn("open0"), "the blocking open is running");
            running.cancel();
            // Opening the write end completes the blocking open; the pool must then close the orphaned channel
            // (at once, so writing here could even fail with a broken pipe).
            new FileOutputStream(fifo.toFile()).close();
        }
        // RuntimeTestBase fails the test if the FIFO's channel was left open
    }

    /** @return whether a Cortado thread is inside a method named {@code method} */
    static boolean blockingThreadIn(String method) {
        for (var e : Thread.getAllStackTraces().entrySet()) {
            if (e.getKey().getName().startsWith("cortado")) {
                for (StackTraceElement f : e.getValue()) {
                    if (f.getMethodName().equals(method)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    @Test
    void theOperationsOfAFileRunOnTheRuntimeThatOpenedIt() throws IOException {
        Path p = Files.writeString(tmp.resolve("h"), "hello");
        AsyncFile f;
        try (AsyncRuntime a = multi()) {
            f = a.blockOn(AsyncFile.open(p));
            ByteBuffer dst = ByteBuffer.allocate(5);
            // polled by hand, outside any runtime: the blocking read still has a pool to run on
            CountDownLatch woken = new CountDownLatch(1);
            io.cortado.Context cx = io.cortado.Context.of(woken::countDown);
            int n = f.pollRead(cx, dst);
            if (n == AsyncRead.PENDING) {
                try {
                    woken.await();
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
                n = f.pollRead(cx, dst);
            }
            assertEquals(5, n);
            assertEquals("hello", new String(dst.array(), StandardCharsets.US_ASCII));
            a.blockOn(f.close());
        }
    }
}
