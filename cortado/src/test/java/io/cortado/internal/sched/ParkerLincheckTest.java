package io.cortado.internal.sched;

import io.cortado.testing.RuntimeTestBase;
import org.jetbrains.lincheck.Lincheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.reflect.Field;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Model checks of {@link Parker}'s rules 1 and 2 with Lincheck's general-purpose model checker
 * ({@code Lincheck.runConcurrentTest}): every interleaving it explores runs the real {@link Parker} on real threads
 * whose {@code LockSupport.park}/{@code unpark} Lincheck controls. A lost unpark leaves the owner parked forever,
 * which Lincheck reports as a hang with the interleaving that led to it; a park that returns without an unpark
 * fails the owner's assertion. Each test counts that the interleavings that matter were explored (an unpark landing
 * on a parked owner, and one stored before the park) and fails if one never happened.
 *
 * <p>Not modelled here: the time-out path of {@link Parker#parkNanos} (Lincheck does not model the clock) and
 * {@link Parker#select}; {@link #timedParkRacingUnparkConsumesEachUnparkOnce} races the former on real threads.
 * Quick form: 2,000 invocations per model test (about 5 s each); {@code -Pstress} multiplies them by
 * {@code cortado.stress.scale}.
 *
 * <p>Checked: an unpark that stores nothing when the owner is not yet parked ({@code compareAndSet(PARKED,
 * NOTIFIED)} for the swap) makes all three tests fail (the model tests report a hang in under a second).
 */
class ParkerLincheckTest extends RuntimeTestBase {
    private static final int EMPTY = 0;
    private static final int PARKED = 1;

    /** The parker's state word, read by the unparker just before it unparks (to count which case it hit). */
    static int stateOf(Parker p) {
        try {
            Field f = Parker.class.getDeclaredField("state");
            f.setAccessible(true);
            return ((AtomicInteger) f.get(p)).get();
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    private static void join(Thread t) {
        try {
            t.join();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    /** Rules 1 and 2: one unpark, before or during the park, ends it; the park never returns without it. */
    @Test
    @Timeout(value = 20, unit = TimeUnit.MINUTES)
    void anUnparkBeforeOrDuringTheParkEndsIt() {
        AtomicInteger parkedThenUnparked = new AtomicInteger();
        AtomicInteger storedBeforePark = new AtomicInteger();
        Lincheck.runConcurrentTest(2_000 * stressScale(), () -> {
            Parker p = new Parker();
            AtomicInteger unparks = new AtomicInteger();
            int[] seen = new int[1];
            Thread u = new Thread(() -> {
                unparks.incrementAndGet();
                seen[0] = stateOf(p); // PARKED stays PARKED until this unpark: the owner cannot leave it alone
                p.unpark();
            });
            u.start();
            p.park();
            if (unparks.get() != 1) {
                throw new AssertionError("park returned before the unpark (rule 2: no spurious return)");
            }
            join(u);
            if (seen[0] == PARKED) {
                parkedThenUnparked.incrementAndGet();
            } else if (seen[0] == EMPTY) {
                storedBeforePark.incrementAndGet();
            }
        });
        assertTrue(parkedThenUnparked.get() > 0, "never explored: an unpark of a parked owner");
        assertTrue(storedBeforePark.get() > 0, "never explored: an unpark stored before the park");
    }

    /**
     * Rule 1 with two unparkers: the owner parks until it has seen both; two unparks may coalesce into one stored
     * permit, but the second is never lost when the owner parks again after consuming the first.
     */
    @Test
    @Timeout(value = 20, unit = TimeUnit.MINUTES)
    void twoUnparkersAreNeverLost() {
        AtomicInteger parkedTwice = new AtomicInteger();
        AtomicInteger coalesced = new AtomicInteger();
        Lincheck.runConcurrentTest(2_000 * stressScale(), () -> {
            Parker p = new Parker();
            AtomicInteger unparks = new AtomicInteger();
            Runnable unparker = () -> {
                unparks.incrementAndGet();
                p.unpark();
            };
            Thread a = new Thread(unparker);
            Thread b = new Thread(unparker);
            a.start();
            b.start();
            int parks = 0;
            while (unparks.get() < 2) {
                p.park();
                parks++;
                if (parks > unparks.get()) { // each return consumes an unpark of its own (two may coalesce)
                    throw new AssertionError("park returned without an unpark to consume (rule 2)");
                }
            }
            join(a);
            join(b);
            if (parks >= 2) {
                parkedTwice.incrementAndGet();
            } else {
                coalesced.incrementAndGet();
            }
        });
        assertTrue(parkedTwice.get() > 0, "never explored: the owner parked again after the first unpark");
        assertTrue(coalesced.get() > 0, "never explored: both unparks before the owner looked");
    }

    /**
     * The time-out path (rule 2), on real threads: a {@code parkNanos} that times out while an unpark races it
     * either consumes that unpark ({@code true}) or leaves it stored for the next park; the unpark is consumed
     * exactly once. Counts that both orders, and a time-out with the unpark stored after it, happened.
     */
    @Test
    void timedParkRacingUnparkConsumesEachUnparkOnce() throws Exception {
        int rounds = 20_000 * stressScale();
        int[] outcomes = new int[2]; // consumed by the timed park; timed out, then found stored
        Parker[] holder = new Parker[1];
        CyclicBarrier start = new CyclicBarrier(2);
        Thread unparker = Thread.ofPlatform().start(() -> {
            try {
                for (int i = 0; i < rounds; i++) {
                    start.await();
                    for (int spin = i % 64; spin > 0; spin--) {
                        Thread.onSpinWait(); // vary where the unpark lands relative to the time-out
                    }
                    holder[0].unpark();
                    start.await();
                }
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        for (int i = 0; i < rounds; i++) {
            Parker p = new Parker();
            holder[0] = p;
            start.await();
            boolean consumed = p.parkNanos(i % 3 == 0 ? 0 : 1_000);
            start.await(); // the unpark has happened
            boolean stored = p.parkNanos(0);
            assertTrue(consumed ^ stored, "round " + i + ": the unpark was consumed " + (consumed ? 2 : 0) + " times");
            outcomes[consumed ? 0 : 1]++;
        }
        unparker.join();
        assertTrue(outcomes[0] > 0 && outcomes[1] > 0,
                "never raced both ways (consumed by the timed park, stored after a time-out): "
                        + outcomes[0] + ", " + outcomes[1]);
    }

    @Override
    protected boolean checksDescriptors() {
        return false; // Lincheck itself opens files and a socket; the runtime is not involved here
    }
}
