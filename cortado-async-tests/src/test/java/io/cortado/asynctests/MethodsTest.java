package io.cortado.asynctests;

import io.cortado.Future;
import io.cortado.Task;
import io.cortado.async.Async;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.cortado.async.Async.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Async methods of every kind of method and class. */
class MethodsTest extends AsyncTestBase {
    private String name = "test";

    // --- instance and static, private and varargs

    Future<String> greet(String whom) {
        String g = await(Later.value("hello"));
        return Async.done(g + " " + whom + " from " + name + secret());
    }

    private String secret() {
        return "!";
    }

    private Future<Integer> privateAsync(int x) {
        return Async.done(await(Later.value(x)) + 1);
    }

    static Future<Integer> sum(int... xs) {
        int s = 0;
        for (int x : xs) {
            s += await(Later.value(x));
        }
        return Async.done(s);
    }

    // --- interfaces

    interface Greeter {
        String prefix();

        default Future<String> greetTwice(String whom) {
            String a = await(Later.value(prefix() + whom));
            String b = await(Later.value(a.toUpperCase()));
            return Async.done(a + "/" + b);
        }

        static Future<String> make(String p) {
            await(Task.yieldNow());
            return Async.done(p + p);
        }
    }

    record Hi(String prefix) implements Greeter {
    }

    // --- nested, inner, anonymous and local classes

    static final class Counter {
        private int n;

        Future<Integer> incrementBy(int k) {
            for (int i = 0; i < k; i++) {
                n += await(Later.value(1));
            }
            return Async.done(n);
        }
    }

    final class Inner {
        private final int factor;

        Inner(int factor) {
            this.factor = factor;
        }

        Future<String> describe() {
            int f = await(Later.value(factor));
            return Async.done(name + "*" + f + " " + greetSync());
        }
    }

    private String greetSync() {
        return "outer:" + name;
    }

    abstract static class Base {
        Future<String> who() {
            await(Task.yieldNow());
            return Async.done("base");
        }
    }

    static class Derived extends Base {
        @Override
        Future<String> who() {
            String s = await(super.who());
            return Async.done("derived of " + s);
        }
    }

    // --- recursion

    static Future<Long> fib(int n) {
        if (n < 2) {
            return Async.done((long) n);
        }
        long a = await(fib(n - 1));
        long b = await(fib(n - 2));
        return Async.done(a + b);
    }

    static Future<Integer> depth(int n) {
        if (n == 0) {
            await(Later.value(0));
            return Async.done(0);
        }
        return Async.done(1 + await(depth(n - 1)));
    }

    @Test
    void instanceMethodsSeeTheirObject() {
        assertEquals("hello you from test!", run(new MethodsTest().greet("you")));
        assertEquals(42, run(new MethodsTest().privateAsync(41)));
    }

    @Test
    void staticVarargsMethod() {
        assertEquals(10, run(sum(1, 2, 3, 4)));
        assertEquals(0, run(sum()));
    }

    @Test
    void interfaceDefaultAndStaticAsyncMethods() {
        assertEquals("hi bob/HI BOB", run(new Hi("hi ").greetTwice("bob")));
        assertEquals("abab", run(Greeter.make("ab")));
        Greeter anonymous = () -> "yo ";
        assertEquals("yo x/YO X", run(anonymous.greetTwice("x")));
    }

    @Test
    void staticNestedClassKeepsItsState() {
        Counter c = new Counter();
        assertEquals(3, run(c.incrementBy(3)));
        assertEquals(5, run(c.incrementBy(2)));
    }

    @Test
    void innerClassReachesItsOuterInstance() {
        MethodsTest outer = new MethodsTest();
        outer.name = "outer";
        assertEquals("outer*3 outer:outer", run(outer.new Inner(3).describe()));
    }

    @Test
    void anonymousAndLocalClasses() {
        class Local {
            Future<String> twice(String s) {
                return Async.done(await(Later.value(s)) + await(Later.value(s)));
            }
        }
        Base anon = new Base() {
            @Override
            Future<String> who() {
                String s = await(Later.value("anonymous"));
                return Async.done(s + " " + name);
            }
        };
        assertEquals("abab", run(new Local().twice("ab")));
        assertEquals("anonymous test", run(anon.who()));
    }

    @Test
    void overridingAndAwaitingSuper() {
        assertEquals("derived of base", run(new Derived().who()));
        Base b = new Derived();
        assertEquals(List.of("derived of base"), List.of(run(b.who())));
    }

    @Test
    void recursionThroughAwait() {
        assertEquals(6765L, run(fib(20)));
        assertEquals(200, run(depth(200)));
        assertEquals(55L, runMulti(fib(10)));
    }
}
