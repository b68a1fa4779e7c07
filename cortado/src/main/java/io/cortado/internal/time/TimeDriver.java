package io.cortado.internal.time;

import io.cortado.internal.Checks;
import io.cortado.internal.SpinLock;
import io.cortado.internal.sched.Parker;
import io.cortado.time.Clock;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.time.Instant;

/**
 * A runtime's timers and clock: a {@link TimerWheel} behind a lock, the clock it is read against (system or
 * paused), and the hand-off with whichever thread parks "in the driver" (its park time-out is the next deadline).
 *
 * <h2>Rules</h2>
 * <ol>
 *   <li><b>Time.</b> Driver time is nanoseconds since the driver was made. A tick is a millisecond. A deadline at
 *       {@code d} ns is filed at tick {@code ceil(d / 1 ms)} and fires once the clock reads at least that tick,
 *       so a timer never fires early; it fires late by at most a tick plus the time it takes a thread to notice.</li>
 *   <li><b>Lock.</b> The wheel, the clock's pause state and {@link #nextTick} are written under {@link #lock}.
 *       Entries fire outside it, so a waker may register new timers.</li>
 *   <li><b>Who fires.</b> {@link #process} fires what is due, at most {@code limit} entries per call; any thread
 *       may call it. Due entries beyond the limit wait, marked fired, in a FIFO pending list (and {@link #nextTick}
 *       says "due now"), so a worker that fires timers on its maintenance tick wakes no more tasks than its local
 *       queue holds, and woken tasks never overflow behind a backlog in the global queue. The scheduler calls it
 *       before a worker parks and on a busy worker's maintenance tick.</li>
 *   <li><b>No missed deadline.</b> At most one thread at a time parks in the driver ({@link #tryEnterDriver}); it
 *       publishes its {@link Parker} (volatile) and then reads {@link #nextTick} (volatile) to choose its time-out.
 *       A registration that lowers {@code nextTick} writes it (volatile) and then reads the parker (volatile) and
 *       unparks it. Both sides write, then read (Dekker): either the parker sees the new deadline or the
 *       registration sees the parker, whose next park then returns at once.</li>
 *   <li><b>Paused time</b> moves only by {@link #advance} and {@link #autoAdvance}; the scheduler calls the latter
 *       only when every worker is idle, no work is queued and no blocking work is in flight.</li>
 *   <li><b>Close.</b> When its runtime has shut down, {@link #close} sets {@link #closedBy} (volatile, under the
 *       lock), empties the wheel and the pending list, and wakes every entry outside the lock without marking it
 *       fired. A registration under the lock after that fails ({@link #register} throws); a waiter that published
 *       its waker reads {@link #closedBy} afterwards (Dekker with the close): it either sees the close and fails
 *       with {@link IllegalStateException}, or is woken by it and fails on its next poll. No timer of a closed
 *       runtime waits forever.</li>
 * </ol>
 * Guarded by {@code TimerWheelTest}, {@code TimeDriverTest}, the timer behaviour suite run on both runtime
 * flavours ({@code TimeBehaviourTest}), and {@code TimeDriverLincheckTest} (model checks of rule 4, a registration
 * racing the parked driver, and of rules 2, 3 and 6, register / cancel / process / close racing: nothing lost,
 * nothing fired twice, a moved entry never completed by its old deadline).
 */
public final class TimeDriver implements Clock {
    private static final long TICK = 1_000_000L;
    /** Entries moved ahead of time from level 1 per {@link #process} call (the wheel's rule 5). */
    private static final int PRECASCADE_STEPS = 256;
    /** Entries fired per lock hold (rule 3). */
    private static final int FIRE_CHUNK = 64;
    private static final VarHandle DRIVER_HELD;

