package io.cortado.sync;

import io.cortado.AsyncRuntime;
import io.cortado.Future;
import io.cortado.JoinHandle;
import io.cortado.Poll;
import io.cortado.testing.RuntimeTestBase;
import io.cortado.testing.WaitCounter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Barrier} between tasks on the two workers of a multi-thread runtime: generations reused many times, each
 * released only once all parties arrived, with exactly one leader; a waiter cancelled before the release withdraws
 * its arrival, one cancelled after it changes nothing. Each test counts the awaits that really waited and were woken
 * from the other thread, and fails if there were none.
 */
class BarrierStressTest extends RuntimeTestBase {

    /**
     * Each of {@code parties} tasks arrives {@code generations} times in a row: its k-th arrival belongs to generation
     * k (a generation cannot end without every party, so no party can be two generations ahead). When its await
     * completes, every party has counted its arrival in that generation; the leaders are counted per generation. A
     * woken waiter whose generation has a leader already sometimes cancels its await instead of polling it (cancel
     * after the release: it must change nothing, or the next generation would wait for one party too many).
     */
    @ParameterizedTest(name = "{0} parties")
    @ValueSource(ints = {2, 3, 8})
    void everyGenerationReleasesOnceAllArrivedWithExactlyOneLeader(int parties) {
        int generations = 3_000 * stressScale();
        Barrier barrier = new Barrier(parties);
        AtomicIntegerArray arrivals = new AtomicIntegerArray(generations);
        AtomicIntegerArray leaders = new AtomicIntegerArray(generations);
        WaitCounter waits = new WaitCounter();
        LongAdder cancelledAfterRelease = new LongAdder();
        try (AsyncRuntime rt = AsyncRuntime.builder().multiThread().workerThreads(2).build()) {
            List<JoinHandle<Void>> hs = new ArrayList<>();
            for (int i = 0; i < parties; i++) {
                int id = i;
                int[] gen = {0};
                boolean[] woken = {false};
                @SuppressWarnings({"unchecked", "rawtypes"})
                Future<Boolean>[] waiting = new Future[1];
                hs.add(rt.spawn(cx -> {
                    while (gen[0] < generations) {
                        int k = gen[0];
                        if (waiting[0] == null) {
                            arrivals.incrementAndGet(k);
                            waiting[0] = waits.count(barrier.await());
                            woken[0] = false;
                        }
                        if (woken[0] && leaders.get(k) > 0 && (k + id) % 3 == 0) {
                            waiting[0].cancel(); // after the release: the arrival stays counted
                            cancelledAfterRelease.increment();
                        } else {
                            Poll<Boolean> p = waiting[0].poll(cx);
                            if (!p.isReady()) {
                                woken[0] = true;
                                return Poll.pending();
                            }
                            if (p.value()) {
                                leaders.incrementAndGet(k);
                            }
                        }
                        waiting[0] = null;
                        assertEquals(parties, arrivals.get(k), "generation " + k + " released before all arrived");
                        gen[0]++;
                        if ((gen[0] & 15) == id % 16) {
                            cx.waker().wake(); // yield now and then, so the parties interleave differently
                            return Poll.pending();
                        }
                    }
                    return Poll.ready(null);
                }));
            }
            StressJoin.joinAll(rt, hs, () -> "generations ended " + ended(leaders) + ", " + waits);
        }
        for (int k = 0; k < generations; k++) {
            assertEquals(1, leaders.get(k), "leaders of generation " + k);
            assertEquals(parties, arrivals.get(k), "arrivals in generation " + k);
        }
        assertTrue(waits.waited() > 0, "no await waited: " + waits);
        assertTrue(waits.wokenAcrossThreads() > 0, "no waiter was woken from the other worker: " + waits);
        assertTrue(cancelledAfterRelease.sum() > 0, "no waiter was cancelled after its release");
    }

    private static int ended(AtomicIntegerArray leaders) {
        int n = 0;
        while (n < leaders.length() && leaders.get(n) > 0) {
            n++;
        }
        return n;
    }

