package io.cortado.asynctests;

import io.cortado.Future;
import io.cortado.Task;
import io.cortado.async.Async;
import io.cortado.stream.Stream;
import io.cortado.sync.Mpsc;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedList;
import java.util.List;

import static io.cortado.async.Async.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** More shapes of classes and code: enums, generic classes, overloads, private nested classes, channels. */
class ShapesTest extends AsyncTestBase {
    enum Op {
        ADD, MUL, NEG;

        Future<Integer> apply(int a, int b) {
            int x = await(Later.value(a));
            return Async.done(switch (this) {
                case ADD -> x + await(Later.value(b));
                case MUL -> x * await(Later.value(b));
                case NEG -> -x;
            });
        }
    }

    static Future<String> switchOnAnEnum(Op op) {
        String s;
        switch (await(Later.value(op))) {
            case ADD:
                s = "plus";
                break;
            case MUL:
                s = "times";
                break;
            default:
                s = "minus";
        }
        return Async.done(s);
    }

    static final class Box<T extends Comparable<T>> {
        private T value;

        Box(T value) {
            this.value = value;
        }

        Future<T> maxWith(Future<T> other) {
            T o = await(other);
            if (o.compareTo(value) > 0) {
                value = o;
            }
            return Async.done(value);
        }
    }

    private static final class Hidden {
        private int n = 1;

        private Future<Integer> twice() {
            n *= await(Later.value(2));
            return Async.done(n);
        }
    }

    static Future<String> overloaded(int x) {
        return Async.done("int " + await(Later.value(x)));
    }

    static Future<String> overloaded(String x) {
        return Async.done("string " + await(Later.value(x)));
    }

    static Future<String> manyResumePoints() {
        int a = await(Later.value(1));
        int b = await(Later.value(2));
        int c = await(Later.value(3));
        int d = await(Later.value(4));
        int e = await(Later.value(5));
        int f = await(Later.value(6));
        int g = await(Later.value(7));
        int h = await(Later.value(8));
        return Async.done("" + a + b + c + d + e + f + g + h);
    }

    static Future<String> commonSupertypes(boolean array) {
        var list = array ? new ArrayList<String>() : new LinkedList<String>();  // AbstractList & List & ...
        list.add(await(Later.value("x")));
        CharSequence cs = array ? "str" : new StringBuilder("sb");
        await(Later.value(0));
        return Async.done(list.getClass().getSimpleName() + list + cs.length());
    }

    static Future<String> existingResourceVariable(List<String> log) {
        Res r = new Res("r", log);
        try (r) {
            return Async.done(await(Later.value(r.use())));
        }
    }

    interface Repo<T> {
        T load(int id);

        default Future<List<T>> loadAll(int n) {
            List<T> out = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                out.add(await(Async.fn(() -> {
                    await(Task.yieldNow());
                    return load(out.size());  // captures this (the interface instance) and a local
                })));
            }
            return Async.done(out);
        }

        private Future<String> secret() {
            return Async.done("secret " + await(Later.value(load(0))));
        }

        default Future<String> reveal() {
            return secret();
        }
    }

    static Stream<Integer> generatorUsingFn(int n) {
        for (int i = 0; i < n; i++) {
            int k = i;
            Async.yield(await(Async.fn(() -> await(Later.value(k * k)))));
        }
        return Async.end();
    }

    static Future<Integer> producer(Mpsc.Sender<Integer> tx, int n) {
        for (int i = 1; i <= n; i++) {
            await(tx.send(i));
        }
        tx.close();
        return Async.done(n);
    }

    static Future<Long> consumer(Mpsc.Receiver<Integer> rx) {
        long total = 0;
        while (true) {
            Integer v = await(rx.recv());
            if (v == null) {
                break;
            }
            total += v;
        }
        return Async.done(total);
    }

    static Future<Long> pipeline(int n) {
        Mpsc.Channel<Integer> ch = Mpsc.bounded(4);
        var p = Task.spawn(producer(ch.sender(), n));
        long total = await(consumer(ch.receiver()));
        await(p);
        return Async.done(total);
    }

    @Test
    void enumsWithAsyncMethodsAndSwitchesOnEnums() {
        assertEquals(5, run(Op.ADD.apply(2, 3)));
        assertEquals(6, run(Op.MUL.apply(2, 3)));
        assertEquals(-2, run(Op.NEG.apply(2, 3)));
        assertEquals("times", run(switchOnAnEnum(Op.MUL)));
        assertEquals("minus", run(switchOnAnEnum(Op.NEG)));
    }

    @Test
    void genericClassesAndPrivateNestedClasses() {
        Box<String> box = new Box<>("m");
        assertEquals("m", run(box.maxWith(Later.value("a"))));
        assertEquals("z", run(box.maxWith(Later.value("z"))));
        Hidden h = new Hidden();
        assertEquals(2, run(h.twice()));
        assertEquals(4, run(h.twice()));
    }

    @Test
    void overloadedAsyncMethods() {
        assertEquals("int 1", run(overloaded(1)));
        assertEquals("string s", run(overloaded("s")));
    }

    @Test
    void eightResumePointsInOneMethod() {
        assertEquals("12345678", run(manyResumePoints()));
    }

    @Test
    void localsWhoseTypeIsACommonSupertype() {
        assertEquals("ArrayList[x]3", run(commonSupertypes(true)));
        assertEquals("LinkedList[x]2", run(commonSupertypes(false)));
    }

    @Test
    void tryWithAnExistingResourceVariable() {
        List<String> log = log();
        assertEquals("r", run(existingResourceVariable(log)));
        assertEquals(List.of("open r", "use r", "close r"), log);
    }

    @Test
    void asyncFnInAnInterfaceDefaultMethodAndPrivateInterfaceAsyncMethods() {
        Repo<String> repo = id -> "item" + id;
        assertEquals(List.of("item0", "item1", "item2"), run(repo.loadAll(3)));
        assertEquals("secret item0", run(repo.reveal()));
    }

    @Test
    void asyncFnInsideAGenerator() {
        assertEquals(List.of(0, 1, 4, 9), run(generatorUsingFn(4).collect()));
    }

    @Test
    void aChannelPipelineOfAsyncMethodsOnAMultiThreadRuntime() {
        assertEquals(500_500L, runMulti(pipeline(1000)));
        assertEquals(55L, run(pipeline(10)));
    }
}
