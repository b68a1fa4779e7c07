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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Notify} across the two workers of a multi-thread runtime and a thread outside it: {@code notifyOne} racing
 * {@code notified()} registrations and cancels loses no notification (a work counter guarded by it never strands an
 * item while every consumer waits); {@code notifyWaiters} racing registrations wakes every waiter whose future was
 * created before it. The waits that really waited, the ones woken across threads, and the other paths each test
 * exists for (a stored permit, a notification passed on by a cancel, a future completed by the generation check) are
 * counted and must be there.
 */
class NotifyStressTest extends RuntimeTestBase {

    /**
     * Producers (two tasks and a thread outside the runtime) each add {@code perProducer} items to a counter and call
     * {@code notifyOne} after each; three consumer tasks take items and, when there are none, wait in
     * {@code notified()} (created before they look, the pattern Notify is for). A consumer woken sometimes cancels its
     * wait instead of polling it: if the wake was a {@code notifyOne} it never observed, the cancel must pass it on.
     * A lost notification strands items with every consumer waiting: the join times out.
     */
    @Test
    void notifyOneRacingRegistrationsAndCancelsLosesNoNotification() throws InterruptedException {
        long perProducer = 40_000L * stressScale();
        long total = 3 * perProducer;
        Notify notify = new Notify();
        AtomicLong available = new AtomicLong();
        AtomicLong consumed = new AtomicLong();
        AtomicBoolean done = new AtomicBoolean();
        WaitCounter waits = new WaitCounter();
        LongAdder cancelledAfterWake = new LongAdder();
        LongAdder permits = new LongAdder();
        try (AsyncRuntime rt = AsyncRuntime.builder().multiThread().workerThreads(2).build()) {
            List<JoinHandle<Void>> hs = new ArrayList<>();
            for (int c = 0; c < 3; c++) {
                int id = c;
                Future<?>[] waiting = {null};
                boolean[] woken = {false};
                int[] polls = {0};
                hs.add(rt.spawn(cx -> {
                    for (; ; ) {
                        if (waiting[0] == null) {
                            waiting[0] = waits.count(notify.notified()); // before the look
                            woken[0] = false;
                        }
                        long a = available.get();
                        if (a > 0) {
                            if (available.compareAndSet(a, a - 1) && consumed.incrementAndGet() == total) {
                                done.set(true);
                                notify.notifyWaiters(); // release the other consumers
                            }
                            continue;
                        }
                        if (done.get()) {
                            waiting[0].cancel();
                            return Poll.ready(null);
                        }
                        if (woken[0] && (polls[0]++ + id) % 4 == 0) {
                            waiting[0].cancel(); // woken, maybe by a notifyOne not yet observed: passed on
                            waiting[0] = null;
                            cancelledAfterWake.increment();
                            continue;
                        }
                        if (!waiting[0].poll(cx).isReady()) {
                            woken[0] = true;
                            return Poll.pending();
                        }
                        if (!woken[0] && !done.get()) {
                            permits.increment(); // ready at its first poll, before any notifyWaiters: a permit
                        }
                        waiting[0] = null;
                    }
                }));
            }
            for (int p = 0; p < 2; p++) {
                long[] left = {perProducer};
                int burstBase = p;
                hs.add(rt.spawn(cx -> {
                    for (int burst = 1 + (int) ((left[0] + burstBase) * 5 % 7); left[0] > 0; burst--) {
                        if (burst == 0) {
                            cx.waker().wake(); // yield between bursts, so the consumers run dry and wait
                            return Poll.pending();
                        }
                        available.incrementAndGet();
                        notify.notifyOne();
                        left[0]--;
                    }
                    return Poll.ready(null);
                }));
            }
            Thread outside = Thread.ofPlatform().start(() -> {
                for (long i = 0; i < perProducer; i++) {
                    available.incrementAndGet();
                    notify.notifyOne();
                    if (i % 8 == 0) {
                        Thread.yield();
                    }
                }
            });
            StressJoin.joinAll(rt, hs, () -> "consumed " + consumed.get() + " of " + total + ", available "
                    + available.get() + ", " + notify + ", " + waits);
            outside.join();
        }
        assertEquals(total, consumed.get());
        assertEquals(0, available.get());
        assertTrue(waits.waited() > 0 && waits.wokenAcrossThreads() > 0, "notified() never waited: " + waits);
        assertTrue(permits.sum() > 0, "no notified() took a stored permit: " + waits);
        assertTrue(cancelledAfterWake.sum() > 0, "no woken waiter was cancelled");
    }

