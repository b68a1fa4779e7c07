package io.cortado.asynctests;

import io.cortado.Future;
import io.cortado.JoinHandle;
import io.cortado.Task;
import io.cortado.async.Async;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import static io.cortado.async.Async.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Plain lambdas inside async methods, and async lambdas ({@code Async.fn}). */
class LambdasTest extends AsyncTestBase {
    private final String prefix = "p:";
    private int calls;

    /** Async.fn in a static initialiser and in a field initialiser (the constructor): lazy, so allowed. */
    static final Future<String> STATIC = Async.fn(() -> "static " + await(Later.value(1)));
    final Future<String> perInstance = Async.fn(() -> prefix + await(Later.value("field")));

    static Future<String> plainLambdasAroundAwaits(List<Integer> xs) {
        Function<Integer, Integer> square = x -> x * x;     // made before the await, used after it
        int offset = await(Later.value(10));
        Supplier<String> late = () -> "offset " + offset;   // captures a local restored from the frame
        String mapped = xs.stream().map(square).map(x -> x + offset).map(String::valueOf)
                .collect(Collectors.joining(","));
        await(Later.value(0));
        return Async.done(mapped + " " + late.get() + " " + square.apply(await(Later.value(3))));
    }

    static Future<Integer> fnWithCaptures(int a, String b) {
        List<Integer> seen = new ArrayList<>();
        Future<Integer> f = Async.fn(() -> {
            int x = await(Later.value(a));
            seen.add(x);
            int y = await(Later.value(b.length()));
            seen.add(y);
            return x * y + seen.size();
        });
        return f;
    }

    Future<String> fnCapturingThis(int n) {
        return Async.fn(() -> {
            calls++;
            String s = await(Later.value(prefix + n));
            return s + " calls=" + calls;
        });
    }

    static Future<String> nestedFn(int depth) {
        return Async.fn(() -> {
            int outer = await(Later.value(depth));
            Future<String> inner = Async.fn(() -> {
                int v = await(Later.value(outer * 2));
                Future<Integer> innermost = Async.fn(() -> await(Later.value(v + 1)));
                return "inner " + v + " innermost " + await(innermost);
            });
            return "outer " + outer + ", " + await(inner);
        });
    }

    static Future<Integer> fnWithoutAwait(int x) {
        return Async.fn(() -> x + 1);
    }

    static Future<String> fnThatThrowsChecked(boolean fail) {
        return Async.fn(() -> {
            await(Later.value(0));
            if (fail) {
                throw new IOException("checked inside fn");
            }
            return "ok";
        });
    }

    static Future<Integer> spawnedFns(int n) {
        List<JoinHandle<Integer>> handles = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int k = i;
            handles.add(Task.spawn(Async.fn(() -> {
                int s = 0;
                for (int j = 0; j <= k; j++) {
                    await(Task.yieldNow());
                    s += j;
                }
                return s;
            })));
        }
        int total = 0;
        for (JoinHandle<Integer> h : handles) {
            total += await(h);
        }
        return Async.done(total);
    }

    @Test
    void plainLambdasInsideAnAsyncMethod() {
        assertEquals("11,14,19 offset 10 9", run(plainLambdasAroundAwaits(List.of(1, 2, 3))));
    }

    @Test
    void asyncFnCapturingLocalsAndParameters() {
        assertEquals(3 * 4 + 2, run(fnWithCaptures(3, "four")));
    }

    @Test
    void asyncFnIsLazy() {
        LambdasTest t = new LambdasTest();
        Future<String> f = t.fnCapturingThis(1);
        assertEquals(0, t.calls, "nothing runs before the first poll");
        assertEquals("p:1 calls=1", run(f));
        assertEquals("p:2 calls=2", run(t.fnCapturingThis(2)));
    }

    @Test
    void nestedAsyncFn() {
        assertEquals("outer 5, inner 10 innermost 11", run(nestedFn(5)));
    }

    @Test
    void asyncFnWithoutAnAwait() {
        assertEquals(8, run(fnWithoutAwait(7)));
    }

    @Test
    void asyncFnThrowingACheckedException() {
        assertEquals("ok", run(fnThatThrowsChecked(false)));
        // as every future fails: a checked exception is wrapped (await(f, IOException.class) unwraps it)
        CompletionException e = assertThrows(CompletionException.class, () -> run(fnThatThrowsChecked(true)));
        assertEquals("checked inside fn", assertInstanceOf(IOException.class, e.getCause()).getMessage());
    }

    @Test
    void spawnedAsyncFnsOnAMultiThreadRuntime() {
        int n = 50;
        int expected = 0;
        for (int k = 0; k < n; k++) {
            expected += k * (k + 1) / 2;
        }
        assertEquals(expected, runMulti(spawnedFns(n)));
    }

    @Test
    void asyncFnInStaticAndFieldInitialisers() {
        assertEquals("static 1", run(STATIC));
        assertEquals("p:field", run(new LambdasTest().perInstance));
    }
}
