package io.cortado.internal.sched;

import io.cortado.testing.RuntimeTestBase;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The rules of {@link Parker}. */
class ParkerTest extends RuntimeTestBase {

    @Test
    void unparkBeforeParkIsStored() {
        Parker p = new Parker();
        p.unpark();
        p.unpark();
        assertTrue(p.parkNanos(Long.MAX_VALUE), "a stored unpark ends the next park at once");
        assertFalse(p.parkNanos(1_000_000), "two unparks store one permit");
    }

    @Test
    void parkTimesOut() {
        Parker p = new Parker();
        long t0 = System.nanoTime();
        assertFalse(p.parkNanos(5_000_000));
        assertTrue(System.nanoTime() - t0 >= 5_000_000);
    }

    @Test
    void unparkFromAnotherThreadEndsThePark() throws Exception {
        for (int i = 0; i < 2_000; i++) {
            Parker p = new Parker();
            Thread t = Thread.ofPlatform().start(p::unpark);
            p.park(); // returns only if the unpark is not lost, wherever it lands
            t.join();
        }
    }

    @Test
    void interruptDoesNotEndTheParkAndIsRestored() throws Exception {
        AtomicBoolean interruptedAfter = new AtomicBoolean();
        AtomicInteger phase = new AtomicInteger();
        CountDownLatch parked = new CountDownLatch(1);
        Parker[] holder = new Parker[1];
        Thread t = Thread.ofPlatform().unstarted(() -> {
            holder[0] = new Parker();
            parked.countDown();
            holder[0].park();
            phase.set(1);
            assertFalse(Thread.currentThread().isInterrupted(), "the flag is cleared while parked");
            holder[0].restoreInterrupt();
            interruptedAfter.set(Thread.currentThread().isInterrupted());
        });
        t.start();
        parked.await();
        t.interrupt();
        while (!holder[0].hasAbsorbedInterrupt()) {
            Thread.onSpinWait(); // the park woke up, saw the interrupt, and must go back to parking
        }
        while (t.getState() != Thread.State.WAITING) {
            Thread.onSpinWait();
        }
        assertEquals(0, phase.get(), "an interrupt does not end the park");
        holder[0].unpark();
        t.join();
        assertEquals(1, phase.get());
        assertTrue(interruptedAfter.get(), "the interrupt is re-asserted by restoreInterrupt");
    }
}
