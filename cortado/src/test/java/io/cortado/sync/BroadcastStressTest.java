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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.LongAdder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Broadcast} receivers waiting in {@code recv()} on the two workers of a multi-thread runtime while senders
 * send: each receiver gets every message in order, or a {@link Broadcast.LaggedException} whose count is exactly the
 * messages it lost; closing the last sender wakes every waiting receiver with the end, and closing any other sender
 * does not. The waits that really waited, and were woken from another thread, and the lags are counted and must be
 * there.
 */
class BroadcastStressTest extends RuntimeTestBase {

    /**
     * A receiver task for one sender sending {@code 0..n-1}: each message is the one expected next, a lag of m moves
     * the expectation m ahead (the next message received shows whether m was right), the end comes after message
     * {@code n-1}. A slow receiver yields after each message, so it falls behind and lags.
     */
    private static Future<Long> receiver(Broadcast.Receiver<Long> rx, long n, boolean slow, WaitCounter waits,
                                         LongAdder lags) {
        long[] expected = {0};
        Future<?>[] receiving = {null};
        int[] polls = {0};
        return cx -> {
            for (; ; ) {
                if (slow && polls[0]++ % 4 != 3) {
                    cx.waker().wake();
                    return Poll.pending();
                }
                if (receiving[0] == null) {
                    receiving[0] = waits.count(rx.recv());
                }
                Poll<?> p;
                try {
                    p = receiving[0].poll(cx);
                } catch (Broadcast.LaggedException e) {
                    receiving[0] = null;
                    assertTrue(e.missed() > 0, "lagged by " + e.missed());
                    expected[0] += e.missed();
                    lags.increment();
                    continue;
                }
                if (!p.isReady()) {
                    return Poll.pending();
                }
                receiving[0] = null;
                if (p.value() == null) {
                    assertEquals(n, expected[0], "the end came before the last message");
                    return Poll.ready(expected[0]);
                }
                assertEquals(expected[0], (long) (Long) p.value(), "out of order, or a lag miscounted");
                expected[0]++;
            }
        };
    }

    @Test
    void everyReceiverGetsEveryMessageInOrderOrExactlyCountedLags() {
        long n = 60_000L * stressScale();
        int receivers = 4;
        Broadcast.Channel<Long> ch = Broadcast.channel(8);
        WaitCounter waits = new WaitCounter();
        LongAdder lags = new LongAdder();
        try (AsyncRuntime rt = AsyncRuntime.builder().multiThread().workerThreads(2).build()) {
            List<JoinHandle<Long>> hs = new ArrayList<>();
            hs.add(rt.spawn(receiver(ch.receiver(), n, false, waits, lags)));
            for (int i = 1; i < receivers; i++) {
                hs.add(rt.spawn(receiver(ch.sender().subscribe(), n, i % 2 == 1, waits, lags)));
            }
            long[] next = {0};
            hs.add(rt.spawn(cx -> {
                for (int burst = 1 + (int) (next[0] * 7 % 13); next[0] < n; burst--) { // bursts of 1 to 13
                    if (burst == 0) {
                        cx.waker().wake(); // yield between bursts: fast receivers catch up and wait
                        return Poll.pending();
                    }
                    ch.sender().send(next[0]++);
                }
                ch.sender().close();
                return Poll.ready(n);
            }));
            StressJoin.joinAll(rt, hs, () -> "sent " + next[0] + ", lags " + lags.sum() + ", " + waits);
        }
        assertTrue(waits.waited() > 0 && waits.wokenAcrossThreads() > 0, "recv() never waited: " + waits);
        assertTrue(lags.sum() > 0, "no receiver lagged");
    }

