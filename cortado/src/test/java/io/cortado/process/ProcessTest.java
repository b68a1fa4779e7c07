package io.cortado.process;

import io.cortado.AsyncRuntime;
import io.cortado.Future;
import io.cortado.Futures;
import io.cortado.Poll;
import io.cortado.Task;
import io.cortado.Tuple2;
import io.cortado.io.AsyncRead;
import io.cortado.io.BrokenPipeException;
import io.cortado.testing.RuntimeTestBase;
import io.cortado.time.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link Command} and {@link Child} end to end with real programs ({@code sh}, {@code cat}, {@code sleep}). */
class ProcessTest extends RuntimeTestBase {

    @TempDir
    Path tmp;

    private static AsyncRuntime multi() {
        return AsyncRuntime.builder().multiThread().workerThreads(2).build();
    }

    private static List<AsyncRuntime> bothFlavours() {
        return List.of(multi(), AsyncRuntime.builder().currentThread().build());
    }

    /** Reads {@code r} to its end. */
    static Future<byte[]> readToEnd(AsyncRead r) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer buf = ByteBuffer.allocate(10_000);
        return Futures.pollFn(cx -> {
            for (; ; ) {
                buf.clear();
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

    /** A child that waits 100 s; its output goes nowhere, so a leftover cannot hold the test JVM's stdout open. */
    private static Command sleeper() {
        return new Command("sleep").arg("100").stdout(Stdio.NULL).stderr(Stdio.NULL);
    }

    /** {@code f.timeout(d)}, made when polled (a timeout needs the runtime's clock). */
    private static <T> Future<T> within(Duration d, Future<T> f) {
        return Futures.lazy(() -> d).then(x -> f.timeout(x));
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    @Test
    void exitStatusOnBothRuntimeFlavours() {
        for (AsyncRuntime rt : bothFlavours()) {
            try (rt) {
                ExitStatus three = rt.blockOn(new Command("sh").args("-c", "exit 3").status());
                assertEquals(3, three.code());
                assertFalse(three.success());
                assertEquals("exit status 3", three.toString());
                assertTrue(rt.blockOn(new Command("true").status()).success());
                Child c = new Command("sh").args("-c", "exit 4").spawn(rt.handle());
                assertTrue(c.pid() > 0);
                assertEquals(4, rt.blockOn(c.waitFor()).code());
                assertEquals(4, rt.blockOn(c.waitFor()).code(), "waitFor again: same status");
                assertEquals(Optional.of(new ExitStatus(4)), c.tryWait());
            }
        }
    }

    @Test
    void outputCollectsStdoutAndStderr() {
        try (AsyncRuntime rt = multi()) {
            Output out = rt.blockOn(new Command("sh").args("-c", "printf out; printf err >&2; exit 2").output());
            assertEquals("out", out.stdoutText());
            assertEquals("err", out.stderrText());
            assertEquals(2, out.status().code());

            Output quiet = rt.blockOn(new Command("sh").args("-c", "printf x; printf y >&2").stdout(Stdio.NULL)
                    .output());
            assertEquals(0, quiet.stdout().length, "a stream that is not piped gives nothing");
            assertEquals("y", quiet.stderrText());
            assertEquals("", rt.blockOn(new Command("cat").output()).stdoutText(), "output()'s stdin is null");
        }
    }

    @Test
    void largeOutputOnBothPipesAtOnceDoesNotDeadlock() {
        try (AsyncRuntime rt = multi()) {
            // more than a pipe holds on each stream: reading one to its end before the other would deadlock
            Output out = rt.blockOn(new Command("sh").args("-c",
                    "head -c 3000000 /dev/zero | tr '\\0' e >&2; head -c 2000000 /dev/zero | tr '\\0' o").output());
            assertTrue(out.status().success());
            byte[] e = new byte[3_000_000];
            Arrays.fill(e, (byte) 'e');
            byte[] o = new byte[2_000_000];
            Arrays.fill(o, (byte) 'o');
            assertArrayEquals(e, out.stderr());
            assertArrayEquals(o, out.stdout());
        }
    }

    @Test
    void catRoundTripsFourMebibytesBothWaysAtOnceOnBothFlavours() {
        byte[] data = new byte[4 * 1024 * 1024 + 11];
        new Random(5).nextBytes(data);
        for (AsyncRuntime rt : bothFlavours()) {
            try (rt) {
                Child cat = new Command("cat").stdin(Stdio.PIPED).stdout(Stdio.PIPED).spawn(rt.handle());
                Future<Void> writer = cat.stdin().writeAll(ByteBuffer.wrap(data)).then(v -> cat.stdin().shutdown());
                Future<byte[]> reader = readToEnd(cat.stdout());
                Tuple2<Void, byte[]> done = rt.blockOn(Futures.join(writer, reader));
                assertArrayEquals(data, done.second());
                assertTrue(rt.blockOn(cat.waitFor()).success());
                assertThrows(UncheckedIOException.class,
                        () -> rt.blockOn(cat.stdin().write(ByteBuffer.allocate(1))), "written after shutdown");
            }
        }
        try (AsyncRuntime rt = multi()) { // the two directions in two tasks
            Child cat = new Command("cat").stdin(Stdio.PIPED).stdout(Stdio.PIPED).spawn(rt.handle());
            var w = rt.spawn(cat.stdin().writeAll(ByteBuffer.wrap(data)).then(v -> cat.stdin().shutdown()));
            var r = rt.spawn(readToEnd(cat.stdout()));
            assertArrayEquals(data, rt.blockOn(r));
            rt.blockOn(w);
            assertTrue(rt.blockOn(cat.waitFor()).success());
        }
    }

    @Test
    void stderrCanBeReadOnItsOwn() {
        try (AsyncRuntime rt = multi()) {
            Child c = new Command("sh").args("-c", "echo oops >&2; exit 1").stdout(Stdio.NULL).stderr(Stdio.PIPED)
                    .spawn(rt.handle());
            assertEquals("oops\n", new String(rt.blockOn(readToEnd(c.stderr())), StandardCharsets.UTF_8));
            assertEquals(1, rt.blockOn(c.waitFor()).code());
            assertThrows(IllegalStateException.class, c::stdout);
            assertThrows(IllegalStateException.class, c::stdin);
        }
    }

    @Test
    void killEndsTheChild() {
        try (AsyncRuntime rt = multi()) {
            Child c = sleeper().spawn(rt.handle());
            assertEquals(Optional.empty(), c.tryWait());
            c.kill();
            assertEquals(137, rt.blockOn(c.waitFor()).code(), "128 + SIGKILL");
            c.kill(); // already gone: nothing happens
            assertFalse(alive(c.pid()));
        }
    }

    @Test
    void cancellingAPendingWaitKillsTheChildOnlyWithKillOnCancel() {
        try (AsyncRuntime rt = multi()) {
            Child keep = sleeper().spawn(rt.handle());
            assertThrows(TimeoutException.class, () -> rt.blockOn(within(Duration.ofMillis(20), keep.waitFor())));
            assertEquals(Optional.empty(), keep.tryWait(), "without killOnCancel the child runs on");
            keep.kill();
            rt.blockOn(keep.waitFor());

            Child doomed = sleeper().killOnCancel(true).spawn(rt.handle());
            assertThrows(TimeoutException.class, () -> rt.blockOn(within(Duration.ofMillis(20), doomed.waitFor())));
            assertEquals(137, rt.blockOn(doomed.waitFor()).code(), "the cancelled wait killed it");

            Child viaOutput = sleeper().killOnCancel(true).spawn(rt.handle());
            assertThrows(TimeoutException.class,
                    () -> rt.blockOn(within(Duration.ofMillis(20), viaOutput.output())));
            assertEquals(137, rt.blockOn(viaOutput.waitFor()).code());

            Child done = new Command("true").killOnCancel(true).spawn(rt.handle());
            Future<ExitStatus> w = done.waitFor();
            assertTrue(rt.blockOn(w).success());
            w.cancel(); // after completion: nothing
        }
    }

    @Test
    void statusClosesPipesNobodyReads() {
        try (AsyncRuntime rt = multi()) {
            // cat would wait for its input forever if status() left the piped stdin open
            assertTrue(rt.blockOn(new Command("cat").stdin(Stdio.PIPED).stdout(Stdio.PIPED).status()).success());
        }
    }

    @Test
    void environmentAndWorkingDirectory() throws Exception {
        try (AsyncRuntime rt = multi()) {
            Output out = rt.blockOn(new Command("sh").args("-c", "printf '%s|%s|%s' \"$FOO\" \"$GONE\" \"$(pwd)\"")
                    .env("FOO", "bar").env("GONE", "x").envRemove("GONE").directory(tmp).output());
            assertEquals("bar||" + tmp.toRealPath(), out.stdoutText());
            Output only = rt.blockOn(new Command("env").envClear().env("ONLY", "1").output());
            assertEquals("ONLY=1\n", only.stdoutText());
            Command reused = new Command("sh").args("-c", "printf \"$N\"");
            assertEquals("1", rt.blockOn(reused.env("N", "1").output()).stdoutText());
            assertEquals("2", rt.blockOn(reused.env("N", "2").output()).stdoutText());
        }
    }

    @Test
    void badArgumentsAndStartFailures() {
        assertEquals("program : \"\" (expected: a program name or path)",
                assertThrows(IllegalArgumentException.class, () -> new Command("")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Command("a\0b"));
        assertThrows(IllegalArgumentException.class, () -> new Command("x").arg("a\0"));
        assertThrows(IllegalArgumentException.class, () -> new Command("x").env("A=B", "v"));
        assertThrows(IllegalArgumentException.class, () -> new Command("x").env("", "v"));
        assertThrows(IllegalArgumentException.class, () -> new Command("x").envRemove("A=B"));
        assertThrows(NullPointerException.class, () -> new Command("x").args((String) null));
        assertThrows(NullPointerException.class, () -> new Command("x").stdin(null));
        assertThrows(IllegalStateException.class, () -> new Command("true").spawn(), "no runtime here");
        try (AsyncRuntime rt = multi()) {
            UncheckedIOException e = assertThrows(UncheckedIOException.class,
                    () -> new Command("no-such-program-cortado").spawn(rt.handle()));
            assertTrue(e.getCause().getMessage().contains("no-such-program-cortado"), e.getMessage());
            assertThrows(UncheckedIOException.class,
                    () -> rt.blockOn(new Command("no-such-program-cortado").output()), "lazy: fails at the poll");
            assertThrows(UncheckedIOException.class,
                    () -> new Command("true").directory(tmp.resolve("missing")).spawn(rt.handle()));
        }
    }

    @Test
    void writingToAChildThatExitedIsABrokenPipe() {
        try (AsyncRuntime rt = multi()) {
            Child c = new Command("true").stdin(Stdio.PIPED).spawn(rt.handle());
            rt.blockOn(c.waitFor());
            ByteBuffer mib = ByteBuffer.allocate(1 << 20);
            UncheckedIOException e = assertThrows(UncheckedIOException.class,
                    () -> rt.blockOn(c.stdin().writeAll(mib).then(v -> c.stdin().flush())));
            assertInstanceOf(BrokenPipeException.class, e.getCause());
            assertThrows(UncheckedIOException.class, () -> rt.blockOn(c.stdin().shutdown()),
                    "shutdown closes the pipe and reports the failure again");
        }
    }

    @Test
    void runtimeShutdownKillsAChildWhosePipeIsBeingRead() {
        long pid;
        AsyncRuntime rt = multi();
        try (rt) {
            Child c = sleeper().stdout(Stdio.PIPED).spawn(rt.handle());
            pid = c.pid();
            rt.spawn(readToEnd(c.stdout()));
            awaitCondition(() -> blockingThreadIn("readBytes"), "a blocking read of the pipe runs");
        } // close() must return: the guard kills the child, which ends the read
        awaitCondition(() -> !alive(pid), "the child was killed");
    }

    @Test
    void runtimeShutdownKillsKillOnCancelChildrenAndLeavesTheOthers() throws Exception {
        Child doomed;
        Child survivor;
        try (AsyncRuntime rt = AsyncRuntime.builder().currentThread().build()) {
            doomed = sleeper().killOnCancel(true).spawn(rt.handle());
            survivor = rt.blockOn(Futures.lazy(() -> sleeper().spawn()));
            rt.blockOn(Task.yieldNow()); // the guards have been polled
        }
        awaitCondition(() -> !alive(doomed.pid()), "the killOnCancel child was killed");
        assertTrue(alive(survivor.pid()), "a child without pipes in use and without killOnCancel runs on");
        ProcessHandle h = ProcessHandle.of(survivor.pid()).orElseThrow();
        h.destroyForcibly();
        h.onExit().get();
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
}
