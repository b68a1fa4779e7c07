package io.cortado.fs;

import io.cortado.AsyncRuntime;
import io.cortado.Future;
import io.cortado.Futures;
import io.cortado.Poll;
import io.cortado.stream.Stream;
import io.cortado.testing.RuntimeTestBase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link Fs}: every operation end to end on a real runtime, its failures, laziness, cancellation and readDir. */
class FsTest extends RuntimeTestBase {

    @TempDir
    Path tmp;

    private static AsyncRuntime multi() {
        return AsyncRuntime.builder().multiThread().workerThreads(2).build();
    }

    /** @return the JDK exception a failed filesystem future carries */
    private static Throwable ioCause(AsyncRuntime rt, Future<?> f) {
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> rt.blockOn(f));
        return e.getCause();
    }

    @Test
    void wholeFilesRoundTripOnBothRuntimeFlavours() throws Exception {
        byte[] big = new byte[3 * 1024 * 1024 + 17];
        new Random(1).nextBytes(big);
        for (AsyncRuntime rt : List.of(multi(), AsyncRuntime.builder().currentThread().build())) {
            try (rt) {
                Path bin = tmp.resolve("big-" + rt.handle().flavor());
                Path txt = tmp.resolve("text-" + rt.handle().flavor());
                rt.blockOn(Fs.write(bin, big));
                assertArrayEquals(big, Files.readAllBytes(bin));
                assertArrayEquals(big, rt.blockOn(Fs.readAllBytes(bin)));
                rt.blockOn(Fs.writeString(txt, "héllo\n"));
                rt.blockOn(Fs.writeString(txt, "wörld", StandardOpenOption.APPEND));
                assertEquals("héllo\nwörld", rt.blockOn(Fs.readString(txt)));
                assertEquals("héllo\nwörld", new String(Files.readAllBytes(txt), StandardCharsets.UTF_8));
                assertEquals("h\u00c3\u00a9llo\nw\u00c3\u00b6rld", rt.blockOn(Fs.readString(txt,
                        StandardCharsets.ISO_8859_1)));
            }
        }
    }

    @Test
    void writeCopiesItsArrayWhenCalled() {
        try (AsyncRuntime rt = multi()) {
            byte[] data = {1, 2, 3};
            Future<Void> w = Fs.write(tmp.resolve("f"), data);
            data[0] = 9;
            rt.blockOn(w);
            assertArrayEquals(new byte[]{1, 2, 3}, rt.blockOn(Fs.readAllBytes(tmp.resolve("f"))));
        }
    }

    @Test
    void directoriesMetadataRenameCopyAndRemove() throws Exception {
        try (AsyncRuntime rt = multi()) {
            Path d = tmp.resolve("d");
            rt.blockOn(Fs.createDirectory(d));
            assertTrue(Files.isDirectory(d));
            Path deep = tmp.resolve("a/b/c");
            rt.blockOn(Fs.createDirectories(deep));
            rt.blockOn(Fs.createDirectories(deep)); // already there: fine
            assertTrue(Files.isDirectory(deep));

            Path f = d.resolve("f.txt");
            rt.blockOn(Fs.writeString(f, "12345"));
            BasicFileAttributes a = rt.blockOn(Fs.metadata(f));
            assertEquals(5, a.size());
            assertTrue(a.isRegularFile());
            assertTrue(rt.blockOn(Fs.metadata(d)).isDirectory());
            assertTrue(rt.blockOn(Fs.exists(f)));
            assertFalse(rt.blockOn(Fs.exists(d.resolve("nope"))));

            Path g = d.resolve("g.txt");
            rt.blockOn(Fs.rename(f, g));
            assertFalse(Files.exists(f));
            assertEquals("12345", Files.readString(g));
            rt.blockOn(Fs.writeString(f, "other"));
            rt.blockOn(Fs.rename(f, g)); // replaces, as rename(2) does
            assertEquals("other", Files.readString(g));

            Path h = tmp.resolve("h.txt");
            assertEquals(5L, rt.blockOn(Fs.copy(g, h)));
            assertEquals("other", Files.readString(h));
            assertInstanceOf(FileAlreadyExistsException.class, ioCause(rt, Fs.copy(g, h)));
            rt.blockOn(Fs.writeString(g, "newer!"));
            assertEquals(6L, rt.blockOn(Fs.copy(g, h, StandardCopyOption.REPLACE_EXISTING)));

            assertInstanceOf(DirectoryNotEmptyException.class, ioCause(rt, Fs.removeDirectory(d)));
            assertInstanceOf(FileSystemException.class, ioCause(rt, Fs.removeFile(d)));
            assertInstanceOf(NotDirectoryException.class, ioCause(rt, Fs.removeDirectory(g)));
            assertTrue(Files.exists(g), "removeDirectory never removes a file");
            rt.blockOn(Fs.removeFile(g));
            assertFalse(Files.exists(g));
            rt.blockOn(Fs.removeDirectory(d));
            assertFalse(Files.exists(d));

            Files.writeString(deep.resolve("x"), "x");
            Files.createSymbolicLink(tmp.resolve("a/b/link"), h);
            rt.blockOn(Fs.removeDirectoryAll(tmp.resolve("a")));
            assertFalse(Files.exists(tmp.resolve("a")));
            assertTrue(Files.exists(h), "links are removed, not followed");
        }
    }

    @Test
    void failuresCarryTheJdksException() {
        try (AsyncRuntime rt = multi()) {
            Path missing = tmp.resolve("missing");
            Throwable c = ioCause(rt, Fs.readAllBytes(missing));
            assertInstanceOf(NoSuchFileException.class, c);
            assertEquals(missing.toString(), c.getMessage());
            assertInstanceOf(NoSuchFileException.class, ioCause(rt, Fs.readString(missing)));
            assertInstanceOf(NoSuchFileException.class, ioCause(rt, Fs.metadata(missing)));
            assertInstanceOf(NoSuchFileException.class, ioCause(rt, Fs.removeFile(missing)));
            assertInstanceOf(NoSuchFileException.class, ioCause(rt, Fs.removeDirectoryAll(missing)));
            assertInstanceOf(NoSuchFileException.class, ioCause(rt, Fs.rename(missing, tmp.resolve("x"))));
            assertInstanceOf(NoSuchFileException.class, ioCause(rt, Fs.copy(missing, tmp.resolve("x"))));
            assertInstanceOf(NoSuchFileException.class, ioCause(rt, Fs.createDirectory(missing.resolve("sub"))));
            assertInstanceOf(NoSuchFileException.class, ioCause(rt, Fs.write(missing.resolve("sub"), new byte[1])));
            assertInstanceOf(FileAlreadyExistsException.class, ioCause(rt, Fs.createDirectory(tmp)));
            assertInstanceOf(FileAlreadyExistsException.class,
                    ioCause(rt, Fs.writeString(tmp.resolve("n"), "", StandardOpenOption.CREATE_NEW,
                            StandardOpenOption.WRITE).then(v -> Fs.writeString(tmp.resolve("n"), "",
                            StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE))));
        }
    }

    @Test
    void badArgumentsFailAtTheCallAndNoRuntimeFailsAtThePoll() {
        assertThrows(NullPointerException.class, () -> Fs.readAllBytes(null));
        assertThrows(NullPointerException.class, () -> Fs.write(tmp, null));
        assertThrows(NullPointerException.class, () -> Fs.writeString(tmp, "x", (StandardOpenOption) null));
        assertThrows(NullPointerException.class, () -> Fs.rename(tmp, null));
        assertThrows(NullPointerException.class, () -> Fs.readDir(null));
        Future<byte[]> f = Fs.readAllBytes(tmp.resolve("x"));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> f.poll(io.cortado.Context.of(io.cortado.Waker.noop())));
        assertTrue(e.getMessage().contains("AsyncRuntime"), e.getMessage());
    }

    @Test
    void operationsAreLazyAndACancelBeforeTheCallStartedDoesNothing() throws Exception {
        Path file = tmp.resolve("never");
        Future<Void> unpolled = Fs.writeString(file, "x");
        try (AsyncRuntime rt = AsyncRuntime.builder().multiThread().workerThreads(1).maxBlockingThreads(1).build()) {
            assertFalse(Files.exists(file), "nothing runs before the first poll");
            unpolled.cancel();

            // Occupy the only blocking thread, so the write below is queued, then cancel it while it waits.
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch occupied = new CountDownLatch(1);
            var blocker = rt.handle().spawnBlocking(() -> {
                occupied.countDown();
                release.await();
                return null;
            });
            occupied.await();
            Future<Void> queued = Fs.writeString(file, "x");
            rt.blockOn(Futures.pollFn(cx -> {
                assertFalse(queued.poll(cx).isReady());
                return Poll.ready(null);
            }));
            queued.cancel();
            release.countDown();
            rt.blockOn(blocker);
            rt.blockOn(rt.handle().spawnBlocking(() -> null)); // FIFO: the cancelled write's turn has passed
            assertFalse(Files.exists(file), "a write cancelled before it started never runs");
        }
    }

    @Test
    void readDirListsInBatchesAndEnds() throws Exception {
        List<Path> expected = new ArrayList<>();
        for (int i = 0; i < 2 * Fs.READ_DIR_BATCH + 7; i++) {
            Path p = tmp.resolve("f" + i);
            Files.createFile(p);
            expected.add(p);
        }
        Files.createDirectory(tmp.resolve("sub"));
        expected.add(tmp.resolve("sub"));
        expected.sort(null);
        try (AsyncRuntime rt = multi()) {
            List<Path> got = new ArrayList<>(rt.blockOn(Fs.readDir(tmp).collect()));
            got.sort(null);
            assertEquals(expected, got);
            assertEquals(List.of(), rt.blockOn(Fs.readDir(tmp.resolve("sub")).collect()));
        }
        try (AsyncRuntime rt = AsyncRuntime.builder().currentThread().build()) {
            assertEquals(expected.size(), rt.blockOn(Fs.readDir(tmp).fold(0, (n, p) -> n + 1)));
        }
    }

    @Test
    void readDirFailsForAMissingDirectoryOrAFile() throws Exception {
        Path file = Files.createFile(tmp.resolve("file"));
        try (AsyncRuntime rt = multi()) {
            assertInstanceOf(NoSuchFileException.class, ioCause(rt, Fs.readDir(tmp.resolve("nope")).next()));
            assertInstanceOf(NotDirectoryException.class, ioCause(rt, Fs.readDir(file).next()));
        }
    }

    @Test
    void cancellingReadDirInTheMiddleClosesTheDirectory() throws Exception {
        for (int i = 0; i < 3 * Fs.READ_DIR_BATCH; i++) {
            Files.createFile(tmp.resolve("f" + i));
        }
        try (AsyncRuntime rt = multi()) {
            // take(n) cancels the listing after n entries: between batches, or with the next batch in flight
            for (int n : IntStream.rangeClosed(0, 2 * Fs.READ_DIR_BATCH + 1).toArray()) {
                assertEquals(n, rt.blockOn(Fs.readDir(tmp).take(n).collect()).size());
            }
            // cancelled before the first batch ran, and while it is queued
            Stream<Path> s = Fs.readDir(tmp);
            s.cancel();
            s.cancel();
            Stream<Path> queued = Fs.readDir(tmp);
            rt.blockOn(Futures.pollFn(cx -> {
                queued.pollNext(cx);
                return Poll.ready(null);
            }));
            queued.cancel();
            assertThrows(IllegalStateException.class, () -> rt.blockOn(queued.next()));
        }
        // RuntimeTestBase fails the test if a directory descriptor was left open
    }

    @Test
    void readDirPollNextIsCancelSafe() throws Exception {
        List<Path> expected = new ArrayList<>();
        for (int i = 0; i < Fs.READ_DIR_BATCH + 10; i++) {
            expected.add(Files.createFile(tmp.resolve("f" + i)));
        }
        expected.sort(null);
        try (AsyncRuntime rt = multi()) {
            Stream<Path> s = Fs.readDir(tmp);
            List<Path> got = new ArrayList<>();
            for (int i = 0; i < 2 * Fs.READ_DIR_BATCH; i++) {
                // each next() is polled once and abandoned if pending (as a losing select branch): nothing is lost
                Future<Path> attempt = s.next();
                Poll<Path> p = rt.blockOn(Futures.pollFn(cx -> Poll.ready(attempt.poll(cx))));
                if (!p.isReady()) {
                    attempt.cancel();
                } else if (p.value() != null) {
                    got.add(p.value());
                }
            }
            Path p;
            while ((p = rt.blockOn(s.next())) != null) {
                got.add(p);
            }
            got.sort(null);
            assertEquals(expected, got, "every entry exactly once");
        }
    }
}
