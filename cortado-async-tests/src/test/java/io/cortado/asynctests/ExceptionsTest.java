package io.cortado.asynctests;

import io.cortado.Future;
import io.cortado.Futures;
import io.cortado.async.Async;
import org.junit.jupiter.api.Test;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.CompletionException;

import static io.cortado.async.Async.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Failures of awaited futures, checked exceptions, and the stack traces of failures after an await. */
class ExceptionsTest extends AsyncTestBase {
    static Future<String> catchesAFailedAwait(Future<Integer> f) {
        try {
            int v = await(f);
            return Async.done("value " + v);
        } catch (IllegalStateException e) {
            String after = await(Later.value("after"));
            return Async.done("caught " + e.getMessage() + " " + after);
        }
    }

    static Future<String> uncaught(Future<Integer> f) {
        int v = await(f);
        return Async.done("value " + v);
    }

    static Future<String> readChecked(Future<Integer> read) {
        try {
            int n = await(read, IOException.class);
            return Async.done("read " + n);
        } catch (FileNotFoundException e) {
            return Async.done("not found: " + e.getMessage());
        } catch (IOException e) {
            return Async.done("io: " + e.getMessage());
        }
    }

    static Future<Integer> declaresChecked(Future<Integer> read) throws IOException {
        return Async.done(await(read, IOException.class) + 1);
    }

    static Future<String> awaitsAMethodThatThrowsChecked(Future<Integer> read) {
        try {
            return Async.done("got " + await(declaresChecked(read), IOException.class));
        } catch (IOException e) {
            return Async.done("io from the callee: " + e.getMessage());
        }
    }

    static int here() {
        return StackWalker.getInstance().walk(s -> s.skip(1).findFirst().orElseThrow().getLineNumber());
    }

    static Future<Integer> throwsAfterAwait(int[] line) {
        int x = await(Later.value(1));
        line[0] = here(); throw new IllegalArgumentException("thrown after an await " + x);
    }

    static void helper(int[] line) {
        line[1] = here(); throw new UnsupportedOperationException("from a helper");
    }

    Future<Integer> instanceThrowsFromHelper(int[] line) {
        await(Later.value(1));
        await(Later.value(2));
        line[0] = here(); helper(line);
        return Async.done(0);
    }

    static Future<Integer> fnThrows(int[] line) {
        return Async.fn(() -> {
            await(Later.value(1));
            line[0] = here(); throw new IllegalStateException("from fn");
        });
    }

    @Test
    void aFailedAwaitedFutureIsCaughtByACatchBlock() {
        assertEquals("caught boom after",
                run(catchesAFailedAwait(Futures.failed(new IllegalStateException("boom")))));
        assertEquals("caught later after",
                run(catchesAFailedAwait(Later.failure(new IllegalStateException("later")))));
        assertEquals("value 3", run(catchesAFailedAwait(Later.value(3))));
    }

    @Test
    void anUncaughtFailureFailsTheMethodWithTheSameException() {
        IllegalStateException boom = new IllegalStateException("boom");
        assertSame(boom, assertThrows(IllegalStateException.class, () -> run(uncaught(Later.failure(boom)))));
    }

    @Test
    void checkedExceptionsThroughAwaitWithAType() {
        assertEquals("io: disk", run(readChecked(Futures.failed(new UncheckedIOException(new IOException("disk"))))));
        assertEquals("not found: f.txt",
                run(readChecked(Later.failure(new UncheckedIOException(new FileNotFoundException("f.txt"))))));
        assertEquals("io: deep", run(readChecked(Later.failure(new CompletionException(
                new RuntimeException(new IOException("deep")))))));
        assertEquals("read 5", run(readChecked(Later.value(5))));
        IllegalStateException other = new IllegalStateException("not io");
        assertSame(other, assertThrows(IllegalStateException.class, () -> run(readChecked(Later.failure(other)))),
                "a failure of another type is not unwrapped");
    }

    @Test
    void aCheckedExceptionOfAnAwaitedAsyncMethod() throws IOException {
        assertEquals("io from the callee: gone", run(awaitsAMethodThatThrowsChecked(
                Later.failure(new UncheckedIOException(new IOException("gone"))))));
        assertEquals("got 2", run(awaitsAMethodThatThrowsChecked(Later.value(1))));
        assertEquals(8, run(declaresChecked(Later.value(7))));
    }

    private static void assertTop(StackTraceElement e, Class<?> c, String method, int line) {
        assertEquals(c.getName(), e.getClassName(), e::toString);
        assertEquals(method, e.getMethodName(), e::toString);
        assertEquals(line, e.getLineNumber(), e::toString);
        assertEquals(c.getSimpleName() + ".java", e.getFileName(), e::toString);
    }

    @Test
    void stackTracesShowTheUsersClassMethodAndLine() {
        int[] line = new int[2];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> run(throwsAfterAwait(line)));
        assertTrue(line[0] > 0);
        assertTop(e.getStackTrace()[0], ExceptionsTest.class, "throwsAfterAwait", line[0]);

        UnsupportedOperationException u = assertThrows(UnsupportedOperationException.class,
                () -> run(new ExceptionsTest().instanceThrowsFromHelper(line)));
        assertTop(u.getStackTrace()[0], ExceptionsTest.class, "helper", line[1]);
        assertTop(u.getStackTrace()[1], ExceptionsTest.class, "instanceThrowsFromHelper", line[0]);

        IllegalStateException f = assertThrows(IllegalStateException.class, () -> run(fnThrows(line)));
        StackTraceElement top = f.getStackTrace()[0];
        assertEquals(ExceptionsTest.class.getName(), top.getClassName());
        assertTrue(top.getMethodName().startsWith("lambda$fnThrows$"), top::toString);
        assertEquals(line[0], top.getLineNumber());
        assertTrue(List.of(f.getStackTrace()).stream().noneMatch(s -> s.getMethodName().equals("fnThrows")),
                "the factory returned long ago: it is not on the stack");
    }

    @Test
    void aFailureIsTheMethodsOutcomeOnAMultiThreadRuntime() {
        assertEquals("caught mt after",
                runMulti(catchesAFailedAwait(Later.failure(new IllegalStateException("mt")))));
        assertInstanceOf(IllegalStateException.class,
                assertThrows(IllegalStateException.class, () -> runMulti(uncaught(Later.failure(
                        new IllegalStateException("x"))))));
    }
}