    /**
     * Two senders on different tasks: a receiver's messages from each sender come in that sender's order, and what
     * it received plus what it was told it lost is exactly what was sent.
     */
    @Test
    void twoSendersEachInOrderAndReceivedPlusLostIsWhatWasSent() {
        int perSender = 30_000 * stressScale();
        int receivers = 3;
        Broadcast.Channel<long[]> ch = Broadcast.channel(16);
        Broadcast.Sender<long[]> second = ch.sender().duplicate();
        WaitCounter waits = new WaitCounter();
        LongAdder lost = new LongAdder();
        try (AsyncRuntime rt = AsyncRuntime.builder().multiThread().workerThreads(2).build()) {
            List<JoinHandle<Void>> hs = new ArrayList<>();
            for (int i = 0; i < receivers; i++) {
                Broadcast.Receiver<long[]> rx = i == 0 ? ch.receiver() : ch.sender().subscribe();
                long[] last = {-1, -1};
                long[] counted = {0};
                Future<?>[] receiving = {null};
                boolean slow = i == receivers - 1;
                int[] polls = {0};
                hs.add(rt.spawn(cx -> {
                    for (; ; ) {
                        if (slow && polls[0]++ % 3 != 2) {
                            cx.waker().wake();
                            return Poll.pending();
                        }
                        if (receiving[0] == null) {
                            receiving[0] = waits.count(rx.recv());
                        }
                        Poll<?> p;
                        try {
                            p = receiving[0].poll(cx);
                        } catch (Broadcast.LaggedException e) {
                            receiving[0] = null;
                            counted[0] += e.missed();
                            lost.add(e.missed());
                            continue;
                        }
                        if (!p.isReady()) {
                            return Poll.pending();
                        }
                        receiving[0] = null;
                        long[] m = (long[]) p.value();
                        if (m == null) {
                            assertEquals(2L * perSender, counted[0], "received plus lost");
                            return Poll.ready(null);
                        }
                        int id = (int) m[0];
                        assertTrue(m[1] > last[id], "sender " + id + ": " + m[1] + " after " + last[id]);
                        last[id] = m[1];
                        counted[0]++;
                    }
                }));
            }
            for (Broadcast.Sender<long[]> tx : List.of(ch.sender(), second)) {
                int id = tx == second ? 1 : 0;
                int[] next = {0};
                hs.add(rt.spawn(cx -> {
                    for (int burst = 1 + next[0] * 5 % 11; next[0] < perSender; burst--) {
                        if (burst == 0) {
                            cx.waker().wake();
                            return Poll.pending();
                        }
                        tx.send(new long[] {id, next[0]++});
                    }
                    tx.close();
                    return Poll.ready(null);
                }));
            }
            StressJoin.joinAll(rt, hs, () -> "lost " + lost.sum() + ", " + waits);
        }
        assertTrue(waits.waited() > 0 && waits.wokenAcrossThreads() > 0, "recv() never waited: " + waits);
        assertTrue(lost.sum() > 0, "no receiver lagged");
    }

    /**
     * Rounds of a send, then closing one of two senders, then the other, from the test's thread to four receiver
     * tasks: each gets the message, the first close must leave them waiting (each is polled after it, and must not
     * see the end), the second must wake each one with the end. In even rounds the test first sees every receiver
     * waiting, before the send and before the closes, so every one of those waits really waited and was woken from
     * another thread. In odd rounds the send comes at once, racing the receivers' registrations: a wake lost between
     * a receiver's look and its registration leaves it waiting for the message for good, and the join fails.
     */
    @Test
    void closingTheLastSenderWakesEveryReceiverWaitingOrRegistering() {
        int rounds = 400 * stressScale();
        int receivers = 4;
        long waitedInRaces = 0;
        long immediateInRaces = 0;
        try (AsyncRuntime rt = AsyncRuntime.builder().multiThread().workerThreads(2).build()) {
            for (int round = 0; round < rounds; round++) {
                boolean racing = (round & 1) == 1;
                WaitCounter waits = new WaitCounter();
                Broadcast.Channel<Long> ch = Broadcast.channel(4);
                Broadcast.Sender<Long> other = ch.sender().duplicate();
                AtomicBoolean lastClosed = new AtomicBoolean();
                AtomicIntegerArray polls = new AtomicIntegerArray(receivers); // each receiver task's polls ended
                long value = round;
                List<JoinHandle<Void>> hs = new ArrayList<>();
                for (int i = 0; i < receivers; i++) {
                    Broadcast.Receiver<Long> rx = i == 0 ? ch.receiver() : ch.sender().subscribe();
                    Future<Long> first = waits.count(rx.recv());
                    Future<?>[] second = {null};
                    int id = i;
                    Future<Void> receiving = cx -> {
                        if (second[0] == null) {
                            Poll<Long> p = first.poll(cx);
                            if (!p.isReady()) {
                                return Poll.pending();
                            }
                            assertEquals(value, p.value());
                            second[0] = waits.count(rx.recv());
                        }
                        Poll<?> p = second[0].poll(cx);
                        if (!p.isReady()) {
                            return Poll.pending();
                        }
                        assertNull(p.value());
                        assertTrue(lastClosed.get(), "the end came while a sender was open");
                        return Poll.ready(null);
                    };
                    hs.add(rt.spawn(cx -> {
                        try {
                            return receiving.poll(cx);
                        } finally {
                            polls.incrementAndGet(id);
                        }
                    }));
                }
                int r = round;
                if (!racing) {
                    awaitCondition(() -> waits.waitingNow() == receivers, "every receiver waits (round " + r + ")");
                }
                ch.sender().send(value);
                if (!racing) {
                    awaitCondition(() -> waits.waitingNow() == receivers && waits.waited() == receivers,
                            "every receiver got the message and waits again (round " + r + ")");
                }
                int[] before = new int[receivers];
                for (int i = 0; i < receivers; i++) {
                    before[i] = polls.get(i);
                }
                other.close(); // wakes those waiting; they look and must wait again
                // A receiver registered before the close is woken by it and polled again; one running meanwhile looks
                // again in that poll or is woken: either way a poll of each ends after this point, and the end seen
                // before lastClosed is set is a bug. (A task that ended early goes to the join, which shows why.)
                awaitCondition(() -> java.util.stream.IntStream.range(0, receivers)
                        .allMatch(i -> polls.get(i) > before[i] || hs.get(i).isFinished()),
                        "every receiver was polled after the first close");
                lastClosed.set(true);
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
