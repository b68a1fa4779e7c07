package io.cortado.asynctests;

import io.cortado.Future;
import io.cortado.Task;
import io.cortado.async.Async;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.cortado.async.Async.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Loops with awaits in their bodies and conditions. */
class LoopsTest extends AsyncTestBase {
    static Future<Integer> forLoop(int n) {
        int sum = 0;
        for (int i = 0; i < n; i++) {
            sum += await(Later.value(i));
        }
        return Async.done(sum);
    }

    static Future<List<Integer>> whileLoop(int n) {
        List<Integer> out = new ArrayList<>();
        int i = 0;
        while (await(Later.value(i)) < n) {   // await in the condition
            out.add(i * i);
            i++;
        }
        return Async.done(out);
    }

    static Future<String> doWhile(int n) {
        StringBuilder b = new StringBuilder();
        int i = 0;
        do {
            b.append(await(Later.value((char) ('a' + i))));
            i++;
        } while (i < n);
        return Async.done(b.toString());
    }

    static Future<List<String>> labelledBreakAndContinue() {
        List<String> out = new ArrayList<>();
        outer:
        for (int i = 0; i < 5; i++) {
            inner:
            for (int j = 0; j < 5; j++) {
                int v = await(Later.value(i * 10 + j));
                if (j > i) {
                    continue outer;
                }
                if (v == 22) {
                    continue inner;
                }
                if (v == 33) {
                    break outer;
                }
                out.add(i + "" + j);
            }
        }
        return Async.done(out);
    }

    static Future<Integer> forEachOverListAndArray(List<Integer> list, int[] array) {
        int sum = 0;
        for (int x : list) {
            sum += await(Later.value(x));
        }
        for (int x : array) {
            await(Task.yieldNow());
            sum += x * 100;
        }
        return Async.done(sum);
    }

    static Future<Long> manyAwaits(int n) {
        long sum = 0;
        for (int i = 0; i < n; i++) {
            if (i % 2 == 0) {
                await(Task.yieldNow());
            }
            sum += await(io.cortado.Futures.ready(i));
        }
        return Async.done(sum);
    }

    @Test
    void forLoopWithAnAwaitInTheBody() {
        assertEquals(45, run(forLoop(10)));
        assertEquals(0, run(forLoop(0)));
    }

    @Test
    void whileLoopWithAnAwaitInTheCondition() {
        assertEquals(List.of(0, 1, 4, 9), run(whileLoop(4)));
    }

    @Test
    void doWhileLoop() {
        assertEquals("abcde", run(doWhile(5)));
        assertEquals("a", run(doWhile(0)), "a do-while body runs once");
    }

    @Test
    void labelledBreakAndContinueAcrossAwaits() {
        assertEquals(List.of("00", "10", "11", "20", "21", "30", "31", "32"), run(labelledBreakAndContinue()));
    }

    @Test
    void enhancedForOverAListAndAnArray() {
        assertEquals(6 + 4500, run(forEachOverListAndArray(List.of(1, 2, 3), new int[] {10, 20, 15})));
    }

    @Test
    void aThousandAwaitsOnAMultiThreadRuntime() {
        assertEquals(499_500L, runMulti(manyAwaits(1000)));
    }
}
