package io.cortado.sync;

import io.cortado.AsyncRuntime;
import io.cortado.Future;
import io.cortado.JoinHandle;
import io.cortado.Poll;
import io.cortado.testing.RuntimeTestBase;
import io.cortado.testing.WaitCounter;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Watch} receivers waiting in {@code changed()} on the two workers of a multi-thread runtime while a sender
 * changes the value: each sees values only move forward, the latest one always, and the final one before the close;
 * a send or a close wakes every waiting receiver. The waits that really waited, and were woken from another thread,
 * are counted and must be there.
 */
class WatchStressTest extends RuntimeTestBase {

    /**
     * A receiver task: waits for changes and borrows the value, until the close; every value is newer than the one
     * before. Slow receivers yield after each value, so they skip some.
     */
    private static Future<Long> receiver(Watch.Receiver<Long> rx, boolean slow, WaitCounter waits,
                                         LongAdder skipped) {
        long[] last = {0};
        Future<?>[] waiting = {null};
        int[] yielded = {0};
        return cx -> {
            for (; ; ) {
                if (slow && yielded[0]++ % 3 != 2) {
                    cx.waker().wake();
                    return Poll.pending();
                }
                if (waiting[0] == null) {
                    waiting[0] = waits.count(rx.changed());
                }
                try {
                    if (!waiting[0].poll(cx).isReady()) {
                        return Poll.pending();
                    }
                } catch (ClosedException e) {
                    assertFalse(rx.hasChanged(), "closed while a value was unseen");
                    return Poll.ready(last[0]);
                }
                waiting[0] = null;
                long v = rx.borrow();
                assertTrue(v > last[0], "the value went from " + last[0] + " to " + v);
                if (v > last[0] + 1) {
                    skipped.increment();
                }
                last[0] = v;
            }
        };
    }

    @Test
    void receiversSeeValuesOnlyMoveForwardAndAlwaysTheFinalOne() {
        long values = 50_000L * stressScale();
        int receivers = 4;
        Watch.Channel<Long> ch = Watch.channel(0L);
        WaitCounter waits = new WaitCounter();
        LongAdder skipped = new LongAdder();
        try (AsyncRuntime rt = AsyncRuntime.builder().multiThread().workerThreads(2).build()) {
            List<JoinHandle<Long>> hs = new ArrayList<>();
            hs.add(rt.spawn(receiver(ch.receiver(), false, waits, skipped)));
            for (int i = 1; i < receivers; i++) {
                hs.add(rt.spawn(receiver(ch.sender().subscribe(), i % 2 == 1, waits, skipped)));
            }
            long[] next = {1};
            hs.add(rt.spawn(cx -> {
                for (int burst = 1 + (int) (next[0] * 7 % 9); next[0] <= values; burst--) { // bursts of 1 to 9
                    if (burst == 0) {
                        cx.waker().wake(); // yield between bursts, so the receivers catch up and wait
                        return Poll.pending();
                    }
                    ch.sender().send(next[0]++);
                }
                ch.sender().close();
                return Poll.ready(values);
            }));
            StressJoin.joinAll(rt, hs, () -> "sent " + (next[0] - 1) + ", " + waits);
            for (JoinHandle<Long> h : hs) {
                assertEquals(values, rt.blockOn(h), "the last value a receiver saw");
            }
        }
        assertTrue(waits.waited() > 0 && waits.wokenAcrossThreads() > 0, "changed() never waited: " + waits);
        assertTrue(skipped.sum() > 0, "no receiver ever skipped a value: the sender never overtook one");
    }

    /**
     * Rounds of a send and a close from the test's thread to four receiver tasks. In even rounds the test first sees
     * every receiver waiting, before the send and again before the close: each must be woken, so every one of those
     * waits really waited and was woken from another thread. In odd rounds the send and the close come at once,
     * racing the receivers' registrations: a wake lost between a receiver's look and its registration leaves it
     * waiting for good (no later send rescues it), and the join fails.
     */
    @Test
    void aSendAndACloseWakeEveryReceiverWaitingOrRegistering() {
        int rounds = 400 * stressScale();
        int receivers = 4;
        long waitedInRaces = 0;
        long immediateInRaces = 0;
        try (AsyncRuntime rt = AsyncRuntime.builder().multiThread().workerThreads(2).build()) {
            for (int round = 0; round < rounds; round++) {
                boolean racing = (round & 1) == 1;
                WaitCounter waits = new WaitCounter();
                Watch.Channel<Long> ch = Watch.channel(0L);
                long value = round + 1L;
                List<JoinHandle<Void>> hs = new ArrayList<>();
                for (int i = 0; i < receivers; i++) {
                    Watch.Receiver<Long> rx = i == 0 ? ch.receiver() : ch.sender().subscribe();
                    Future<Void> first = waits.count(rx.changed());
                    Future<?>[] second = {null};
                    hs.add(rt.spawn(cx -> {
                        if (second[0] == null) {
                            if (!first.poll(cx).isReady()) {
                                return Poll.pending();
                            }
                            assertEquals(value, rx.borrow());
                            second[0] = waits.count(rx.changed());
                        }
                        try {
                            if (!second[0].poll(cx).isReady()) {
                                return Poll.pending();
                            }
                        } catch (ClosedException expected) {
                            return Poll.ready(null);
                        }
                        throw new AssertionError("changed() completed without a change");
                    }));
                }
                int r = round;
                if (!racing) {
                    awaitCondition(() -> waits.waitingNow() == receivers, "every receiver waits (round " + r + ")");
                }
                ch.sender().send(value);
                if (!racing) {
                    awaitCondition(() -> waits.waitingNow() == receivers && waits.waited() == receivers,
                            "every receiver got the value and waits again (round " + r + ")");
                }
                ch.sender().close();
                StressJoin.joinAll(rt, hs, () -> "round " + r + ", " + waits);
                if (racing) {
                    assertEquals(2L * receivers, waits.waited() + waits.immediate(), "round " + r + ": " + waits);
                    waitedInRaces += waits.waited();
                    immediateInRaces += waits.immediate();
                } else {
                    assertEquals(2L * receivers, waits.waited(), "round " + r + ": " + waits);
                    assertEquals(waits.waited(), waits.wokenAcrossThreads(), "woken by the test's thread: " + waits);
                }
            }
        }
        assertTrue(waitedInRaces > 0 && immediateInRaces > 0, "the racing rounds never raced: " + waitedInRaces
                + " waits, " + immediateInRaces + " completed at once");
    }
}
