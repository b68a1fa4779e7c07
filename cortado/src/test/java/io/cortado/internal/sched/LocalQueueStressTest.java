package io.cortado.internal.sched;

import io.cortado.testing.RuntimeTestBase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An owner pushing and popping against two thieves stealing, with overflow into a shared sink: every item is taken
 * exactly once (by a pop, a steal, or the overflow), across the 32-bit wrap-around of the positions.
 */
class LocalQueueStressTest extends RuntimeTestBase {

    @Test
    @Timeout(value = 20, unit = TimeUnit.MINUTES)
    void everyItemIsTakenExactlyOnce() throws Exception {
        int items = 1_000_000 * stressScale();
        AtomicIntegerArray taken = new AtomicIntegerArray(items);
        LocalQueue<Integer> owner = new LocalQueue<>(Integer.MAX_VALUE - 1_000);
        ConcurrentLinkedQueue<Integer> overflow = new ConcurrentLinkedQueue<>();
        LocalQueue.Overflow<Integer> sink = (batch, n) -> {
            for (int i = 0; i < n; i++) {
                overflow.add((Integer) batch[i]);
            }
        };
        AtomicBoolean done = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        java.util.concurrent.atomic.AtomicLong stolen = new java.util.concurrent.atomic.AtomicLong();
        long popped = 0;
        Thread[] thieves = new Thread[2];
        for (int k = 0; k < thieves.length; k++) {
            thieves[k] = Thread.ofPlatform().start(() -> {
                LocalQueue<Integer> mine = new LocalQueue<>(-50);
                try {
                    while (!done.get() || !owner.isEmpty()) {
                        Integer first = owner.stealInto(mine);
                        if (first != null) {
                            mark(taken, first);
                            stolen.incrementAndGet();
                        }
                        Integer x;
                        while ((x = mine.pop()) != null) {
                            mark(taken, x);
                            stolen.incrementAndGet();
                        }
                    }
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                }
            });
        }
        for (int i = 0; i < items; i++) {
            owner.push(i, sink);
            if ((i & 3) == 0) {
                Integer x = owner.pop();
                if (x != null) {
                    mark(taken, x);
                    popped++;
                }
            }
        }
        Integer x;
        while ((x = owner.pop()) != null) {
            mark(taken, x);
            popped++;
        }
        done.set(true);
        for (Thread t : thieves) {
            t.join();
        }
        for (Integer o : overflow) {
            mark(taken, o);
        }
        if (failure.get() != null) {
            throw new AssertionError(failure.get());
        }
        for (int i = 0; i < items; i++) {
            assertEquals(1, taken.get(i), "item " + i + " taken " + taken.get(i) + " times");
        }
        // the three ways out all happened, and the positions wrapped (they start 1,000 below Integer.MAX_VALUE)
        assertTrue(overflow.size() > 0, "the queue never overflowed: the overflow path was not exercised");
        assertTrue(stolen.get() > 0, "nothing was stolen: the thieves never raced the owner");
        assertTrue(popped > 0, "the owner never popped");
        assertEquals(items, overflow.size() + stolen.get() + popped);
        assertTrue(items > 1_000, "the positions wrap only after 1,000 pushes");
    }

    private static void mark(AtomicIntegerArray taken, int i) {
        if (taken.incrementAndGet(i) != 1) {
            throw new AssertionError("item " + i + " taken twice");
        }
    }
}
