package io.cortado.internal.time;

import io.cortado.internal.sched.Parker;
import io.cortado.testing.RuntimeTestBase;
import org.jetbrains.lincheck.Lincheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.reflect.Field;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Model checks of {@link TimeDriver} with Lincheck's general-purpose model checker ({@code
 * Lincheck.runConcurrentTest}): the real driver, wheel, {@link io.cortado.internal.SpinLock} and {@link Parker} on
 * real threads, every explored interleaving checked by assertions in the test body, and each test counting that the
 * races it is about really happened (failing if one never did).
 * <ul>
 *   <li>{@link #aRegistrationRacingTheParkedDriverIsNotMissed}: rule 4. A thread enters the driver and parks when it
 *       sees no deadline while another registers one; either the driver sees the deadline or it is unparked (a
 *       missed deadline parks it for good, which Lincheck reports as a hang), and once unparked it sees it.</li>
 *   <li>{@link #registerCancelProcessAndCloseNeitherLoseNorDoubleFire}: rules 2, 3 and 6. Two due entries and a
 *       later one; the owner cancels one and moves the other later while one thread fires one entry
 *       ({@code process(1)}: the other waits in the pending list), another fires all, and a fourth closes the
 *       driver. No entry marked fired is left unwoken, none is woken twice for one registration, a cancelled entry
 *       fires only if the firing marked it before the cancel, a moved entry is never completed by its old
 *       deadline, and the close wakes every entry still filed or pending and refuses later registrations.</li>
 * </ul>
 * Quick form: 2,000 and 1,500 invocations (a few seconds each); {@code -Pstress} multiplies them by
 * {@code cortado.stress.scale}.
 *
 * <p>Checked: a registration that does not wake the driver (rule 4) makes the first test report a hang; a close
 * that drops the pending list instead of waking it makes the second fail ("an entry marked fired was never woken").
 */
class TimeDriverLincheckTest extends RuntimeTestBase {
    private static final long MS = 1_000_000L;
    private static final long HOUR = 3_600_000L * MS;

    /** An entry that counts its wakes and remembers who woke it last. */
    private static final class Entry extends TimerEntry {
        final AtomicInteger wakes = new AtomicInteger();
        volatile Thread closer;
        volatile boolean wokenPendingByClose;

        @Override
        protected void fire() {
            if (Thread.currentThread() == closer && isFired()) {
                wokenPendingByClose = true; // close took it from the pending list (due, marked, not yet fired)
            }
            wakes.incrementAndGet();
        }
    }

    /** Sets a paused driver's clock without firing anything (advance would fire): due entries stay filed. */
    private static void clockTo(TimeDriver d, long nanos) {
        try {
            Field f = TimeDriver.class.getDeclaredField("pausedNanos");
            f.setAccessible(true);
            f.setLong(d, nanos);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    private static void join(Thread... threads) {
        for (Thread t : threads) {
            try {
                t.join();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }

    private static void check(boolean condition, String what) {
        if (!condition) {
            throw new AssertionError(what);
        }
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.MINUTES)
    void aRegistrationRacingTheParkedDriverIsNotMissed() {
        AtomicInteger parkedThenUnparked = new AtomicInteger();
        AtomicInteger sawTheDeadline = new AtomicInteger();
        Lincheck.runConcurrentTest(2_000 * stressScale(), () -> {
            TimeDriver d = new TimeDriver(false);
            Entry e = new Entry();
            Thread registrar = new Thread(() -> d.register(e, d.nanos() + HOUR));
            registrar.start();
            Parker p = new Parker();
            check(d.tryEnterDriver(p), "nobody else is the driver");
            try {
                if (d.parkTimeoutNanos() == Long.MAX_VALUE) {
                    p.park(); // a registration that neither the time-out nor an unpark reflects: parked for good
                    check(d.parkTimeoutNanos() != Long.MAX_VALUE, "unparked, but the deadline is not visible");
                    parkedThenUnparked.incrementAndGet();
                } else {
                    sawTheDeadline.incrementAndGet();
                }
            } finally {
                d.exitDriver();
            }
            join(registrar);
            check(d.size() == 1 && e.wakes.get() == 0, "the hour-long timer is filed and has not fired");
        });
        assertTrue(parkedThenUnparked.get() > 0, "never explored: the driver parked, then the registration woke it");
        assertTrue(sawTheDeadline.get() > 0, "never explored: the driver saw the new deadline before parking");
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.MINUTES)
    void registerCancelProcessAndCloseNeitherLoseNorDoubleFire() {
        AtomicInteger cancelAfterMarkBeforeFire = new AtomicInteger();
        AtomicInteger cancelBeforeMark = new AtomicInteger();
        AtomicInteger movedWhileMarked = new AtomicInteger();
        AtomicInteger closeTookPending = new AtomicInteger();
        AtomicInteger registerRefusedByClose = new AtomicInteger();
        Lincheck.runConcurrentTest(1_500 * stressScale(), () -> {
            TimeDriver d = new TimeDriver(true);
            Entry a = new Entry();
            Entry b = new Entry();
            Entry c = new Entry();
            check(d.register(a, MS) && d.register(b, MS) && d.register(c, 3 * MS), "filed");
            clockTo(d, 2 * MS); // a and b are due, c is not; nothing has fired yet
            boolean[] aFiredAtCancel = new boolean[1];
            boolean[] bFiredAfterMove = new boolean[1];
            String[] moved = new String[1];
            Thread owner = new Thread(() -> {
                d.cancel(a);
                aFiredAtCancel[0] = a.isFired();
                if (aFiredAtCancel[0] && a.wakes.get() == 0) {
                    cancelAfterMarkBeforeFire.incrementAndGet();
                }
                boolean bMarked = b.isFired();
                try {
                    moved[0] = d.register(b, 5 * MS) ? "filed" : "due";
                } catch (IllegalStateException closed) {
                    moved[0] = "closed";
                }
                bFiredAfterMove[0] = b.isFired();
                if (bMarked && moved[0].equals("filed")) {
                    movedWhileMarked.incrementAndGet();
                }
            });
            Thread fireOne = new Thread(() -> d.process(1));
            Thread fireAll = new Thread(() -> d.process(Integer.MAX_VALUE));
            Thread closer = new Thread(() -> d.close("the runtime 'model'"));
            a.closer = closer;
            b.closer = closer;
            c.closer = closer;
            owner.start();
            fireOne.start();
            fireAll.start();
            closer.start();
            join(owner, fireOne, fireAll, closer);

            String where = " (a: " + a.wakes.get() + " wakes, fired " + a.isFired() + ", fired at cancel "
                    + aFiredAtCancel[0] + "; b: " + b.wakes.get() + " wakes, fired " + b.isFired() + ", moved "
                    + moved[0] + "; c: " + c.wakes.get() + " wakes)";
            for (Entry x : new Entry[] {a, b, c}) {
                check(!x.isFired() || x.wakes.get() >= 1, "an entry marked fired was never woken" + where);
            }
            check(d.size() == 0, "the closed driver still holds " + d.size() + " entries" + where);
            // c was never due: the close woke it, exactly once, without marking it fired
            check(c.wakes.get() == 1 && !c.isFired(), "the close did not wake the filed entry once" + where);
            // a: woken at most once; if it fired, the firing marked it before the cancel
            check(a.wakes.get() <= 1, "the cancelled entry was woken twice" + where);
            check(!a.isFired() || aFiredAtCancel[0], "the cancelled entry was fired after the cancel" + where);
            if (a.wakes.get() == 0) {
                cancelBeforeMark.incrementAndGet();
            }
            // b: moved to 5 ms on a clock at 2 ms
            check(!moved[0].equals("due"), "a deadline after the wheel's time was refused" + where);
            if (moved[0].equals("filed")) {
                check(!bFiredAfterMove[0], "the moved entry was completed by its old deadline" + where);
                check(!b.isFired(), "the moved entry was marked fired before its new deadline" + where);
                // the close woke it (it was filed); the old firing may add one spurious wake
                check(b.wakes.get() >= 1 && b.wakes.get() <= 2, "the moved entry's wakes" + where);
            } else {
                registerRefusedByClose.incrementAndGet();
                check(b.wakes.get() == 1, "an entry due at the close was not woken exactly once" + where);
            }
            try {
                d.register(new Entry(), 10 * MS);
                check(false, "a registration after the close was accepted");
            } catch (IllegalStateException expected) {
                // rule 6
            }
            for (Entry x : new Entry[] {a, b, c}) {
                if (x.wokenPendingByClose) {
                    closeTookPending.incrementAndGet();
                }
            }
        });
        assertTrue(cancelAfterMarkBeforeFire.get() > 0,
                "never explored: a cancel between the firing's marking and its wake (cancel racing fire)");
        assertTrue(cancelBeforeMark.get() > 0, "never explored: a cancel winning over the firing");
        assertTrue(movedWhileMarked.get() > 0, "never explored: an entry moved while its old deadline fired");
        assertTrue(closeTookPending.get() > 0, "never explored: the close waking an entry of the pending list");
        assertTrue(registerRefusedByClose.get() > 0, "never explored: a registration refused by the close");
    }

    @Override
    protected boolean checksDescriptors() {
        return false; // Lincheck itself opens files and a socket; the runtime is not involved here
    }
}
