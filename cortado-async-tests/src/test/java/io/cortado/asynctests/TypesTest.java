package io.cortado.asynctests;

import io.cortado.Future;
import io.cortado.Futures;
import io.cortado.async.Async;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

import static io.cortado.async.Async.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Locals of every primitive type, arrays and generic types live across suspensions. */
class TypesTest extends AsyncTestBase {
    static Future<String> primitives(long l, double d, float f, byte b, char c, short s, boolean z, int i) {
        long l2 = l * 3;
        double d2 = d / 2;
        await(Later.value(0));
        float f2 = f + 0.25f;
        byte b2 = (byte) (b + 1);
        await(Later.value(0));
        char c2 = (char) (c + 1);
        short s2 = (short) (s - 1);
        boolean z2 = !z;
        int i2 = i ^ 0xFF;
        await(Later.value(0));
        l2 += await(Later.value(Long.MAX_VALUE / 2));
        d2 += await(Later.value(1e-9));
        return Async.done(l + " " + l2 + " " + d + " " + d2 + " " + f + " " + f2 + " " + b + " " + b2 + " " + c + c2
                + " " + s + " " + s2 + " " + z + " " + z2 + " " + i + " " + i2);
    }

    static Future<long[]> primitiveOperandsOnTheStack(long a, double x) {
        // a long and a double below an await, then a long and an int
        long r1 = a + await(Later.value(1L));
        double r2 = x * await(Later.value(2.0));
        long r3 = Math.max(a, await(Later.value(a + 1)));
        return Async.done(new long[] {r1, (long) r2, r3});
    }

    static Future<int[][]> arrays(int n) {
        int[][] grid = new int[n][];
        String[] names = {"a", "b"};
        Object[] objs = new Integer[] {1};
        for (int i = 0; i < n; i++) {
            grid[i] = new int[i + 1];
            for (int j = 0; j <= i; j++) {
                grid[i][j] = await(Later.value(i * j)) + names.length + (Integer) objs[0];
            }
        }
        return Async.done(grid);
    }

    static Future<String> nullLocals() {
        String a = null;
        Object b = await(Later.value("b"));
        List<String> c = null;
        await(Later.value(0));
        return Async.done(a + " " + b + " " + c);
    }

    static <K extends Comparable<K>, V> Future<Map<K, List<V>>> groupBy(List<V> items, Function<V, Future<K>> key) {
        Map<K, List<V>> out = new TreeMap<>();
        for (V v : items) {
            K k = await(key.apply(v));
            out.computeIfAbsent(k, unused -> new ArrayList<>()).add(v);
        }
        return Async.done(out);
    }

    static <T extends Number & Comparable<T>> Future<T> maxOf(List<Future<T>> futures) {
        T best = null;
        for (Future<T> f : futures) {
            T v = await(f);
            if (best == null || v.compareTo(best) > 0) {
                best = v;
            }
        }
        return Async.done(best);
    }

    @Test
    void longDoubleFloatByteCharShortBooleanAndIntLocals() {
        String expected = "5 " + (15 + Long.MAX_VALUE / 2) + " 3.0 " + (1.5 + 1e-9) + " 1.5 1.75 7 8 xy 10 9 true false 1 254";
        assertEquals(expected, run(primitives(5, 3.0, 1.5f, (byte) 7, 'x', (short) 10, true, 1)));
    }

    @Test
    void primitiveOperandsOnTheStack() {
        assertArrayEquals(new long[] {Long.MAX_VALUE, 5, Long.MAX_VALUE},
                run(primitiveOperandsOnTheStack(Long.MAX_VALUE - 1, 2.5)));
    }

    @Test
    void arraysAcrossAwaits() {
        int[][] grid = run(arrays(3));
        assertEquals("[[3], [3, 4], [3, 5, 7]]", Arrays.deepToString(grid));
    }

    @Test
    void nullLocalsAcrossAwaits() {
        assertEquals("null b null", run(nullLocals()));
    }

    @Test
    void genericMethodsAndBoundedTypes() {
        Map<Integer, List<String>> byLength = run(groupBy(List.of("aa", "b", "cc", "ddd"),
                s -> Later.value(s.length())));
        assertEquals(Map.of(1, List.of("b"), 2, List.of("aa", "cc"), 3, List.of("ddd")), byLength);
        assertEquals(7, run(maxOf(List.of(Later.value(3), Futures.ready(7), Later.value(5)))));
    }
}