    /**
     * Rounds of: each waiter task creates its {@code notified()} future, counts itself, and spins a varying while
     * before its first poll; a thread outside the runtime calls {@code notifyWaiters} as soon as every future of the
     * round exists, racing the first polls (the registrations). Every waiter must complete, whether it registered
     * before the call (woken) or polled after it (completed by the generation check at its first poll); both must
     * happen.
     */
    @Test
    void notifyWaitersRacingRegistrationsWakesEveryWaiter() throws InterruptedException {
        int rounds = 2_000 * stressScale();
        int waiters = 4;
        Notify notify = new Notify();
        AtomicInteger created = new AtomicInteger(); // futures created, over all rounds
        AtomicInteger completedRounds = new AtomicInteger(); // rounds the notifier has notified
        WaitCounter waits = new WaitCounter();
        AtomicBoolean stop = new AtomicBoolean();
        Thread notifier = null;
        try (AsyncRuntime rt = AsyncRuntime.builder().multiThread().workerThreads(2).build()) {
            List<JoinHandle<Void>> hs = new ArrayList<>();
            for (int w = 0; w < waiters; w++) {
                int id = w;
                int[] round = {0};
                Future<?>[] waiting = {null};
                hs.add(rt.spawn(cx -> {
                    while (round[0] < rounds) {
                        if (waiting[0] == null) {
                            waiting[0] = waits.count(notify.notified());
                            created.incrementAndGet();
                            // register a little later, by a varying delay: the notifier may come first
                            for (int spin = (round[0] * 7 + id * 31) % 128; spin > 0; spin--) {
                                Thread.onSpinWait();
                            }
                        }
                        if (!waiting[0].poll(cx).isReady()) {
                            return Poll.pending();
                        }
                        waiting[0] = null;
                        round[0]++;
                    }
                    return Poll.ready(null);
                }));
            }
            notifier = Thread.ofPlatform().start(() -> {
                for (int r = 0; r < rounds; r++) {
                    int target = (r + 1) * waiters;
                    for (int spins = 0; created.get() < target; spins++) {
                        if (stop.get()) {
                            return; // the test failed
                        }
                        if (spins > 100_000) {
                            Thread.yield(); // a loaded machine: let the waiters run
                        } else {
                            Thread.onSpinWait();
                        }
                    }
                    notify.notifyWaiters();
                    completedRounds.set(r + 1);
                }
            });
            StressJoin.joinAll(rt, hs, () -> "rounds notified " + completedRounds.get() + ", futures created "
                    + created.get() + ", " + waits);
        } finally {
            stop.set(true);
            if (notifier != null) {
                notifier.join();
            }
        }
        assertEquals((long) rounds * waiters, waits.waited() + waits.immediate());
        assertTrue(waits.waited() > 0 && waits.wokenAcrossThreads() > 0, "no waiter was woken: " + waits);
        assertTrue(waits.immediate() > 0, "no waiter registered after the notifyWaiters that covered it: " + waits);
    }

    /**
     * Rounds of: two quitter tasks and then a claimer task wait in {@code notified()} (the test sees each one waiting
     * before it starts the next, so the FIFO order is quitter, quitter, claimer); the test's thread calls
     * {@code notifyOne} once. The first quitter is chosen; woken, it cancels its wait without polling it, so the
     * notification it never observed must pass to the second quitter, which does the same, and on to the claimer,
     * which completes. A notification dropped by a cancel leaves the claimer waiting for good: the join fails. No
     * permit is left over.
     */
    @Test
    void aNotificationCancelledUnobservedPassesToTheNextWaiter() {
        int rounds = 500 * stressScale();
        LongAdder passedOn = new LongAdder();
        WaitCounter claims = new WaitCounter();
        try (AsyncRuntime rt = AsyncRuntime.builder().multiThread().workerThreads(2).build()) {
            for (int round = 0; round < rounds; round++) {
                Notify notify = new Notify();
                AtomicInteger registered = new AtomicInteger();
                List<JoinHandle<Void>> hs = new ArrayList<>();
                for (int q = 0; q < 2; q++) {
                    Future<Void> waiting = notify.notified();
                    boolean[] polled = {false};
                    hs.add(rt.spawn(cx -> {
                        if (!polled[0]) {
                            polled[0] = true;
                            assertFalse(waiting.poll(cx).isReady(), "notified before the notifyOne");
                            registered.incrementAndGet();
                            return Poll.pending();
                        }
                        waiting.cancel(); // woken, and gone without observing the notification
                        passedOn.increment();
                        return Poll.ready(null);
                    }));
                    int n = q + 1;
                    awaitCondition(() -> registered.get() == n, "quitter " + n + " waits");
                }
                hs.add(rt.spawn(claims.count(notify.notified())));
                awaitCondition(() -> claims.waitingNow() == 1, "the claimer waits");
                notify.notifyOne();
                int r = round;
                StressJoin.joinAll(rt, hs, () -> "round " + r + ": " + notify + ", passed on " + passedOn.sum()
                        + ", claims " + claims);
                assertEquals("Notify[]", notify.toString(), "nothing waits, no permit is left (round " + r + ")");
            }
        }
        assertEquals(2L * rounds, passedOn.sum(), "each quitter was woken by the notification and passed it on");
        assertEquals(rounds, claims.waited(), "each claimer waited: " + claims);
        assertTrue(claims.wokenAcrossThreads() > 0, "no claimer was woken from the other worker: " + claims);
    }
}
