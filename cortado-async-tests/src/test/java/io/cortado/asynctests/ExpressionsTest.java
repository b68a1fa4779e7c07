package io.cortado.asynctests;

import io.cortado.Future;
import io.cortado.async.Async;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.cortado.async.Async.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Awaits inside expressions and argument lists: every value already on the operand stack when the await suspends
 * (each {@link Later} suspends once) is saved in the frame and restored.
 */
class ExpressionsTest extends AsyncTestBase {
    static Future<String> ternary(boolean which) {
        String s = which ? await(Later.value("yes")) : "no " + await(Later.value(0));
        int n = await(Later.value(which)) ? 1 : await(Later.value(2));
        return Async.done(s + n);
    }

    static Future<List<String>> conditions(int x) {
        List<String> out = new ArrayList<>();
        if (await(Later.value(x > 0)) && await(Later.value(x < 10))) {
            out.add("in range");
        }
        if (x == 0 || await(Later.value(x % 2 == 0))) {
            out.add("zero or even");
        }
        if (!(await(Later.value(x)) > 5)) {
            out.add("not above five");
        }
        return Async.done(out);
    }

    static Future<String> stringConcatenation(int a, String b) {
        String s = "a=" + a + ", b=" + await(Later.value(b)) + ", c=" + await(Later.value('c')) + ", d="
                + await(Later.value(1.5)) + ", e=" + await(Later.value(7L)) + "!";
        return Async.done(s);
    }

    static String join(String a, int b, long c, double d, String e) {
        return a + "|" + b + "|" + c + "|" + d + "|" + e;
    }

    static int add(int a, int b) {
        return a + b;
    }

    static Future<String> argumentLists() {
        String x = "x";
        // a String, an int, a long and a double are on the stack when the last argument's await suspends
        String s = join(x + "1", 2, 3L, 4.5, await(Later.value("five")));
        // nested calls, each with awaits among the arguments
        int n = add(add(1, await(Later.value(2))), add(await(Later.value(3)), add(4, await(Later.value(5)))));
        return Async.done(s + " " + n);
    }

    record Pair(Object left, Object right) {
    }

    static Future<Pair> constructors() {
        // new T(await(x)): the uninitialised T cannot be saved, the compiler moves the new down
        Pair p = new Pair(new Pair(await(Later.value("a")), new StringBuilder(await(Later.value("b")))),
                new ArrayList<>(List.of(await(Later.value(1)), await(Later.value(2)))));
        return Async.done(p);
    }

    int count;
    long total;

    Future<String> fieldsAndArrays(int[] array) {
        this.count += await(Later.value(5));          // this and the old value on the stack
        total = total * 2 + await(Later.value(3L));   // a long below the await
        array[await(Later.value(1))] = await(Later.value(42)); // array and index on the stack
        array[0] += await(Later.value(10));
        long[][] grid = new long[await(Later.value(2))][await(Later.value(3))];
        grid[1][2] = await(Later.value(99L));
        return Async.done(count + " " + total + " " + array[0] + "," + array[1] + " " + grid[1][2]);
    }

    static Future<String> patternsAndCasts(Object o) {
        if (await(Later.value(o)) instanceof String s && s.length() > await(Later.value(2))) {
            return Async.done("long string " + s);
        }
        Map<String, Integer> m = Map.of("k", 1);
        int v = m.get(await(Later.value("k"))) + (int) (double) await(Later.value(2.0));
        return Async.done("v=" + v);
    }

    final class Node {
        final String label;
        final List<Node> children = new ArrayList<>();

        Node(String label) {
            this.label = label;
        }

        Node add(Node child) {
            children.add(child);
            return this;
        }

        @Override
        public String toString() {
            return children.isEmpty() ? label : label + children;
        }
    }

    abstract static class Named {
        final String name;

        Named(String name) {
            this.name = name;
        }

        abstract String describe();
    }

    Future<String> constructorShapes() {
        // an inner class (its outer instance is an argument too), chained calls on a new object, an array
        // initialiser, an anonymous class, and a new stored into an array element with i++
        Node root = this.new Node(await(Later.value("root")))
                .add(new Node(await(Later.value("a"))).add(new Node(await(Later.value("a1")))))
                .add(new Node("b"));
        int[] values = {await(Later.value(1)), 2, await(Later.value(3))};
        Named anon = new Named(await(Later.value("anon"))) {
            @Override
            String describe() {
                return "I am " + name;
            }
        };
        Object[] slots = new Object[2];
        int i = 0;
        slots[i++] = new StringBuilder(await(Later.value("s0"))).append(await(Later.value("!")));
        slots[i++] = new Pair(i, await(Later.value(i)));
        return Async.done(root + " " + java.util.Arrays.toString(values) + " " + anon.describe() + " "
                + slots[0] + " " + slots[1] + " " + i);
    }

    static Future<String> forClauses() {
        StringBuilder b = new StringBuilder();
        for (int i = await(Later.value(1)); i < await(Later.value(4)); i += await(Later.value(1))) {
            b.append(i);
        }
        return Async.done(b.toString());
    }

    @Test
    void ternaryOperator() {
        assertEquals("yes1", run(ternary(true)));
        assertEquals("no 02", run(ternary(false)));
    }

    @Test
    void conditionsWithShortCircuit() {
        assertEquals(List.of("in range", "not above five"), run(conditions(3)));
        assertEquals(List.of("in range", "zero or even"), run(conditions(8)));
        assertEquals(List.of("zero or even", "not above five"), run(conditions(0)));
    }

    @Test
    void stringConcatenationAroundAwaits() {
        assertEquals("a=1, b=two, c=c, d=1.5, e=7!", run(stringConcatenation(1, "two")));
    }

    @Test
    void argumentListsAndNestedCalls() {
        assertEquals("x1|2|3|4.5|five 15", run(argumentLists()));
    }

    @Test
    void newWithAwaitsInTheArguments() {
        Pair p = run(constructors());
        assertEquals("a", ((Pair) p.left()).left());
        assertEquals("b", ((Pair) p.left()).right().toString());
        assertEquals(List.of(1, 2), p.right());
    }

    @Test
    void compoundAssignmentsToFieldsAndArrayElements() {
        ExpressionsTest t = new ExpressionsTest();
        t.count = 1;
        t.total = 10;
        int[] array = new int[2];
        assertEquals("6 23 10,42 99", run(t.fieldsAndArrays(array)));
        assertEquals(6, t.count);
    }

    @Test
    void instanceofPatternsAndCasts() {
        assertEquals("long string hello", run(patternsAndCasts("hello")));
        assertEquals("v=3", run(patternsAndCasts("hi")));
        assertEquals("v=3", run(patternsAndCasts(7)));
    }

    @Test
    void innerAnonymousAndChainedConstructionWithAwaitsInTheArguments() {
        assertEquals("root[a[a1], b] [1, 2, 3] I am anon s0! Pair[left=2, right=2] 2",
                run(new ExpressionsTest().constructorShapes()));
    }

    @Test
    void awaitsInTheInitConditionAndUpdateOfAFor() {
        assertEquals("123", run(forClauses()));
    }
}