    static {
        try {
            DRIVER_HELD = MethodHandles.lookup().findVarHandle(TimeDriver.class, "driverHeld", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final SpinLock lock = new SpinLock();
    private final TimerWheel wheel = new TimerWheel();
    private final long originNanos = System.nanoTime();
    private final Instant originInstant = Instant.now();
    /** Added to the system clock's reading; changes when a paused clock resumes. Under the lock, read volatile. */
    private volatile long skewNanos;
    private volatile boolean paused;
    /** The paused clock's reading. Under the lock, read volatile. */
    private volatile long pausedNanos;
    /** The earliest filed deadline (a lower bound), or {@link Long#MAX_VALUE}; rule 4. */
    private volatile long nextTick = Long.MAX_VALUE;
    @SuppressWarnings("unused") // through DRIVER_HELD
    private volatile int driverHeld;
    /** The parker of the thread parked in the driver, or {@code null}; rule 4. */
    private volatile Parker driverParker;
    /** Rule 3: due entries not fired yet, oldest first; under the lock. */
    private TimerEntry pendingHead;
    private TimerEntry pendingTail;

    /** What closed this driver ("the runtime 'x'"), or {@code null} while it runs; rule 6. */
    private volatile String closedBy;

    /** @param startPaused whether the clock starts paused */
    public TimeDriver(boolean startPaused) {
        this.paused = startPaused;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Clock

    /** @return driver time: nanoseconds since the driver was made (rule 1) */
    public long nanos() {
        return paused ? pausedNanos : System.nanoTime() - originNanos + skewNanos;
    }

    /** @return the driver time of {@code instant}, clamped to [0, Long.MAX_VALUE / 2] */
    public long nanosOf(Instant instant) {
        Duration d = Duration.between(originInstant, instant);
        if (d.isNegative()) {
            return 0;
        }
        try {
            return Math.min(d.toNanos(), Long.MAX_VALUE / 2);
        } catch (ArithmeticException tooFar) {
            return Long.MAX_VALUE / 2;
        }
    }

    /** @return the instant of a driver time */
    public Instant instantOf(long nanos) {
        return originInstant.plusNanos(nanos);
    }

    @Override
    public Instant now() {
        return instantOf(nanos());
    }

    @Override
    public boolean isPaused() {
        return paused;
    }

    @Override
    public void pause() {
        lock.lock();
        try {
            if (!paused) {
                pausedNanos = nanos();
                paused = true;
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void resume() {
        lock.lock();
        try {
            if (paused) {
                skewNanos = pausedNanos - (System.nanoTime() - originNanos);
                paused = false;
            }
        } finally {
            lock.unlock();
        }
        wakeDriver(); // the parked driver's time-out was computed for a clock that did not move
    }

    @Override
    public void advance(Duration duration) {
        long by = Checks.saturatedNanos(Checks.checkNotNegative(duration, "duration"));
        lock.lock();
        try {
            if (!paused) {
                throw new IllegalStateException("Clock.advance needs a paused clock: build the runtime with "
                        + "startPaused(true) or call clock.pause() first");
            }
            pausedNanos = by > Long.MAX_VALUE / 2 - pausedNanos ? Long.MAX_VALUE / 2 : pausedNanos + by;
        } finally {
            lock.unlock();
        }
        process(Integer.MAX_VALUE);
    }

    /**
     * Rule 5: jumps a paused clock to the next deadline and fires what is due there.
     *
     * @return whether any timer fired
     */
    public boolean autoAdvance() {
        lock.lock();
        try {
            long next = nextTick;
            if (!paused || next == Long.MAX_VALUE) {
                return false;
            }
            pausedNanos = Math.max(pausedNanos, next * TICK);
        } finally {
            lock.unlock();
        }
        return process(Integer.MAX_VALUE) > 0;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Timers

    /**
     * Files {@code entry} for {@code deadlineNanos} (driver time), moving it if it was filed already.
     *
     * @return {@code false} if the deadline is not after the wheel's processed time: the entry was not filed and the
     * caller treats it as due
     */
    public boolean register(TimerEntry entry, long deadlineNanos) {
        long tick = ceilTick(deadlineNanos);
        boolean earlier;
        lock.lock();
        try {
            checkOpen(); // rule 6
            unlink(entry);
            entry.deadlineTick = tick;
            // Only the wheel's own "elapsed" decides here (no clock read): a deadline between elapsed and now is
            // filed and fires at the next process(), which every park and maintenance tick runs.
            if (!wheel.insert(entry)) {
                entry.setFired(true);
                return false;
            }
            entry.setFired(false);
            long filedAt = Math.min(tick, wheel.elapsed() + TimerWheel.MAX_TICKS); // a lower bound, as the wheel's
            earlier = filedAt < nextTick;
            if (earlier) {
                nextTick = filedAt;
            }
        } finally {
            lock.unlock();
        }
        if (earlier) {
            wakeDriver(); // rule 4
        }
        return true;
    }

    /**
     * Rule 6: the runtime has shut down; every timer still filed is woken (not fired) and later registrations fail.
     * Idempotent.
     *
     * @param runtime what closed, for the error ("the runtime 'cortado'")
     */
    public void close(String runtime) {
        java.util.List<TimerEntry> woken = new java.util.ArrayList<>();
        lock.lock();
        try {
            if (closedBy != null) {
                return;
            }
            closedBy = runtime;
            for (TimerEntry chain = wheel.poll(Long.MAX_VALUE); chain != null; chain = wheel.poll(Long.MAX_VALUE)) {
                for (TimerEntry e = chain; e != null; ) {
                    TimerEntry following = e.next;
                    e.next = null;
                    woken.add(e);
                    e = following;
                }
            }
            for (TimerEntry e = pendingHead; e != null; ) { // due already, marked fired: they complete
                TimerEntry following = e.next;
                e.next = null;
                e.prev = null;
                e.pending = false;
                woken.add(e);
                e = following;
            }
            pendingHead = null;
            pendingTail = null;
            nextTick = Long.MAX_VALUE;
        } finally {
            lock.unlock();
        }
        for (TimerEntry e : woken) {
            e.fire();
        }
    }

    /** @return whether {@link #close} was called (rule 6) */
    public boolean isClosed() {
        return closedBy != null;
    }

    /**
     * Rule 6.
     *
     * @throws IllegalStateException naming the closed runtime, if it is closed
     */
    public void checkOpen() {
        String by = closedBy;
        if (by != null) {
            throw new IllegalStateException(by + " is closed: its clock's timers (sleep, timeout, interval) can "
                    + "no longer fire; use a timer of a running runtime");
        }
    }

    /** Removes {@code entry} from the wheel if it is filed (O(1)). */
    public void cancel(TimerEntry entry) {
        lock.lock();
        try {
            unlink(entry);
        } finally {
            lock.unlock();
        }
    }

    /** Takes {@code e} out of the wheel or the pending list, wherever it is (under the lock). */
    private void unlink(TimerEntry e) {
        if (e.filed) {
            wheel.remove(e);
        } else if (e.pending) {
            if (e.prev != null) {
                e.prev.next = e.next;
            } else {
                pendingHead = e.next;
            }
            if (e.next != null) {
                e.next.prev = e.prev;
            } else {
                pendingTail = e.prev;
            }
            e.prev = null;
            e.next = null;
            e.pending = false;
        }
    }

    /**
     * Fires up to {@code limit} due entries (rule 3).
     *
     * @param limit the most entries to fire in this call
     * @return how many fired
     */
    public int process(int limit) {
        int fired = 0;
        TimerEntry[] batch = null;
        while (fired < limit) {
            int n = 0;
            lock.lock();
            try {
                if (pendingHead == null) {
                    TimerEntry due = wheel.poll(currentTick());
                    if (due == null) {
                        wheel.precascade(PRECASCADE_STEPS);
                        long next = wheel.nextExpiration();
                        nextTick = next < 0 ? Long.MAX_VALUE : next;
                        return fired;
                    }
                    for (TimerEntry e = due; e != null; ) {
                        TimerEntry following = e.next;
                        e.setFired(true);
                        e.pending = true;
                        e.next = null;
                        e.prev = pendingTail;
                        if (pendingTail == null) {
                            pendingHead = e;
                        } else {
                            pendingTail.next = e;
                        }
                        pendingTail = e;
                        e = following;
                    }
                }
                // Take the batch out into an array and clear its links while the lock is held: once it is released,
                // a woken owner may register an entry again (its links then belong to the wheel).
                int want = Math.min(limit - fired, FIRE_CHUNK);
                if (batch == null) {
                    batch = new TimerEntry[want];
                }
                while (n < want && pendingHead != null) {
                    TimerEntry e = pendingHead;
                    pendingHead = e.next;
                    e.next = null;
                    e.prev = null;
                    e.pending = false;
                    batch[n++] = e;
                }
                if (pendingHead == null) {
                    pendingTail = null;
                } else {
                    pendingHead.prev = null;
                    nextTick = 0; // rule 3: more are due now
                }
            } finally {
                lock.unlock();
            }
            for (int i = 0; i < n; i++) {
                TimerEntry e = batch[i];
                batch[i] = null;
                e.fire();
            }
            fired += n;
        }
        return fired;
    }

    /** @return whether a filed deadline has passed (a volatile read and a clock read: the maintenance check) */
    public boolean isDue() {
        long next = nextTick;
        return next == 0 || next != Long.MAX_VALUE && next <= currentTick();
    }

    /** @return whether a deadline may be pending (a volatile read; a stale "yes" costs one empty advance) */
    public boolean hasDeadline() {
        return nextTick != Long.MAX_VALUE;
    }

    /** @return the number of filed timers (under the lock; for tests and metrics) */
    public int size() {
        lock.lock();
        try {
            int n = wheel.size();
            for (TimerEntry e = pendingHead; e != null; e = e.next) {
                n++;
            }
            return n;
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Parking in the driver (rule 4)

    /**
     * Becomes the thread parked in the driver, if none is.
     *
     * @param parker the caller's parker, unparked when an earlier deadline is filed
     * @return whether the caller is now the driver (it must call {@link #exitDriver} after parking)
     */
    public boolean tryEnterDriver(Parker parker) {
        if (!DRIVER_HELD.compareAndSet(this, 0, 1)) {
            return false;
        }
        driverParker = parker;
        return true;
    }

    /**
     * @return how long the driver may park: nanoseconds until the next deadline, or {@link Long#MAX_VALUE} when no
     * timer is filed or the clock is paused (paused time moves only by advancing)
     */
    public long parkTimeoutNanos() {
        long next = nextTick;
        if (next == Long.MAX_VALUE || paused) {
            return Long.MAX_VALUE;
        }
        return Math.max(0, next * TICK - nanos());
    }

    /** Stops being the driver. */
    public void exitDriver() {
        driverParker = null;
        DRIVER_HELD.setRelease(this, 0);
    }

    /** Unparks the thread parked in the driver, if any, so it re-evaluates (e.g. the last worker just parked). */
    public void wakeDriver() {
        Parker p = driverParker;
        if (p != null) {
            p.unpark();
        }
    }

    private long currentTick() {
        return nanos() / TICK;
    }

    private static long ceilTick(long nanos) {
        return nanos <= 0 ? 0 : (nanos - 1) / TICK + 1;
    }
}
