package io.cortado.async.compiler.samples;

import io.cortado.Future;
import io.cortado.Futures;
import io.cortado.Task;
import io.cortado.async.Async;
import io.cortado.stream.Stream;

import java.util.ArrayList;
import java.util.List;

import static io.cortado.async.Async.await;

/** Async methods the compiler test runs. */
public class Basics {
    public static Future<Integer> ready() {
        int a = await(Futures.ready(20));
        int b = await(Futures.ready(22));
        return Async.done(a + b);
    }

    public static Future<Long> loop(int n) {
        long sum = 0;
        double d = 0.5;
        for (int i = 0; i < n; i++) {
            await(Task.yieldNow());
            sum += i;
            d *= 1.0;
        }
        return Async.done(sum + (long) d);
    }

    public Future<String> instance(String s) {
        String t = await(Futures.ready(s)) + "!";
        await(Task.yieldNow());
        return Async.done(prefix + t);
    }

    private final String prefix = ">";

    public static Future<List<String>> argumentsAndNew() {
        List<String> out = new ArrayList<>(await(Futures.ready(3)));
        out.add(String.join("-", await(Futures.ready("a")), await(Task.yieldNow().map(v -> "b")), "c"));
        return Async.done(out);
    }

    public static Future<String> catches() {
        try {
            await(Futures.failed(new IllegalStateException("boom")));
            return Async.done("no");
        } catch (IllegalStateException e) {
            await(Task.yieldNow());
            return Async.done("caught " + e.getMessage());
        }
    }

    public static Future<Void> finallyOnCancel(List<String> log) {
        try {
            log.add("start");
            await(Futures.pending());
            log.add("never");
        } finally {
            log.add("finally");
        }
        return Async.done(null);
    }

    public static Future<Integer> lambda(int x) {
        Future<Integer> f = Async.fn(() -> {
            int y = await(Futures.ready(x));
            await(Task.yieldNow());
            return y * 2;
        });
        return f;
    }

    public static Stream<Integer> generator(int n) {
        for (int i = 0; i < n; i++) {
            await(Task.yieldNow());
            Async.yield(i);
        }
        return Async.end();
    }

    public static Future<Integer> returnsFuture() {
        await(Task.yieldNow());
        return Futures.ready(7);
    }
}