    /**
     * A waiter cancelled before the release withdraws its arrival (the {@code await()} cancel-safety promise). Of
     * {@code parties} tasks, two (the gatekeepers) arrive in generation k only after a canceller task has arrived in
     * it and cancelled; the others arrive freely meanwhile, on both workers, so the cancel races their arrivals. With
     * at most {@code parties - 1} arrivals before the cancel, the canceller can never be the last one (its await must
     * be pending), and a generation released by its stale arrival is caught by the per-generation count.
     */
    @Test
    void aWaiterCancelledBeforeTheReleaseWithdrawsItsArrival() {
        int parties = 5;
        int generations = 2_000 * stressScale();
        Barrier barrier = new Barrier(parties);
        AtomicIntegerArray arrivals = new AtomicIntegerArray(generations);
        AtomicIntegerArray leaders = new AtomicIntegerArray(generations);
        AtomicIntegerArray passed = new AtomicIntegerArray(2); // generations each gatekeeper has passed
        AtomicLong cancelledGenerations = new AtomicLong();
        AtomicInteger cancelledWhileOthersWaited = new AtomicInteger();
        WaitCounter waits = new WaitCounter();
        WaitCounter cancelled = new WaitCounter();
        try (AsyncRuntime rt = AsyncRuntime.builder().multiThread().workerThreads(2).build()) {
            List<JoinHandle<Void>> hs = new ArrayList<>();
            for (int i = 0; i < parties; i++) {
                int id = i;
                int[] gen = {0};
                @SuppressWarnings({"unchecked", "rawtypes"})
                Future<Boolean>[] waiting = new Future[1];
                hs.add(rt.spawn(cx -> {
                    while (gen[0] < generations) {
                        int k = gen[0];
                        if (waiting[0] == null) {
                            if (id < 2 && cancelledGenerations.get() <= k) {
                                cx.waker().wake(); // a gatekeeper: wait (yielding) for the canceller's round k
                                return Poll.pending();
                            }
                            arrivals.incrementAndGet(k);
                            waiting[0] = waits.count(barrier.await());
                        }
                        Poll<Boolean> p = waiting[0].poll(cx);
                        if (!p.isReady()) {
                            return Poll.pending();
                        }
                        waiting[0] = null;
                        if (p.value()) {
                            leaders.incrementAndGet(k);
                        }
                        assertEquals(parties, arrivals.get(k), "generation " + k + " released before all arrived");
                        if (id < 2) {
                            passed.set(id, k + 1);
                        }
                        gen[0]++;
                    }
                    return Poll.ready(null);
                }));
            }
            int[] round = {0};
            @SuppressWarnings({"unchecked", "rawtypes"})
            Future<Boolean>[] arrived = new Future[1];
            hs.add(rt.spawn(cx -> {
                while (round[0] < generations) {
                    int k = round[0];
                    if (arrived[0] == null) {
                        if (passed.get(0) < k || passed.get(1) < k) {
                            cx.waker().wake(); // generation k-1 is not over: arriving now would join it
                            return Poll.pending();
                        }
                        arrived[0] = cancelled.count(barrier.await());
                        Poll<Boolean> p = arrived[0].poll(cx);
                        assertTrue(!p.isReady(), "the canceller completed generation " + k + " without its parties");
                        cx.waker().wake(); // let the others arrive while this arrival counts, then cancel it
                        return Poll.pending();
                    }
                    if (waits.waitingNow() > 0) {
                        cancelledWhileOthersWaited.incrementAndGet();
                    }
                    arrived[0].cancel(); // before the release (the gatekeepers have not arrived): withdraws
                    arrived[0] = null;
                    round[0]++;
                    cancelledGenerations.set(k + 1);
                }
                return Poll.ready(null);
            }));
            StressJoin.joinAll(rt, hs, () -> "generations ended " + ended(leaders) + ", cancelled in "
                    + cancelledGenerations.get() + ", " + waits);
        }
        for (int k = 0; k < generations; k++) {
            assertEquals(1, leaders.get(k), "leaders of generation " + k);
        }
        assertEquals(generations, cancelledGenerations.get());
        assertEquals(0, cancelled.waited() + cancelled.immediate(), "a cancelled await completed");
        assertTrue(cancelledWhileOthersWaited.get() > 0, "no cancel happened while other parties waited: " + waits);
        assertTrue(waits.wokenAcrossThreads() > 0, "no waiter was woken from the other worker: " + waits);
    }
}
