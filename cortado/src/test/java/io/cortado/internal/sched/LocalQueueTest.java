package io.cortado.internal.sched;

import io.cortado.testing.RuntimeTestBase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Single-threaded rules of {@link LocalQueue}: FIFO, overflow, steal half, wrap-around. */
class LocalQueueTest extends RuntimeTestBase {
    private final List<Integer> overflow = new ArrayList<>();
    private final LocalQueue.Overflow<Integer> sink = (items, n) -> {
        for (int i = 0; i < n; i++) {
            overflow.add((Integer) items[i]);
        }
    };

    @ParameterizedTest
    @ValueSource(ints = {0, -100, Integer.MAX_VALUE - 100, Integer.MIN_VALUE + 5})
    void fifoOverflowAndWrapAround(int start) {
        LocalQueue<Integer> q = new LocalQueue<>(start);
        for (int round = 0; round < 5; round++) {
            for (int i = 0; i < 100; i++) {
                q.push(i, sink);
            }
            for (int i = 0; i < 100; i++) {
                assertEquals(i, q.pop());
            }
            assertNull(q.pop());
        }
        for (int i = 0; i < LocalQueue.CAPACITY + 1; i++) {
            q.push(i, sink);
        }
        assertEquals(LocalQueue.CAPACITY / 2 + 1, overflow.size(), "a full queue moves half plus the new item");
        for (int i = 0; i < LocalQueue.CAPACITY / 2; i++) {
            assertEquals(i, overflow.get(i), "the oldest half overflows, in order");
        }
        assertEquals(LocalQueue.CAPACITY, overflow.get(LocalQueue.CAPACITY / 2));
        int expected = LocalQueue.CAPACITY / 2;
        Integer x;
        while ((x = q.pop()) != null) {
            assertEquals(expected++, x);
        }
        assertEquals(LocalQueue.CAPACITY, expected);
    }

    @Test
    void stealTakesHalfRoundedUpAndReturnsOne() {
        LocalQueue<Integer> src = new LocalQueue<>();
        LocalQueue<Integer> dst = new LocalQueue<>();
        for (int i = 0; i < 7; i++) {
            src.push(i, sink);
        }
        Integer first = src.stealInto(dst);
        assertEquals(3, first, "the last of the stolen four is returned to run at once");
        assertEquals(List.of(0, 1, 2), drain(dst));
        assertEquals(List.of(4, 5, 6), drain(src));
        assertNull(src.stealInto(dst), "nothing to steal from an empty queue");
    }

    @Test
    void thiefWithAFullQueueDoesNotSteal() {
        LocalQueue<Integer> src = new LocalQueue<>();
        LocalQueue<Integer> dst = new LocalQueue<>();
        for (int i = 0; i < 10; i++) {
            src.push(i, sink);
        }
        for (int i = 0; i < LocalQueue.CAPACITY / 2 + 1; i++) {
            dst.push(i, sink);
        }
        assertNull(src.stealInto(dst));
        assertEquals(10, src.size());
        assertTrue(overflow.isEmpty());
    }

    private static List<Integer> drain(LocalQueue<Integer> q) {
        List<Integer> out = new ArrayList<>();
        Integer x;
        while ((x = q.pop()) != null) {
            out.add(x);
        }
        return out;
    }
}
